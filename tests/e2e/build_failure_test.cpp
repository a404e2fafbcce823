// A failing build (issue 5, "Done when" 3): the build command prints a recognisable line and exits
// 1. `apply` exits 2 naming BuildFailed, with that line (the output tail) and the build log's
// path. The failure is not retried in a loop: a second `apply` starts nothing (the script's start
// counter stays at one), reports the deployment Stalled with BuildFailed and the log path, and
// still exits 2; the Space is never created. Fixing the spec — a new version whose build works,
// hence a new BuildID — recovers: `apply` exits 0 and the Space runs the new version's wrapper.
#include <gtest/gtest.h>

#include "e2e/build_fixture.h"

namespace spaceport::e2e {
namespace {

class FailingBuild : public BuildE2eTest {};

constexpr char kBrokenLine[] = "e2e-build-broke: cannot resolve dependency libfrobnicate";

TEST_F(FailingBuild, ApplyExitsTwoWithBuildFailedTheOutputTailAndTheLogPath) {
  const auto script =
      WriteBuildScript("broken.sh", BuildScript::Fail(kBrokenLine));
  const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", CommandBuild(script)));

  TimedResult applied = ApplyWith(desired, {});
  const std::string output = applied.out + applied.err;
  EXPECT_EQ(applied.exit_code, 2) << Describe(applied);
  EXPECT_NE(output.find("BuildFailed"), std::string::npos) << Describe(applied);
  EXPECT_NE(output.find(kBrokenLine), std::string::npos)
      << "the output tail is not shown\n" << Describe(applied);
  EXPECT_NE(output.find(BuildLog("v2.0.0").string()), std::string::npos)
      << "the log path is not shown\n" << Describe(applied);
  EXPECT_EQ(CountLines(Counter()), 1);
  EXPECT_FALSE(SpaceExists(kSpace)) << "apply created the Space without an image";
  EXPECT_EQ(RegistryManifestStatus("v2.0.0"), 404);
}

TEST_F(FailingBuild, ASecondApplyIsStalledAndDoesNotRetryTheBuild) {
  const auto script =
      WriteBuildScript("broken.sh", BuildScript::Fail(kBrokenLine));
  const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", CommandBuild(script)));
  TimedResult first = ApplyWith(desired, {});
  ASSERT_EQ(first.exit_code, 2) << Describe(first);
  ASSERT_EQ(CountLines(Counter()), 1);

  TimedResult second = ApplyWith(desired, {});
  const std::string output = second.out + second.err;
  EXPECT_EQ(second.exit_code, 2) << Describe(second);
  EXPECT_EQ(CountLines(Counter()), 1) << "the failed build was started again";
  EXPECT_NE(output.find("BuildFailed"), std::string::npos) << Describe(second);
  EXPECT_NE(output.find("stalled"), std::string::npos) << Describe(second);
  EXPECT_NE(output.find(BuildLog("v2.0.0").string()), std::string::npos)
      << "the log path is not shown\n" << Describe(second);
  EXPECT_FALSE(SpaceExists(kSpace));
}

// "Done when": a failing build leaves Stalled with the run link *and the output tail*. The first
// apply shows the tail (above); this checks that the stalled report of a later apply — the one a
// person reads after the fact — still shows it.
TEST_F(FailingBuild, TheStalledReportStillShowsTheOutputTail) {
  const auto script =
      WriteBuildScript("broken.sh", BuildScript::Fail(kBrokenLine));
  const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", CommandBuild(script)));
  TimedResult first = ApplyWith(desired, {});
  ASSERT_EQ(first.exit_code, 2) << Describe(first);

  TimedResult second = ApplyWith(desired, {});
  EXPECT_EQ(second.exit_code, 2) << Describe(second);
  EXPECT_NE((second.out + second.err).find(kBrokenLine), std::string::npos)
      << "the stalled report of the second apply does not show the build's output tail\n"
      << Describe(second);
}

TEST_F(FailingBuild, FixingTheSpecWithANewVersionRecovers) {
  const auto broken =
      WriteBuildScript("broken.sh", BuildScript::Fail(kBrokenLine));
  const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", CommandBuild(broken)));
  TimedResult failed = ApplyWith(desired, {});
  ASSERT_EQ(failed.exit_code, 2) << Describe(failed);
  TimedResult stalled = ApplyWith(desired, {});
  ASSERT_EQ(stalled.exit_code, 2) << Describe(stalled);
  ASSERT_EQ(CountLines(Counter()), 1);

  const auto fixed = WriteBuildScript("push.sh", BuildScript::Push("VERSION"));
  WriteDesired("desired", BuildDeployment("v2.0.1", CommandBuild(fixed)));
  TimedResult recovered = ApplyWith(desired, {});
  ASSERT_EQ(recovered.exit_code, 0) << Describe(recovered);
  EXPECT_EQ(CountLines(Counter()), 2) << "the new version should have been built exactly once";
  EXPECT_EQ(RegistryManifestStatus("v2.0.1"), 200);
  EXPECT_EQ(RegistryManifestStatus("v2.0.0"), 404);
  ExpectRunningOnWrapperOf("v2.0.1");
  Result<Json> record = Json::Parse(support::ReadFile(LockRecord("v2.0.1")));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->GetString("buildID"), ExpectedBuildId("v2.0.1"));
  EXPECT_NE(ExpectedBuildId("v2.0.1"), ExpectedBuildId("v2.0.0"));
}

}  // namespace
}  // namespace spaceport::e2e
