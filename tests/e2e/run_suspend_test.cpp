// spec.suspend under `spaceport run`: a suspended deployment is shown as suspended (status,
// metrics) and nothing of it is touched; resuming it in the file deploys it.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

class RunSuspend : public RunTest {};

TEST_F(RunSuspend, ASuspendedDeploymentIsShownSuspendedUntouchedAndDeploysOnceResumed) {
  const std::string resumed = WithInterval(DemoDeployment({}), "10m");
  std::string suspended = resumed;
  const size_t spec = suspended.find("\nspec:\n");
  ASSERT_NE(spec, std::string::npos);
  suspended.insert(spec + 7, "  suspend: true\n");
  const auto desired = WriteDesired("desired", suspended);
  ASSERT_NO_FATAL_FAILURE(StartController(desired));
  ASSERT_TRUE(controller_->WaitReady(kConverge)) << ControllerLog();
  ASSERT_TRUE(WaitIdle());

  EXPECT_EQ(ReadyStatus(), "Unknown") << StatusFile().Dump();
  EXPECT_EQ(ReadyReason(), "Suspended") << StatusFile().Dump();
  EXPECT_EQ(StatusFile().Find("suspended")->Dump(), "true");
  EXPECT_EQ(MetricValue("spaceport_suspend_status", {{"deployment", kDeploymentKey}}), 1);
  EXPECT_FALSE(SpaceExists(kSpace)) << "a suspended deployment created its Space";
  EXPECT_TRUE(WriteRequests(Stats()).empty()) << RouteBreakdown(Stats());

  ASSERT_TRUE(support::WriteFile(desired / "demo.yaml", resumed));
  ASSERT_TRUE(WaitConverged()) << StatusFile().Dump() << ControllerLog();
  EXPECT_EQ(MetricValue("spaceport_suspend_status", {{"deployment", kDeploymentKey}}), 0);
  EXPECT_EQ(StatusFile().Find("suspended")->Dump(), "false");
  EXPECT_EQ(StopController(), 0);
}

}  // namespace
}  // namespace spaceport::e2e
