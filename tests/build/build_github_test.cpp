// GithubActionsBuilder against a scripted GitHub: dispatch with run details, the 204 fallback
// that finds the run by its BuildID (never another build's run, never by time), no second
// dispatch for a build already running, and the mapping of run states.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "act/build_github.h"
#include "base/json.h"
#include "build/github_builder_fixture.h"

namespace spaceport::build_testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;


TEST(GithubActionsBuilder, StartDispatchesRenderedInputsAndKeepsTheRunDetailsOf200) {
  Fixture f;
  f.gh.Expect(kList, Reply(200, RunsPage({})));
  f.gh.Expect(kDispatch, Reply(200, R"({"workflow_run_id": 501,
      "run_url": "https://api.github.test/repos/alice/app/actions/runs/501",
      "html_url": "https://github.test/alice/app/actions/runs/501"})"));
  auto handle = f.builder->Start(Request());
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(handle->backend, "githubActions");
  EXPECT_EQ(handle->id, "501");
  EXPECT_EQ(handle->url, "https://github.test/alice/app/actions/runs/501");

  auto body = Json::Parse(f.gh.requests().at(1).body);
  ASSERT_TRUE(body.ok());
  const Json* inputs = body->Find("inputs");
  EXPECT_EQ(inputs->GetString("version"), "v1.2.0");
  EXPECT_EQ(inputs->GetString("image"), "ghcr.io/alice/app:v1.2.0");
  EXPECT_EQ(inputs->GetString("build_id"), kBuildId);
  EXPECT_EQ(body->GetString("ref"), "main");
  EXPECT_THAT(f.gh.mismatches(), IsEmpty());
  EXPECT_EQ(f.clock.slept(), Clock::Duration(0));
}

TEST(GithubActionsBuilder, After204TheRunIsFoundByItsBuildIdNeverByAnotherBuildsRun) {
  Fixture f;
  f.gh.Expect(kList, Reply(200, RunsPage({RunJson(90, "build sp-999999999999")})));
  f.gh.Expect(kDispatch, Reply(204));
  // The newest runs belong to other builds, one whose id merely starts with ours.
  f.gh.Expect(kList, Reply(200, RunsPage({
                                    RunJson(93, std::string("build ") + kBuildId + "cd", "queued",
                                            "", "2026-01-01T00:00:09Z"),
                                    RunJson(92, "build sp-999999999999", "queued", "",
                                            "2026-01-01T00:00:08Z"),
                                })));
  f.gh.Expect(kList, Reply(200, RunsPage({
                                    RunJson(94, "Build v1.2.0 (" + std::string(kBuildId) + ")",
                                            "queued", "", "2026-01-01T00:00:02Z"),
                                    RunJson(93, std::string("build ") + kBuildId + "cd"),
                                    RunJson(92, "build sp-999999999999"),
                                })));
  auto handle = f.builder->Start(Request());
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(handle->id, "94");
  EXPECT_EQ(handle->url, "https://github.test/alice/app/actions/runs/94");
  EXPECT_EQ(f.clock.slept(), std::chrono::seconds(1 + 2));  // backoff on the injected clock
  EXPECT_THAT(f.gh.mismatches(), IsEmpty());
  EXPECT_EQ(f.gh.remaining(), 0u);
}

TEST(GithubActionsBuilder, ARunThatNeverAppearsGivesAHandlePollKeepsLookingForAndNoSecondDispatch) {
  Fixture f;
  f.gh.Expect(kList, Reply(200, RunsPage({})));
  f.gh.Expect(kDispatch, Reply(204));
  for (int i = 0; i < 4; ++i) f.gh.Expect(kList, Reply(200, RunsPage({})));
  auto handle = f.builder->Start(Request());
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(handle->id, "");
  EXPECT_EQ(f.clock.slept(), std::chrono::seconds(1 + 2 + 4 + 8));

  f.gh.Expect(kList, Reply(200, RunsPage({})));
  auto waiting = f.builder->Poll(Request(), *handle);
  ASSERT_TRUE(waiting.ok()) << waiting.status().ToString();
  EXPECT_EQ(waiting->phase, act::BuildPhase::kQueued);
  EXPECT_THAT(waiting->message, HasSubstr(kBuildId));

  f.gh.Expect(kList, Reply(200, RunsPage({RunJson(95, std::string("build ") + kBuildId)})));
  f.gh.Expect("GET /repos/alice/app/actions/runs/95",
              Reply(200, RunJson(95, std::string("build ") + kBuildId, "in_progress")));
  auto running = f.builder->Poll(Request(), *handle);
  ASSERT_TRUE(running.ok()) << running.status().ToString();
  EXPECT_EQ(running->phase, act::BuildPhase::kInProgress);
  EXPECT_EQ(running->url, "https://github.test/alice/app/actions/runs/95");
  EXPECT_THAT(f.gh.mismatches(), IsEmpty());
}

