// What a running controller tells ops about drift it must not touch (driftPolicy warn): the
// drift report, the spaceport_drift metric and the status all name the out-of-band hardware
// change, the change stays, and over several passes exactly one DriftFound is posted. And the
// Slack format: what arrives is a Slack incoming-webhook body.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "e2e/out_of_band_edits.h"
#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

class RunNotify : public RunTest {};

TEST_F(RunNotify, WarnPolicyReportsHardwareDriftOnceAndLeavesItInPlace) {
  Deploy();  // `spaceport apply` under driftPolicy correct: warn creates nothing
  ASSERT_FALSE(HasFailure());
  DemoOptions warn;
  warn.drift_policy = "warn";
  // A short interval, so the drift is looked at again and again while the test watches.
  const auto desired = WriteDeployment(warn, "2s", "warn");
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));

  Edit("POST", "/hardware", R"({"flavor":"cpu-upgrade"})");
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(WaitUntil([&] { return ReadyReason() == "Drifted"; }, std::chrono::seconds(30)))
      << "Ready never turned Drifted\n"
      << StatusFile().Dump();
  const double passes_at_drift = ReconcileCount();
  // Three more passes over the same drift.
  ASSERT_TRUE(
      WaitUntil([&] { return ReconcileCount() >= passes_at_drift + 3; }, std::chrono::seconds(30)))
      << "fewer than 3 passes after the drift appeared";

  const Json plan = FetchJson("/api/v1/drift");
  const Json* item = DriftItem(plan, "hardware");
  ASSERT_NE(item, nullptr) << plan.Dump();
  EXPECT_EQ(item->GetString("desired"), "cpu-basic");
  EXPECT_EQ(item->GetString("observed"), "cpu-upgrade");
  EXPECT_EQ(Field(plan, {"summary", "driftItems"}), "1") << plan.Dump();
  EXPECT_EQ(Field(plan, {"summary", "actions"}), "0") << plan.Dump();

  const support::PrometheusText metrics = Metrics();
  EXPECT_EQ(
      metrics.Value("spaceport_drift",
                    {{"deployment", kDeploymentKey}, {"space", kSpace}, {"field", "hardware"}}),
      1);
  EXPECT_EQ(metrics.Value("spaceport_deployment_ready", {{"deployment", kDeploymentKey}}), 0);

  const Json status = StatusFile();
  const Json* ready = FindStatusCondition(status, "Ready");
  ASSERT_NE(ready, nullptr) << status.Dump();
  EXPECT_EQ(ready->GetString("status"), "False");
  EXPECT_EQ(ready->GetString("reason"), "Drifted");
  const Json* drift = status.Find("drift");
  ASSERT_TRUE(drift && drift->size() == 1) << status.Dump();
  EXPECT_EQ(drift->At(0).GetString("field"), "hardware");

  const Json space = SpaceState();
  EXPECT_EQ(Field(space, {"runtime", "hardware", "requested"}), "cpu-upgrade")
      << "the controller undid the change under driftPolicy warn\n"
      << space.Dump();

  EXPECT_EQ(StopController(), 0);  // flushes the notification queue
  EXPECT_EQ(CountEvents("DriftFound"), 1) << EventList();
  EXPECT_EQ(CountEvents("DriftCorrected"), 0) << EventList();
  for (const Json& n : Notifications()) {
    if (n.GetString("event") != "DriftFound") continue;
    EXPECT_EQ(n.GetString("severity"), "warning");
    EXPECT_EQ(n.GetString("reason"), "Drifted");
    EXPECT_NE(n.Dump().find(R"("field":"hardware","desired":"cpu-basic","observed":"cpu-upgrade")"),
              std::string::npos)
        << n.Dump();
  }
}

TEST_F(RunNotify, SlackFormatPostsAnIncomingWebhookBodyWithTextAndBlocks) {
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartController(desired, {"--notify-format", "slack"}));
  ASSERT_TRUE(WaitConverged()) << StatusFile().Dump();
  EXPECT_EQ(StopController(), 0);

  const std::vector<std::string> bodies = receiver_.Bodies();
  ASSERT_FALSE(bodies.empty()) << "no notification arrived";
  bool deploy_succeeded = false;
  for (const std::string& body : bodies) {
    Result<Json> doc = Json::Parse(body);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString() << "\n" << body;
    const Json* text = doc->Find("text");
    ASSERT_TRUE(text && text->is_string() && !text->AsString().empty()) << body;
    const Json* blocks = doc->Find("blocks");
    ASSERT_TRUE(blocks && blocks->is_array() && blocks->size() >= 1) << body;
    EXPECT_EQ(blocks->At(0).GetString("type"), "section") << body;
    EXPECT_EQ(Field(blocks->At(0), {"text", "type"}), "mrkdwn") << body;
    EXPECT_EQ(doc->Find("event"), nullptr) << "a Spaceport JSON body, not a Slack one\n" << body;
    if (text->AsString().rfind("DeploySucceeded e2e/demo", 0) == 0) {
      deploy_succeeded = true;
      const std::string section = Field(blocks->At(0), {"text", "text"});
      EXPECT_NE(section.find("ghcr.io/acme/app:v1.0.0"), std::string::npos) << section;
      EXPECT_NE(section.find("<" + hub_->base_url() + "/spaces/acme/demo|acme/demo>"),
                std::string::npos)
          << section;
    }
  }
  EXPECT_TRUE(deploy_succeeded) << "no DeploySucceeded message among\n" << bodies.front();
}

}  // namespace
}  // namespace spaceport::e2e
