// The emulator over real HTTP on loopback: what only the server path can show (base URL in
// answers, HEAD, DELETE with a body, large commits, concurrent clients).
#include <gtest/gtest.h>

#include <thread>

#include "base/base64.h"
#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

class Loopback : public ::testing::Test {
 protected:
  void SetUp() override {
    hub = std::make_unique<HubEmulator>(testing::DefaultOptions(), clock,
                                        std::make_unique<testing::FakeProbe>(std::make_shared<testing::FakeRegistry>()));
    const Status listening = hub->Listen();
    ASSERT_TRUE(listening.ok()) << listening.ToString();
    transport = http::MakeTransport({});
  }
  http::Response Send(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::string& content_type = "application/json") {
    http::Request r;
    r.method = method;
    r.url = hub->base_url() + path;
    r.headers.Add("Authorization", "Bearer hf_alice");
    r.body = body;
    if (!body.empty()) r.headers.Add("Content-Type", content_type);
    Result<http::Response> response = transport->Send(r);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : http::Response{};
  }
  FakeClock clock;
  std::unique_ptr<HubEmulator> hub;
  std::unique_ptr<http::Transport> transport;
};

TEST_F(Loopback, AnswersCarryTheListeningBaseUrl) {
  const std::string base = hub->base_url();
  EXPECT_EQ(base.rfind("http://127.0.0.1:", 0), 0u) << base;
  const http::Response created = Send("POST", "/api/repos/create", R"({"name":"demo","type":"space","sdk":"docker"})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_NE(created.body.find("\"url\":\"" + base + "/spaces/alice/demo\""), std::string::npos) << created.body;
}

TEST_F(Loopback, HeadGivesTheLengthWithoutABodyAndDeleteTakesAJsonBody) {
  ASSERT_EQ(Send("POST", "/api/repos/create", R"({"name":"demo","type":"space","sdk":"docker"})").status, 200);
  const http::Response head = Send("HEAD", "/spaces/alice/demo/raw/main/README.md");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_NE(head.headers.Get("Content-Length").value_or("0"), "0");
  EXPECT_EQ(Send("HEAD", "/spaces/alice/demo/raw/main/nope").status, 404);
  const http::Response deleted =
      Send("DELETE", "/api/repos/delete", R"({"name":"demo","organization":"alice","type":"space"})");
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, "OK");
}

TEST_F(Loopback, ACommitOfSeveralMegabytesGoesThrough) {
  ASSERT_EQ(Send("POST", "/api/repos/create", R"({"name":"demo","type":"space","sdk":"docker"})").status, 200);
  const std::string big(6 * 1024 * 1024, 'x');
  const std::string body = R"({"key":"header","value":{"summary":"big"}})" "\n" +
                           std::string(R"({"key":"file","value":{"path":"big.txt","encoding":"base64","content":")") +
                           Base64Encode(big) + "\"}}";
  ASSERT_EQ(Send("POST", "/api/spaces/alice/demo/commit/main", body, "application/x-ndjson").status, 200);
  EXPECT_EQ(Send("GET", "/spaces/alice/demo/resolve/main/big.txt").body.size(), big.size());
}

TEST_F(Loopback, ConcurrentClientsEachGetTheirOwnCommit) {
  ASSERT_EQ(Send("POST", "/api/repos/create", R"({"name":"demo","type":"space","sdk":"docker"})").status, 200);
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([this, i] {
      for (int k = 0; k < 5; ++k) {
        const std::string path = "f" + std::to_string(i) + "_" + std::to_string(k);
        const std::string body = R"({"key":"header","value":{"summary":"c"}})" "\n" +
                                 std::string(R"({"key":"file","value":{"path":")") + path +
                                 R"(","encoding":"utf-8","content":"x"}})";
        EXPECT_EQ(Send("POST", "/api/spaces/alice/demo/commit/main", body, "application/x-ndjson").status, 200);
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_NE(Send("GET", "/api/spaces/alice/demo/commits/main").headers.Get("X-Total-Count"), std::nullopt);
  EXPECT_EQ(Send("GET", "/api/spaces/alice/demo/commits/main").headers.Get("X-Total-Count"), "21");
}

}  // namespace
}  // namespace spaceport::hub_emulator
