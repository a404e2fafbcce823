// What the Hub emulator's unit tests share: a HubEmulator on a FakeClock with a scripted image
// probe (no network), and one-line helpers to send it requests in process and read answers.
//
//   HubFixture hub;                                  // tokens: hf_alice (alice, org acme),
//                                                    //         hf_bob (bob), hf_reader (read role)
//   hub.registry->Add("ghcr.io/acme/app:v1");
//   hub.CreateSpace("alice/demo");
//   hub.Commit("alice/demo", {{"Dockerfile", "FROM ghcr.io/acme/app:v1\n"}});
//   hub.Settle(std::chrono::seconds(5));             // waits for image checks, then advances
//   EXPECT_EQ(hub.Stage("alice/demo"), "APP_STARTING");
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/base64.h"
#include "emulators/hub/hub_emulator.h"
#include "emulators/hub/image_probe.h"

namespace spaceport::hub_emulator::testing {

inline constexpr char kAlice[] = "hf_alice";
inline constexpr char kBob[] = "hf_bob";
inline constexpr char kReader[] = "hf_reader";

// The images that "exist", shared between a test and the probe inside the emulator. A gate can
// hold checks until Release(), to observe a build whose check has not reported yet.
struct FakeRegistry {
  std::mutex mu;
  std::condition_variable released;
  std::set<std::string> present;   // ImageRef::ToString() form: "docker.io/library/busybox:latest"
  std::vector<std::string> checked;
  bool hold = false;

  void Add(const std::string& image) {
    std::lock_guard<std::mutex> lock(mu);
    present.insert(image);
  }
  void Hold() {
    std::lock_guard<std::mutex> lock(mu);
    hold = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu);
      hold = false;
    }
    released.notify_all();
  }
  std::vector<std::string> Checked() {
    std::lock_guard<std::mutex> lock(mu);
    return checked;
  }
};

class FakeProbe final : public ImageProbe {
 public:
  explicit FakeProbe(std::shared_ptr<FakeRegistry> registry) : registry_(std::move(registry)) {}
  ProbeResult Check(const ImageRef& ref) override {
    std::unique_lock<std::mutex> lock(registry_->mu);
    registry_->released.wait(lock, [this] { return !registry_->hold; });
    const std::string name = ref.ToString();
    registry_->checked.push_back(name);
    if (registry_->present.count(name)) return {true, name + ": found"};
    return {false, name + ": not found"};
  }

 private:
  std::shared_ptr<FakeRegistry> registry_;
};

inline Options DefaultOptions() {
  Options o;
  o.tokens = {{kAlice, "alice", {"acme"}, "write", ""},
              {kBob, "bob", {}, "write", ""},
              {kReader, "alice", {"acme"}, "read", "alice-readonly"}};
  o.build_time = std::chrono::seconds(10);
  o.start_time = std::chrono::seconds(5);
  o.base_url = "http://hub.test";
  return o;
}

struct Reply {
  http::Response response;
  int status() const { return response.status; }
  std::string header(const std::string& name) const { return response.headers.Get(name).value_or(""); }
  const std::string& body() const { return response.body; }
  Json json() const {
    Result<Json> doc = Json::Parse(response.body);
    EXPECT_TRUE(doc.ok()) << "not JSON: " << response.body;
    return doc.ok() ? *doc : Json();
  }
};

class HubFixture {
 public:
  explicit HubFixture(Options options = DefaultOptions())
      : registry(std::make_shared<FakeRegistry>()) {
    options.advance_clock = [this](Clock::Duration d) { clock.Advance(d); };
    hub = std::make_unique<HubEmulator>(std::move(options), clock, std::make_unique<FakeProbe>(registry));
  }
  // A test that failed while holding image checks must not hang the emulator's shutdown.
  ~HubFixture() { registry->Release(); }
  HubFixture(const HubFixture&) = delete;  // the clock callback holds `this`
  HubFixture& operator=(const HubFixture&) = delete;

  Reply Send(const std::string& method, const std::string& target, const std::string& token = kAlice,
             const std::string& body = "", const std::string& content_type = "application/json",
             http::Headers extra = {}) {
    http::Server::IncomingRequest r;
    r.method = method;
    const size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.headers = std::move(extra);
    if (!token.empty()) r.headers.Add("Authorization", "Bearer " + token);
    if (!body.empty()) r.headers.Add("Content-Type", content_type);
    r.body = body;
    return Reply{hub->Handle(r)};
  }
  Reply Get(const std::string& target, const std::string& token = kAlice, http::Headers extra = {}) {
    return Send("GET", target, token, "", "", std::move(extra));
  }
  Reply Post(const std::string& target, const std::string& body, const std::string& token = kAlice) {
    return Send("POST", target, token, body);
  }
  Reply Delete(const std::string& target, const std::string& body, const std::string& token = kAlice) {
    return Send("DELETE", target, token, body);
  }

  // "ns/name" → creates that docker Space (or another sdk) as the token's user; expects 200.
  Reply CreateSpace(const std::string& id, const std::string& sdk = "docker",
                    const std::string& token = kAlice, const std::string& extra_json = "") {
    const size_t slash = id.find('/');
    Reply r = Post("/api/repos/create",
                   R"({"name":")" + id.substr(slash + 1) + R"(","organization":")" + id.substr(0, slash) +
                       R"(","type":"space","sdk":")" + sdk + "\"" + extra_json + "}",
                   token);
    EXPECT_EQ(r.status(), 200) << r.body();
    return r;
  }

  // Commits files (path → content) and deletions through the NDJSON API; returns the reply.
  Reply Commit(const std::string& id, const std::map<std::string, std::string>& files,
               const std::vector<std::string>& deleted = {}, const std::string& parent = "",
               const std::string& token = kAlice, const std::string& type = "spaces") {
    std::string body = R"({"key":"header","value":{"summary":"test commit")";
    if (!parent.empty()) body += R"(,"parentCommit":")" + parent + "\"";
    body += "}}";
    for (const auto& [path, content] : files) {
      body += "\n" R"({"key":"file","value":{"path":")" + path + R"(","content":")" + Base64Encode(content) +
              R"(","encoding":"base64"}})";
    }
    for (const std::string& path : deleted) {
      body += "\n" R"({"key":"deletedFile","value":{"path":")" + path + R"("}})";
    }
    return Send("POST", "/api/" + type + "/" + id + "/commit/main", token, body, "application/x-ndjson");
  }

  Json Runtime(const std::string& id) { return Get("/api/spaces/" + id + "/runtime").json(); }
  std::string Stage(const std::string& id) { return Runtime(id).GetString("stage"); }
  std::string Head(const std::string& id) {
    return Get("/api/spaces/" + id + "?expand=sha").json().GetString("sha");
  }

  // Lets pending image checks report, then moves the clock.
  void Settle(Clock::Duration d) {
    hub->WaitForBuildChecks();
    clock.Advance(d);
  }

  FakeClock clock;
  std::shared_ptr<FakeRegistry> registry;
  std::unique_ptr<HubEmulator> hub;
};

}  // namespace spaceport::hub_emulator::testing
