// Never two builds of one version, even when Spaceport is killed mid-build (issue 5, "Done when"
// 2). `spaceport apply` runs in the background; once its build has really started (the script
// counted its start, and for the command backend the lock record is in the state directory), it
// is SIGKILLed. A second `apply` finds the build again — the command backend by its lock record
// and live process, the githubActions backend by the BuildID in the run's title — follows it to
// the end and deploys, and the build script has started exactly once.
#include <gtest/gtest.h>

#include "e2e/build_fixture.h"

namespace spaceport::e2e {
namespace {

class KilledMidBuild : public BuildE2eTest {};

constexpr int kBuildSeconds = 4;  // long enough to kill Spaceport while the build runs
constexpr std::chrono::seconds kStartDeadline{60};

TEST_F(KilledMidBuild, CommandBackendRestartFollowsTheSameBuild) {
  const auto script = WriteBuildScript(
      "slow-push.sh", BuildScript::Push("VERSION", kBuildSeconds));
  const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", CommandBuild(script)));

  auto background = StartApply(desired, {});
  ASSERT_NE(background, nullptr);
  const bool started = WaitFor(
      [&] { return CountLines(Counter()) >= 1 && std::filesystem::exists(LockRecord("v2.0.0")); },
      kStartDeadline);
  ASSERT_TRUE(started) << "the build did not start\n" << background->Output();
  ASSERT_TRUE(background->Running()) << "apply ended before it could be killed\n"
                                     << background->Output();
  EXPECT_EQ(background->Kill(), 128 + SIGKILL);
  EXPECT_EQ(RegistryManifestStatus("v2.0.0"), 404) << "the build finished before the kill";

  TimedResult again = ApplyWith(desired, {});
  ASSERT_EQ(again.exit_code, 0) << Describe(again) << "\nkilled apply:\n" << background->Output();
  EXPECT_EQ(CountLines(Counter()), 1)
      << "the build started again after the restart:\n" << support::ReadFile(Counter());
  EXPECT_EQ(RegistryManifestStatus("v2.0.0"), 200);
  ExpectRunningOnWrapperOf("v2.0.0");
}

TEST_F(KilledMidBuild, GithubBackendRestartFindsTheRunByItsBuildId) {
  StartGithub(WriteBuildScript(
      "slow-push.sh", BuildScript::Push("INPUT_VERSION", kBuildSeconds)));
  ASSERT_FALSE(HasFailure());
  const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", GithubBuild()));

  auto background = StartApply(desired, GithubEnv());
  ASSERT_NE(background, nullptr);
  const bool started = WaitFor([&] { return CountLines(Counter()) >= 1; }, kStartDeadline);
  ASSERT_TRUE(started) << "the workflow's command did not start\n" << background->Output();
  ASSERT_TRUE(background->Running()) << "apply ended before it could be killed\n"
                                     << background->Output();
  EXPECT_EQ(background->Kill(), 128 + SIGKILL);
  ASSERT_EQ(GithubRuns().size(), 1u) << GithubRuns().Dump();

  TimedResult again = ApplyWith(desired, GithubEnv());
  ASSERT_EQ(again.exit_code, 0) << Describe(again) << "\nkilled apply:\n" << background->Output();
  const Json runs = GithubRuns();
  EXPECT_EQ(runs.size(), 1u) << "a second run was dispatched after the restart: " << runs.Dump();
  EXPECT_EQ(CountLines(Counter()), 1);
  if (runs.size() >= 1) {
    EXPECT_EQ(runs.At(0).GetString("conclusion"), "success") << runs.Dump();
  }
  ExpectRunningOnWrapperOf("v2.0.0");
}

}  // namespace
}  // namespace spaceport::e2e
