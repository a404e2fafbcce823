// A transient failure under `spaceport run`: the Hub answers 503 more often than one request
// retries, so the pass fails (HubError); the deployment is requeued after its backoff, not its
// 10-minute interval, and converges on the retry. The status history shows both passes.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

class RunBackoff : public RunTest {};

TEST_F(RunBackoff, AHubOutageFailsThePassAndTheBackoffRetryConverges) {
  // The Space's info: 6 answers of 503, more than the 4 tries of one request.
  Result<Json> fault = hub_->Control(
      "POST", "/__emulator/faults",
      R"({"path_regex":"^/api/spaces/acme/demo$","method":"GET","status":503,"count":6})");
  ASSERT_TRUE(fault.ok()) << fault.status().ToString();
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartController(desired, {"--backoff-initial", "500ms"}));

  ASSERT_TRUE(WaitConverged()) << StatusFile().Dump() << ControllerLog();
  EXPECT_GE(MetricValue("controller_runtime_reconcile_total",
                        {{"controller", "spacedeployment"}, {"result", "error"}})
                .value_or(0),
            1);
  EXPECT_GE(MetricValue("workqueue_retries_total", {{"name", "spacedeployment"}}).value_or(0), 1);
  const Json status = StatusFile();  // kept: Find points into it
  const Json* history = status.Find("history");
  ASSERT_TRUE(history && history->is_array()) << StatusFile().Dump();
  bool saw_error = false;
  for (size_t i = 0; i < history->size(); ++i)
    saw_error = saw_error || (history->At(i).GetString("result") == "error" &&
                              history->At(i).GetString("reason") == "HubError");
  EXPECT_TRUE(saw_error) << "no failed pass with reason HubError in the history\n" << StatusFile().Dump();
  EXPECT_EQ(history->At(0).GetString("result"), "success") << StatusFile().Dump();
  EXPECT_EQ(StopController(), 0);
}

}  // namespace
}  // namespace spaceport::e2e