TEST(GithubActionsBuilder, StartOfABuildAlreadyRunningReturnsItsRunWithoutDispatching) {
  Fixture f;
  f.gh.Expect(kList, Reply(200, RunsPage({RunJson(80, std::string("build ") + kBuildId,
                                                   "in_progress", "", "2026-01-01T00:00:01Z"),
                                           RunJson(70, std::string("build ") + kBuildId,
                                                   "completed", "failure", "2026-01-01T00:00:00Z")})));
  auto handle = f.builder->Start(Request());
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(handle->id, "80");  // the newest run of this build
  EXPECT_EQ(f.gh.requests().size(), 1u);
}

TEST(GithubActionsBuilder, FindAfterARestartSearchesTheWorkflowsDispatchRunsByBuildId) {
  Fixture f;
  f.gh.Expect(kList, Reply(200, RunsPage({RunJson(12, "build sp-aaaaaaaaaaaa")})));
  auto none = f.builder->Find(Request());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());

  f.gh.Expect(kList, Reply(200, RunsPage({RunJson(13, std::string(kBuildId) + ": v1.2.0")})));
  auto found = f.builder->Find(Request());
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, "13");
}

TEST(GithubActionsBuilder, InputsWithoutTheBuildIdAreRefusedBeforeAnyRequest) {
  Fixture f;
  auto handle = f.builder->Start(Request({{"version", "{{ .Version }}"}}));
  EXPECT_EQ(handle.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(handle.status().message(), HasSubstr("{{ .BuildID }}"));
  EXPECT_TRUE(f.gh.requests().empty());
}

TEST(GithubActionsBuilder, AnUnknownPlaceholderIsRefusedBeforeAnyRequest) {
  Fixture f;
  auto handle = f.builder->Start(Request({{"build_id", "{{ .BuildID }}"}, {"v", "{{ .Tag }}"}}));
  EXPECT_EQ(handle.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(handle.status().message(), HasSubstr("unknown placeholder"));
  EXPECT_TRUE(f.gh.requests().empty());
}

TEST(GithubActionsBuilder, PollMapsRunStatusAndConclusionToBuildPhases) {
  struct Case {
    std::string name, status, conclusion;
    act::BuildPhase phase;
    std::string message;
  };
  const Case cases[] = {
      {"a queued run is queued", "queued", "", act::BuildPhase::kQueued, "queued"},
      {"a run waiting for approval is queued", "waiting", "", act::BuildPhase::kQueued, "waiting"},
      {"a running run is in progress", "in_progress", "", act::BuildPhase::kInProgress, "progress"},
      {"a successful run succeeded", "completed", "success", act::BuildPhase::kSucceeded,
       "success"},
      {"a failed run failed", "completed", "failure", act::BuildPhase::kFailed, "failure"},
      {"a cancelled run failed", "completed", "cancelled", act::BuildPhase::kFailed, "cancelled"},
      {"a timed-out run failed", "completed", "timed_out", act::BuildPhase::kFailed, "timed_out"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    f.gh.Expect("GET /repos/alice/app/actions/runs/7",
                Reply(200, RunJson(7, "t", c.status, c.conclusion)));
    auto state = f.builder->Poll(Request(), act::BuildHandle{"githubActions", "7", ""});
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    EXPECT_EQ(state->phase, c.phase);
    EXPECT_THAT(state->message, HasSubstr(c.message));
    EXPECT_EQ(state->url, "https://github.test/alice/app/actions/runs/7");
  }
}

TEST(GithubActionsBuilder, TitleMatchingTakesTheBuildIdOnlyAsAWholeWord) {
  struct Case {
    std::string title;
    bool matches;
  };
  const Case cases[] = {
      {"sp-0123456789ab", true},
      {"Build v1 (sp-0123456789ab)", true},
      {"build sp-0123456789ab: ghcr.io/a/b:v1", true},
      {"sp-0123456789abc", false},
      {"xsp-0123456789ab", false},
      {"sp-0123456789a", false},
      {"", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(act::TitleShowsBuildId(c.title, kBuildId), c.matches) << c.title;
  }
}

}  // namespace
}  // namespace spaceport::build_testing
