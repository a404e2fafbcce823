// A Hub that lies (issue 13): malformed or truncated JSON, a stage nobody knows, a commit answer
// without commitOid, answers that never end (JSON and log streams, over real loopback HTTP with
// support::EndlessBodyServer). Each is refused with a clear reason, or bounded in memory and time;
// nothing is taken for success.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "clients/hub/hub_client.h"
#include "clients/hub/hub_error.h"
#include "clients/hub/sse_log_tail.h"
#include "hub/fake_hub.h"
#include "support/endless_body_server.h"

namespace spaceport::hub {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::FakeHub;
using testing::Json200;
using testing::Reply;
using testing::TestConfig;
using std::chrono::milliseconds;

std::unique_ptr<HubClient> MakeClient(http::Transport& transport, Clock& clock) {
  auto client = HubClient::Create(TestConfig(), transport, clock);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

Status StatusOf(const auto& result) { return result.ok() ? Status::Ok() : result.status(); }

// --- malformed and truncated JSON -------------------------------------------------------------

struct BadAnswerCase {
  std::string name;
  std::string line;
  std::string body;
  std::function<Status(HubClient&)> call;
  std::string message;  // part of the error
};

TEST(LyingHub, MalformedOrTruncatedJsonIsAnInvalidAnswerNamingTheOperation) {
  const std::vector<BadAnswerCase> cases = {
      {"whoami cut mid-string", "GET /api/whoami-v2", R"({"name":"ali)",
       [](HubClient& c) { return StatusOf(c.WhoAmI()); }, "whoami"},
      {"info that is an HTML page", "GET /api/spaces/alice/demo?expand=sha",
       "<html><body>Bad gateway</body></html>",
       [](HubClient& c) { return StatusOf(c.GetSpaceInfo("alice/demo", {"sha"})); },
       "GET info of alice/demo"},
      {"runtime cut after the stage", "GET /api/spaces/alice/demo/runtime", R"({"stage":"RUNN)",
       [](HubClient& c) { return StatusOf(c.GetSpaceRuntime("alice/demo")); },
       "GET runtime of alice/demo"},
      {"runtime that is an array", "GET /api/spaces/alice/demo/runtime", R"(["RUNNING"])",
       [](HubClient& c) { return StatusOf(c.GetSpaceRuntime("alice/demo")); },
       "GET runtime of alice/demo"},
      {"variables cut", "GET /api/spaces/alice/demo/variables", R"({"A":{"value":"1")",
       [](HubClient& c) { return StatusOf(c.GetVariables("alice/demo")); },
       "GET variables of alice/demo"},
      {"secrets empty", "GET /api/spaces/alice/demo/secrets", "",
       [](HubClient& c) { return StatusOf(c.GetSecrets("alice/demo")); },
       "GET secrets of alice/demo"},
      {"hardware answer cut", "POST /api/spaces/alice/demo/hardware", R"({"stage":)",
       [](HubClient& c) {
         return StatusOf(c.RequestHardware("alice/demo", HardwareRequest{"cpu-upgrade", {}}));
       },
       "request hardware cpu-upgrade for alice/demo"},
      {"space list page cut", "GET /api/spaces?author=alice&limit=500", R"([{"id":"alice/a"},)",
       [](HubClient& c) { return StatusOf(c.ListSpaces("alice", {})); },
       "Space list of alice"},
  };
  for (const BadAnswerCase& c : cases) {
    SCOPED_TRACE(c.name);
    FakeClock clock;
    FakeHub hub(&clock);
    hub.Expect(c.line, Json200(c.body));
    auto client = MakeClient(hub, clock);
    Status s = c.call(*client);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_THAT(s.message(), HasSubstr(c.message));
    EXPECT_EQ(ConditionReasonFor(s), "HubError");
    EXPECT_THAT(hub.mismatches(), IsEmpty());  // one request, no retry of a lie
    EXPECT_EQ(hub.remaining(), 0u);
  }
}

TEST(LyingHub, ASpaceListThatLinksOnForEverIsRefusedAfterTwoHundredPages) {
  FakeClock clock;
  FakeHub hub(&clock);
  hub.Expect("GET /api/spaces?author=alice&limit=500", Reply(200, R"([{"id":"alice/a"}])",
                                                              {{"Link", R"(<https://hub.test/api/spaces?author=alice&cursor=x>; rel="next")"}}));
  for (int i = 1; i < 200; ++i) {
    hub.Expect("GET /api/spaces?author=alice&cursor=x",
               Reply(200, R"([{"id":"alice/a"}])",
                     {{"Link", R"(<https://hub.test/api/spaces?author=alice&cursor=x>; rel="next")"}}));
  }
  auto client = MakeClient(hub, clock);
  auto list = client->ListSpaces("alice", {});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(list.status().message(), HasSubstr("refusing a partial list"));
  EXPECT_EQ(ConditionReasonFor(list.status()), "HubError");
  EXPECT_THAT(hub.mismatches(), IsEmpty());
  EXPECT_EQ(hub.remaining(), 0u);
}

