// Log tails from a stream that never ends, over real loopback HTTP (the cpprestsdk transport):
// the Hub keeps its log endpoints open after the backlog, so the tail is what arrived by the
// deadline, and a reader that has enough can hang up early.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/hub/hub_client.h"
#include "support/endless_body_server.h"

namespace spaceport::hub {
namespace {

using ::testing::ElementsAre;
using std::chrono::milliseconds;

std::string Event(const std::string& line) {
  return "data: {\"data\":\"" + line + "\\n\",\"timestamp\":\"2026-01-01T00:00:00Z\"}\n\n";
}

TEST(LogStream, TheTailOfAnEndlessStreamIsWhatArrivedByTheDeadline) {
  support::EndlessBodyServer server(
      {.content_type = "text/event-stream",
       .prefix = Event("Step 1/3 : FROM ghcr.io/acme/app:v404") + Event("--> ERROR: failed to solve") +
                 ": keep-alive\n\n" + Event("Build failed with exit code: 1"),
       .hold_after_prefix = true});
  HubConfig config;
  config.endpoint = server.base_url();
  config.token = HubToken{"hf_streamTestToken", "test token"};
  auto client = HubClient::Create(config, RealClock::Instance());
  ASSERT_TRUE(client.ok()) << client.status().ToString();

  const auto start = std::chrono::steady_clock::now();
  auto tail = (*client)->TailLogs("alice/demo", LogKind::kBuild,
                                  {.max_lines = 2, .deadline = milliseconds(800)});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_THAT(tail->lines,
              ElementsAre("--> ERROR: failed to solve", "Build failed with exit code: 1"));
  EXPECT_TRUE(tail->truncated);
  EXPECT_GE(elapsed, milliseconds(700));
  EXPECT_LT(elapsed, milliseconds(5000));
  EXPECT_EQ(server.first_request_line(), "GET /api/spaces/alice/demo/logs/build?tail=2 HTTP/1.1");
}

TEST(LogStream, AReaderThatHasEnoughHangsUpWithoutWaitingForTheDeadline) {
  support::EndlessBodyServer server(
      {.content_type = "text/event-stream", .prefix = Event("only line"), .hold_after_prefix = true});
  auto transport = http::MakeTransport({});
  http::Request request;
  request.url = server.base_url() + "/stream";
  request.timeout = milliseconds(20000);
  std::string received;
  request.on_body = [&received](std::string_view chunk) {
    received.append(chunk);
    return received.find("\n\n") == std::string::npos;  // one whole event is enough
  };
  const auto start = std::chrono::steady_clock::now();
  auto response = transport->Send(request);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body.empty());
  EXPECT_EQ(received, Event("only line"));
  EXPECT_LT(elapsed, milliseconds(5000));
}

}  // namespace
}  // namespace spaceport::hub
