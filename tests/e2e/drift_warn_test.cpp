// driftPolicy warn: the same out-of-band edits are reported by `plan` (exit 1) and by `apply`
// (exit 1, `apply: 0 writes`, not one Hub write request), and the edit is still there afterwards.
// The Space is first deployed under driftPolicy correct (warn creates nothing), then the same
// deployment is planned and applied with `driftPolicy: warn`.
#include <gtest/gtest.h>

#include "e2e/e2e_fixture.h"
#include "e2e/out_of_band_edits.h"

namespace spaceport::e2e {
namespace {

class WarnPolicy : public E2eTest, public ::testing::WithParamInterface<OutOfBandEdit> {};

TEST_P(WarnPolicy, PlanAndApplyReportTheEditAndLeaveItInPlace) {
  const OutOfBandEdit& edit = GetParam();
  Deploy();
  ASSERT_FALSE(HasFailure());
  DemoOptions warn;
  warn.drift_policy = "warn";
  const auto desired = WriteDesired("warn", DemoDeployment(warn));

  Edit(edit.method, edit.path, edit.body);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(edit.in_place(SpaceState())) << SpaceState().Dump();

  TimedResult json = Plan(desired, "json");
  EXPECT_EQ(json.exit_code, 1) << Describe(json);
  Result<Json> plan = Json::Parse(json.out);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString() << "\n" << Describe(json);
  const Json* drift = DriftItem(*plan, edit.field);
  ASSERT_NE(drift, nullptr) << "no drift item " << edit.field << "\n" << json.out;
  EXPECT_NE(drift->GetString("observed").find(edit.observed), std::string::npos) << drift->Dump();
  EXPECT_EQ(Field(*plan, {"summary", "actions"}), "0") << json.out;

  ResetStats();
  TimedResult applied = Apply(desired);
  EXPECT_EQ(applied.exit_code, 1) << Describe(applied);
  std::optional<ApplySummary> summary = ParseApplySummary(applied.out);
  ASSERT_TRUE(summary) << "no `apply: N writes, M actions, K failed` last line\n"
                       << Describe(applied);
  EXPECT_EQ(summary->writes, 0) << Describe(applied);
  EXPECT_EQ(summary->failed, 0) << Describe(applied);
  EXPECT_TRUE(WriteRequests(Stats()).empty()) << RouteBreakdown(Stats());

  const Json space = SpaceState();
  EXPECT_TRUE(edit.in_place(space)) << "apply undid the edit under driftPolicy warn\n"
                                    << space.Dump();
}

INSTANTIATE_TEST_SUITE_P(OutOfBandEdits, WarnPolicy, ::testing::ValuesIn(OutOfBandEdits()),
                         EditName);

}  // namespace
}  // namespace spaceport::e2e
