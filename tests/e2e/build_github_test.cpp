// The githubActions build backend end to end (issue 5, "Done when" 1), through the
// github-emulator program: `spaceport apply` with GITHUB_TOKEN and GITHUB_API_URL dispatches the
// workflow acme/app/docker.yml once, with the version and the BuildID as inputs; the emulated run
// executes a real script that copies the seeded base to $INPUT_VERSION in the registry; and the
// Space ends RUNNING on the wrapper of the built tag. The run is checked on the emulator's side
// (/__emulator/runs): one run, its title showing the BuildID, concluded success.
#include <gtest/gtest.h>

#include "e2e/build_fixture.h"

namespace spaceport::e2e {
namespace {

class GithubBackend : public BuildE2eTest {};

TEST_F(GithubBackend, ApplyDispatchesOneRunAndRunsTheSpaceOnTheBuiltTag) {
  ASSERT_EQ(RegistryManifestStatus("v2.0.0"), 404) << "the registry already has the tag";
  StartGithub(WriteBuildScript("push.sh", BuildScript::Push("INPUT_VERSION")));
  ASSERT_FALSE(HasFailure());
  const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", GithubBuild()));

  TimedResult applied = ApplyWith(desired, GithubEnv());
  ASSERT_EQ(applied.exit_code, 0) << Describe(applied);
  std::optional<ApplySummary> summary = ParseApplySummary(applied.out);
  ASSERT_TRUE(summary) << Describe(applied);
  EXPECT_EQ(summary->failed, 0);

  const Json runs = GithubRuns();
  ASSERT_EQ(runs.size(), 1u) << "exactly one run should have been dispatched: " << runs.Dump();
  const Json& run = runs.At(0);
  const std::string build_id = ExpectedBuildId("v2.0.0");
  EXPECT_EQ(run.GetString("repository"), "acme/app") << run.Dump();
  EXPECT_NE(run.GetString("display_title").find(build_id), std::string::npos)
      << "the run title should show the BuildID " << build_id << ": " << run.Dump();
  EXPECT_EQ(Field(run, {"inputs", "version"}), "v2.0.0") << run.Dump();
  EXPECT_EQ(Field(run, {"inputs", "build_id"}), build_id) << run.Dump();
  EXPECT_EQ(run.GetString("status"), "completed") << run.Dump();
  EXPECT_EQ(run.GetString("conclusion"), "success") << run.Dump();
  EXPECT_EQ(CountLines(Counter()), 1) << "the workflow's command should have run exactly once";

  EXPECT_EQ(RegistryManifestStatus("v2.0.0"), 200) << "the built tag is not in the registry";
  ExpectRunningOnWrapperOf("v2.0.0");
}

TEST_F(GithubBackend, ASecondApplyDispatchesNothing) {
  StartGithub(WriteBuildScript("push.sh", BuildScript::Push("INPUT_VERSION")));
  ASSERT_FALSE(HasFailure());
  const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", GithubBuild()));
  TimedResult first = ApplyWith(desired, GithubEnv());
  ASSERT_EQ(first.exit_code, 0) << Describe(first);
  ResetStats();

  TimedResult second = ApplyWith(desired, GithubEnv());
  ASSERT_EQ(second.exit_code, 0) << Describe(second);
  std::optional<ApplySummary> summary = ParseApplySummary(second.out);
  ASSERT_TRUE(summary) << Describe(second);
  EXPECT_EQ(summary->writes, 0) << Describe(second);
  EXPECT_EQ(GithubRuns().size(), 1u) << GithubRuns().Dump();
  EXPECT_EQ(CountLines(Counter()), 1);
  EXPECT_TRUE(WriteRequests(Stats()).empty()) << RouteBreakdown(Stats());
}

// A deployment may carry its own GitHub token (githubActions.token) instead of the controller's
// GITHUB_TOKEN: the dispatch then authenticates with it, and without it nothing is dispatched.
TEST_F(GithubBackend, ABuildWithItsOwnTokenDispatchesWithThatToken) {
  StartGithub(WriteBuildScript("push.sh", BuildScript::Push("INPUT_VERSION")));
  ASSERT_FALSE(HasFailure());
  const auto desired = WriteDesired(
      "desired", BuildDeployment("v2.0.0", GithubBuild() +
                                               "        token: {fromEnv: E2E_APP_GITHUB_TOKEN}\n"));
  const std::string api = "GITHUB_API_URL=" + GithubEnv()[1].substr(GithubEnv()[1].find('=') + 1);

  TimedResult without = ApplyWith(desired, {api});
  EXPECT_EQ(without.exit_code, 2) << Describe(without);
  EXPECT_EQ(GithubRuns().size(), 0u) << "no token, no dispatch: " << GithubRuns().Dump();

  const std::string token = GithubEnv()[0].substr(GithubEnv()[0].find('=') + 1);
  TimedResult applied = ApplyWith(desired, {api, "E2E_APP_GITHUB_TOKEN=" + token});
  ASSERT_EQ(applied.exit_code, 0) << Describe(applied);
  EXPECT_EQ(GithubRuns().size(), 1u) << GithubRuns().Dump();
  EXPECT_EQ(applied.out.find(token), std::string::npos) << "the token leaked into the output";
  EXPECT_EQ(applied.err.find(token), std::string::npos) << "the token leaked into the output";
  ExpectRunningOnWrapperOf("v2.0.0");
}

}  // namespace
}  // namespace spaceport::e2e