// --- a commit answer without commitOid ----------------------------------------------------------

TEST(LyingHub, ACommitAnswerWithoutACommitOidIsNotASuccessfulCommit) {
  const std::vector<std::pair<std::string, std::string>> answers = {
      {"no commitOid", R"({"success":true,"commitUrl":"https://hub.test/spaces/alice/demo/commit/x"})"},
      {"a null commitOid", R"({"success":true,"commitOid":null})"},
      {"a numeric commitOid", R"({"success":true,"commitOid":1234})"},
      {"an empty answer", ""},
  };
  for (const auto& [name, body] : answers) {
    SCOPED_TRACE(name);
    FakeClock clock;
    FakeHub hub(&clock);
    hub.Expect("POST /api/spaces/alice/demo/commit/main", Json200(body));
    auto client = MakeClient(hub, clock);
    CommitRequest request;
    request.summary = "spaceport: delete old file";
    request.deletions = {"old.txt"};
    auto result = client->Commit("alice/demo", request);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), HasSubstr("commit to alice/demo"));
    EXPECT_THAT(hub.mismatches(), IsEmpty());
  }
}

// --- a stage nobody knows -----------------------------------------------------------------------

TEST(LyingHub, EveryStageMapsToAClassAndAnUnknownOneIsUnknownNeverRunning) {
  const std::vector<std::pair<std::string, StageClass>> cases = {
      {"RUNNING", StageClass::kRunning},
      {"BUILDING", StageClass::kTransitional},
      {"APP_STARTING", StageClass::kTransitional},
      {"RUNNING_BUILDING", StageClass::kTransitional},
      {"RUNNING_APP_STARTING", StageClass::kTransitional},
      {"BUILD_ERROR", StageClass::kError},
      {"RUNTIME_ERROR", StageClass::kError},
      {"CONFIG_ERROR", StageClass::kError},
      {"NO_APP_FILE", StageClass::kError},
      {"STOPPED", StageClass::kIdle},
      {"PAUSED", StageClass::kIdle},
      {"SLEEPING", StageClass::kIdle},
      {"DELETING", StageClass::kIdle},
      {"HIBERNATING_ON_THE_MOON", StageClass::kUnknown},
      {"running", StageClass::kUnknown},  // stages are upper case; a near miss is not RUNNING
      {"RUNNING ", StageClass::kUnknown},
      {"", StageClass::kUnknown},
  };
  for (const auto& [stage, expected] : cases) {
    SCOPED_TRACE(stage);
    EXPECT_EQ(StageClassName(ClassifyStage(stage)), StageClassName(expected));
  }
}

TEST(LyingHub, AnUnknownOrNonStringStageIsReadAsUnknownNotAsAnError) {
  const std::vector<std::pair<std::string, std::string>> answers = {
      {R"({"stage":"HIBERNATING_ON_THE_MOON","hardware":{"current":"cpu-basic"}})",
       "HIBERNATING_ON_THE_MOON"},
      {R"({"stage":42})", ""},
      {R"({"stage":null})", ""},
      {R"({"hardware":{"current":"cpu-basic"}})", ""},
  };
  for (const auto& [body, stage] : answers) {
    SCOPED_TRACE(body);
    FakeClock clock;
    FakeHub hub(&clock);
    hub.Expect("GET /api/spaces/alice/demo/runtime", Json200(body));
    auto client = MakeClient(hub, clock);
    auto runtime = client->GetSpaceRuntime("alice/demo");
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    EXPECT_EQ(runtime->stage, stage);
    EXPECT_EQ(ClassifyStage(runtime->stage), StageClass::kUnknown);
    EXPECT_FALSE(IsServingStage(runtime->stage));
  }
}

// --- answers that never end (real loopback HTTP) -----------------------------------------------

HubConfig ConfigFor(const support::EndlessBodyServer& server) {
  HubConfig config;
  config.endpoint = server.base_url();
  config.token = HubToken{"hf_endlessTestToken0123456789", "test token"};
  return config;
}

constexpr uint64_t kMiB = 1024 * 1024;

