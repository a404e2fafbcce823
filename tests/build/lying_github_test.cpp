// A GitHub that lies or stalls (issue 13): a run list that never shows our run, a run that stays
// queued, and an answer that never ends. Each ends in a failed build (BuildFailed) with a reason
// that says what to check, after a bounded wait and a bounded number of requests, and never in a
// second dispatch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "act/build_github.h"
#include "build/github_builder_fixture.h"
#include "clients/github/github_error.h"
#include "support/endless_body_server.h"

namespace spaceport::build_testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using std::chrono::minutes;


TEST(LyingGithub, ARunListThatNeverShowsOurRunFailsTheBuildAfterTenMinutesWithoutRedispatching) {
  Fixture f;
  f.gh.Expect(kList, Reply(200, RunsPage({})));
  f.gh.Expect(kDispatch, Reply(204));
  for (int i = 0; i < 4; ++i) f.gh.Expect(kList, Reply(200, RunsPage({})));
  auto handle = f.builder->Start(Request());  // 1 + 2 + 4 + 8 s of looking
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  ASSERT_EQ(handle->id, "");

  // Polled every minute: queued while younger than the limit, failed from then on.
  int polls = 0;
  act::BuildState state;
  for (; polls < 30; ++polls) {
    f.clock.Advance(minutes(1));
    f.gh.Expect(kList, Reply(200, RunsPage({})));
    auto polled = f.builder->Poll(Request(), *handle);
    ASSERT_TRUE(polled.ok()) << polled.status().ToString();
    state = *polled;
    if (state.phase != act::BuildPhase::kQueued) break;
  }
  EXPECT_EQ(state.phase, act::BuildPhase::kFailed);
  EXPECT_EQ(polls, 9) << "failed at the tenth minute after the dispatch";
  EXPECT_THAT(state.message, HasSubstr(kBuildId));
  EXPECT_THAT(state.message, HasSubstr("limit 10 min"));
  EXPECT_THAT(state.message, HasSubstr("run-name shows inputs.build_id"));

  // Started again (the next pass plans the build again): still no second dispatch.
  f.gh.Expect(kList, Reply(200, RunsPage({})));
  auto again = f.builder->Start(Request());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->id, "");
  f.gh.Expect(kList, Reply(200, RunsPage({})));
  auto still = f.builder->Poll(Request(), *again);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->phase, act::BuildPhase::kFailed);

  EXPECT_THAT(f.gh.mismatches(), IsEmpty());
  // Bounded: one list request per look, one dispatch in all.
  int dispatches = 0;
  for (const std::string& line : f.gh.Lines()) dispatches += line == kDispatch;
  EXPECT_EQ(dispatches, 1);
  EXPECT_EQ(f.gh.Lines().size(), 1u + 1u + 4u + 10u + 1u + 1u);
}

TEST(LyingGithub, ARunThatStaysQueuedFailsTheBuildAnHourAfterGithubCreatedIt) {
  struct Case {
    std::string name, status;
    std::chrono::minutes age;
    act::BuildPhase phase;
  };
  const Case cases[] = {
      {"queued for 59 minutes is still queued", "queued", minutes(59), act::BuildPhase::kQueued},
      {"queued for an hour failed", "queued", minutes(60), act::BuildPhase::kFailed},
      {"waiting for approval for two hours failed", "waiting", minutes(120),
       act::BuildPhase::kFailed},
      {"in progress for two hours is not judged here", "in_progress", minutes(120),
       act::BuildPhase::kInProgress},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;  // the clock starts at 2026-01-01T00:00:00Z, when RunJson's runs were created
    f.clock.Advance(c.age);
    f.gh.Expect("GET /repos/alice/app/actions/runs/7", Reply(200, RunJson(7, "t", c.status)));
    auto state = f.builder->Poll(Request(), act::BuildHandle{"githubActions", "7", ""});
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    EXPECT_EQ(state->phase, c.phase) << state->message;
    if (c.phase == act::BuildPhase::kFailed) {
      EXPECT_THAT(state->message, HasSubstr("the run has been " + c.status + " for"));
      EXPECT_THAT(state->message, HasSubstr("no runner took it"));
      EXPECT_EQ(state->url, "https://github.test/alice/app/actions/runs/7");
    }
    EXPECT_THAT(f.gh.mismatches(), IsEmpty());
  }
}

TEST(LyingGithub, ARunWithoutACreationTimeIsTimedFromWhenItWasFirstSeenQueued) {
  Fixture f;
  const std::string run = RunJson(7, "t", "queued", "", "not a time");
  f.gh.Expect("GET /repos/alice/app/actions/runs/7", Reply(200, run));
  auto first = f.builder->Poll(Request(), act::BuildHandle{"githubActions", "7", ""});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->phase, act::BuildPhase::kQueued);
  f.clock.Advance(minutes(61));
  f.gh.Expect("GET /repos/alice/app/actions/runs/7", Reply(200, run));
  auto later = f.builder->Poll(Request(), act::BuildHandle{"githubActions", "7", ""});
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->phase, act::BuildPhase::kFailed);
}

TEST(LyingGithub, AnAnswerThatNeverEndsIsRefusedAtTheCapNotReportedAsARateLimit) {
  support::EndlessBodyServer server(
      {.content_type = "application/json", .prefix = R"({"total_count":1,"workflow_runs":[)",
       .filler = R"({"id":1},)"});
  github::GithubConfig config;
  config.api_url = server.base_url();
  config.token = github::GithubToken{"ghp_endlessTestToken0123456789", "GITHUB_TOKEN"};
  auto client = github::GithubClient::Create(config, RealClock::Instance());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const int64_t rss_before = support::RssKib();
  auto runs = (*client)->ListWorkflowRuns("alice", "app", "docker.yml", {});
  const int64_t rss_growth_kib = support::RssKib() - rss_before;
  ASSERT_FALSE(runs.ok());
  EXPECT_EQ(runs.status().code(), StatusCode::kInvalidArgument) << runs.status().ToString();
  EXPECT_THAT(runs.status().message(), HasSubstr("exceeds 8388608 bytes"));
  EXPECT_NE(github::ConditionReasonFor(runs.status()), "RateLimited");
  EXPECT_THAT(runs.status().message(), ::testing::Not(HasSubstr("ghp_endlessTestToken")));
  EXPECT_LT(server.bytes_sent(), uint64_t{64} << 20);
  EXPECT_LT(rss_growth_kib, 64 * 1024) << "RSS grew by " << rss_growth_kib << " KiB";
}

}  // namespace
}  // namespace spaceport::build_testing
