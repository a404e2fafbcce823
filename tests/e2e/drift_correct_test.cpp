// driftPolicy correct: each out-of-band edit made in the emulator (hardware changed, a variable
// deleted, a commit pointing the Dockerfile elsewhere, the Space paused) is reported by `plan`
// (exit 1, naming the field) and by `apply --dry-run` alike, corrected by `apply` (exit 0), and
// `plan` is clean again.
#include <gtest/gtest.h>

#include "e2e/e2e_fixture.h"
#include "e2e/out_of_band_edits.h"

namespace spaceport::e2e {
namespace {

class CorrectPolicy : public E2eTest, public ::testing::WithParamInterface<OutOfBandEdit> {};

TEST_P(CorrectPolicy, PlanReportsTheEditAndApplyPutsTheSpaceBack) {
  const OutOfBandEdit& edit = GetParam();
  const auto desired = Deploy();
  ASSERT_FALSE(HasFailure());
  const std::string wrapper =
      "ghcr.io/acme/app:hf-amd64-v1.0.0@" + RegistryDigest("hf-amd64-v1.0.0");

  Edit(edit.method, edit.path, edit.body);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(edit.in_place(SpaceState())) << SpaceState().Dump();

  TimedResult text = Plan(desired);
  EXPECT_EQ(text.exit_code, 1) << Describe(text);
  EXPECT_NE(text.out.find(edit.field), std::string::npos)
      << "the plan does not name " << edit.field << "\n"
      << Describe(text);
  TimedResult json = Plan(desired, "json");
  EXPECT_EQ(json.exit_code, 1) << Describe(json);
  Result<Json> plan = Json::Parse(json.out);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString() << "\n" << Describe(json);
  const Json* drift = DriftItem(*plan, edit.field);
  ASSERT_NE(drift, nullptr) << "no drift item " << edit.field << "\n" << json.out;
  EXPECT_NE(drift->GetString("observed").find(edit.observed), std::string::npos) << drift->Dump();

  // --dry-run is plan: the same report and exit code, and nothing written.
  ResetStats();
  TimedResult dry_run = Spaceport({"apply", desired.string(), "--dry-run"});
  EXPECT_EQ(dry_run.exit_code, text.exit_code) << Describe(dry_run);
  EXPECT_EQ(dry_run.out, text.out);
  EXPECT_TRUE(WriteRequests(Stats()).empty()) << RouteBreakdown(Stats());
  ASSERT_TRUE(edit.in_place(SpaceState())) << "apply --dry-run changed the Space";

  TimedResult applied = Apply(desired);
  EXPECT_EQ(applied.exit_code, 0) << Describe(applied);
  std::optional<ApplySummary> summary = ParseApplySummary(applied.out);
  ASSERT_TRUE(summary) << "no `apply: N writes, M actions, K failed` last line\n"
                       << Describe(applied);
  EXPECT_GT(summary->writes, 0) << Describe(applied);
  EXPECT_EQ(summary->failed, 0) << Describe(applied);

  const Json space = SpaceState();
  EXPECT_FALSE(edit.in_place(space)) << space.Dump();
  EXPECT_EQ(RuntimeStage(space), "RUNNING") << space.Dump();
  EXPECT_EQ(DockerfileFrom(space), wrapper);
  EXPECT_EQ(Field(space, {"variables", "LOG_LEVEL", "value"}), "info");
  EXPECT_EQ(Field(space, {"runtime", "hardware", "current"}), "cpu-basic");

  TimedResult clean = Plan(desired);
  EXPECT_EQ(clean.exit_code, 0) << Describe(clean);
}

INSTANTIATE_TEST_SUITE_P(OutOfBandEdits, CorrectPolicy, ::testing::ValuesIn(OutOfBandEdits()),
                         EditName);

}  // namespace
}  // namespace spaceport::e2e