TEST(LyingHub, AJsonAnswerThatNeverEndsStopsAtTheCapWithBoundedMemory) {
  support::EndlessBodyServer server(
      {.content_type = "application/json", .prefix = R"({"name":")", .filler = "x"});
  auto client = HubClient::Create(ConfigFor(server), RealClock::Instance());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const int64_t rss_before = support::RssKib();
  const auto start = std::chrono::steady_clock::now();
  auto who = (*client)->WhoAmI();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const int64_t rss_growth_kib = support::RssKib() - rss_before;
  ASSERT_FALSE(who.ok());
  EXPECT_EQ(who.status().code(), StatusCode::kInvalidArgument) << who.status().ToString();
  EXPECT_THAT(who.status().message(), HasSubstr("whoami"));
  EXPECT_THAT(who.status().message(), HasSubstr("exceeds 8388608 bytes"));
  EXPECT_EQ(ConditionReasonFor(who.status()), "HubError");  // not RateLimited
  EXPECT_THAT(who.status().message(), ::testing::Not(HasSubstr("hf_endlessTestToken")));
  // The client hung up soon after the cap: the server wrote little more than 8 MiB (plus what
  // the socket buffers held), not the gigabytes it had to send.
  EXPECT_LT(server.bytes_sent(), 64 * kMiB);
  EXPECT_LT(rss_growth_kib, 64 * 1024) << "RSS grew by " << rss_growth_kib << " KiB";
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  std::printf("[ figure ] endless JSON answer: server wrote %llu bytes, RSS +%lld KiB, %lld ms\n",
              static_cast<unsigned long long>(server.bytes_sent()),
              static_cast<long long>(rss_growth_kib),
              static_cast<long long>(
                  std::chrono::duration_cast<milliseconds>(elapsed).count()));
}

TEST(LyingHub, AContentLengthOfGigabytesIsRefusedBeforeTheBodyIsRead) {
  support::EndlessBodyServer server({.content_type = "application/json",
                                     .content_length = uint64_t{5} << 30,
                                     .prefix = R"({"stage":")",
                                     .filler = "x"});
  auto client = HubClient::Create(ConfigFor(server), RealClock::Instance());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto runtime = (*client)->GetSpaceRuntime("alice/demo");
  ASSERT_FALSE(runtime.ok());
  EXPECT_EQ(runtime.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(runtime.status().message(), HasSubstr("exceeds 8388608 bytes"));
  EXPECT_LT(server.bytes_sent(), 8 * kMiB);  // what the socket buffers took, at most
}

// A log stream ends at its deadline or after 1 MiB, whichever comes first.
TEST(LyingHub, ALogStreamWithoutLineBreaksKeepsABoundedTailAndEndsEarly) {
  support::EndlessBodyServer server(
      {.content_type = "text/event-stream", .prefix = "data: ", .filler = "x"});
  auto client = HubClient::Create(ConfigFor(server), RealClock::Instance());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const int64_t rss_before = support::RssKib();
  const auto start = std::chrono::steady_clock::now();
  auto tail = (*client)->TailLogs("alice/demo", LogKind::kRun,
                                  {.max_lines = 20, .deadline = milliseconds(1500)});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const int64_t rss_growth_kib = support::RssKib() - rss_before;
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  ASSERT_THAT(tail->lines, SizeIs(1));  // one line, cut; the rest of it dropped
  EXPECT_EQ(tail->lines[0].size(), SseLogTail::kMaxLineBytes - 6 + SseLogTail::kCutMark.size());
  EXPECT_TRUE(tail->lines[0].ends_with(SseLogTail::kCutMark));
  EXPECT_GT(server.bytes_sent(), 1 * kMiB) << "the stream was read up to its cap";
  EXPECT_LT(rss_growth_kib, 64 * 1024) << "RSS grew by " << rss_growth_kib << " KiB";
  EXPECT_LT(elapsed, milliseconds(1500 + 5000));
  std::printf("[ figure ] endless log line: read %llu bytes in %lld ms, RSS +%lld KiB\n",
              static_cast<unsigned long long>(server.bytes_sent()),
              static_cast<long long>(
                  std::chrono::duration_cast<milliseconds>(elapsed).count()),
              static_cast<long long>(rss_growth_kib));
}

TEST(LyingHub, AHugeLogStreamKeepsOnlyTheLastLines) {
  support::EndlessBodyServer server(
      {.content_type = "text/event-stream",
       .filler = "data: {\"data\":\"Step 1/9 : RUN yes\\n\"}\n\n"});
  auto client = HubClient::Create(ConfigFor(server), RealClock::Instance());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const int64_t rss_before = support::RssKib();
  auto tail = (*client)->TailLogs("alice/demo", LogKind::kBuild,
                                  {.max_lines = 50, .deadline = milliseconds(1500)});
  const int64_t rss_growth_kib = support::RssKib() - rss_before;
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_THAT(tail->lines, SizeIs(50));
  EXPECT_EQ(tail->lines.front(), "Step 1/9 : RUN yes");  // the last may be cut by the cap
  std::printf("[ figure ] endless log lines: server wrote %llu bytes, RSS +%lld KiB\n",
              static_cast<unsigned long long>(server.bytes_sent()),
              static_cast<long long>(rss_growth_kib));
  EXPECT_TRUE(tail->truncated);
  EXPECT_GT(server.bytes_sent(), 1 * kMiB);
  EXPECT_LT(rss_growth_kib, 64 * 1024) << "RSS grew by " << rss_growth_kib << " KiB";
}

}  // namespace
}  // namespace spaceport::hub
