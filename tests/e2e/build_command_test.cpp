// The command build backend end to end (issue 5, "Done when" 1): acme/app:v2.0.0 is not in the
// registry, the deployment's build section runs a local command (a script that copies the seeded
// base to $VERSION with skopeo), and one `spaceport apply` ends with the tag really in the
// registry, the wrapper hf-amd64-v2.0.0 published and the new Space RUNNING on its digest. A
// second apply writes nothing and starts no build: the script's start counter, the lock record
// and the build log stay as they were.
#include <gtest/gtest.h>

#include "e2e/build_fixture.h"

namespace spaceport::e2e {
namespace {

class CommandBackend : public BuildE2eTest {};

TEST_F(CommandBackend, ApplyBuildsTheMissingTagPublishesTheWrapperAndRunsTheSpace) {
  ASSERT_EQ(RegistryManifestStatus("v2.0.0"), 404) << "the registry already has the tag";
  const auto script = WriteBuildScript("push.sh", BuildScript::Push("VERSION"));
  const auto desired =
      WriteDesired("desired", BuildDeployment("v2.0.0", CommandBuild(script)));

  TimedResult applied = ApplyWith(desired, {});
  ASSERT_EQ(applied.exit_code, 0) << Describe(applied);
  std::optional<ApplySummary> summary = ParseApplySummary(applied.out);
  ASSERT_TRUE(summary) << Describe(applied);
  EXPECT_EQ(summary->failed, 0);
  EXPECT_GT(summary->writes, 0);

  EXPECT_EQ(CountLines(Counter()), 1) << "the build command should have started exactly once";
  EXPECT_EQ(RegistryManifestStatus("v2.0.0"), 200) << "the built tag is not in the registry";
  EXPECT_EQ(RegistryDigest("v2.0.0"), RegistryDigest("v1.0.0"))
      << "the script copies the seeded base, so the digests must agree";
  ExpectRunningOnWrapperOf("v2.0.0");

  // The lock record names this build and its result.
  ASSERT_TRUE(std::filesystem::exists(LockRecord("v2.0.0"))) << "no lock record in " << BuildsDir();
  Result<Json> record = Json::Parse(support::ReadFile(LockRecord("v2.0.0")));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->GetString("buildID"), ExpectedBuildId("v2.0.0")) << record->Dump();
  EXPECT_EQ(record->GetString("image"), "ghcr.io/acme/app:v2.0.0") << record->Dump();
}

TEST_F(CommandBackend, ASecondApplyWritesNothingAndStartsNoBuild) {
  const auto script = WriteBuildScript("push.sh", BuildScript::Push("VERSION"));
  const auto desired =
      WriteDesired("desired", BuildDeployment("v2.0.0", CommandBuild(script)));
  TimedResult first = ApplyWith(desired, {});
  ASSERT_EQ(first.exit_code, 0) << Describe(first);
  ASSERT_EQ(CountLines(Counter()), 1);
  const std::string record_before = support::ReadFile(LockRecord("v2.0.0"));
  const std::string log_before = support::ReadFile(BuildLog("v2.0.0"));
  ASSERT_FALSE(record_before.empty()) << "no lock record in " << BuildsDir();
  const auto log_time = std::filesystem::last_write_time(BuildLog("v2.0.0"));
  const std::string from_before = DockerfileFrom(SpaceState());
  ResetStats();

  TimedResult second = ApplyWith(desired, {});
  ASSERT_EQ(second.exit_code, 0) << Describe(second);
  std::optional<ApplySummary> summary = ParseApplySummary(second.out);
  ASSERT_TRUE(summary) << Describe(second);
  EXPECT_EQ(summary->writes, 0) << Describe(second);
  EXPECT_TRUE(WriteRequests(Stats()).empty()) << RouteBreakdown(Stats());

  EXPECT_EQ(CountLines(Counter()), 1) << "the second apply started the build again";
  EXPECT_EQ(support::ReadFile(BuildLog("v2.0.0")), log_before);
  EXPECT_EQ(std::filesystem::last_write_time(BuildLog("v2.0.0")), log_time);
  // The record may have had its result folded in by the first apply; it must not be replaced by
  // a new build (same build id, same pid).
  Result<Json> before = Json::Parse(record_before);
  Result<Json> after = Json::Parse(support::ReadFile(LockRecord("v2.0.0")));
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(Field(*after, {"pid"}), Field(*before, {"pid"}));
  EXPECT_EQ(Field(*after, {"startedAt"}), Field(*before, {"startedAt"}));
  EXPECT_EQ(DockerfileFrom(SpaceState()), from_before);
  EXPECT_EQ(RuntimeStage(SpaceState()), "RUNNING");
}

}  // namespace
}  // namespace spaceport::e2e
