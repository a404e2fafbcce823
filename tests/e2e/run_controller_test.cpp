// `spaceport run` as ops run it: from an empty Hub to a RUNNING Space, seen through everything
// the controller offers (probes, status file, /metrics checked by a parser and by promtool, the
// drift report, notifications); a SIGTERM in the middle of the first pass; a restart that
// continues from the status files without writing to the Hub. Secrets are looked for in every
// output.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

class RunController : public RunTest {};

// `promtool check metrics` on TEXT: its exit code and what it printed.
support::CommandResult Promtool(const std::filesystem::path& dir, const std::string& text) {
  const std::filesystem::path file = dir / "metrics.txt";
  EXPECT_TRUE(support::WriteFile(file, text));
  return support::RunCommand({"sh", "-c", "promtool check metrics < \"$0\"", file.string()});
}

TEST_F(RunController, TakesANewSpaceToRunningAndReportsItInEveryOutput) {
  Status promtool = support::RequireExecutable("promtool");
  ASSERT_TRUE(promtool.ok()) << promtool.ToString();
  ASSERT_FALSE(SpaceExists(kSpace));
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartController(desired));

  ASSERT_TRUE(controller_->WaitReady(kConverge)) << "/readyz never answered 200";
  ASSERT_TRUE(WaitConverged()) << "Ready=" << ReadyStatus() << " " << ReadyReason() << "\n"
                               << StatusFile().Dump();
  EXPECT_EQ(Fetch("/readyz").status, 200);
  ASSERT_TRUE(WaitIdle()) << "a worker stayed busy";

  // The world, on the emulator's side.
  const Json space = SpaceState();
  const std::string wrapper_digest = RegistryDigest("hf-amd64-v1.0.0");
  ASSERT_FALSE(wrapper_digest.empty());
  EXPECT_EQ(DockerfileFrom(space), "ghcr.io/acme/app:hf-amd64-v1.0.0@" + wrapper_digest);
  EXPECT_EQ(Field(space, {"runtime", "hardware", "current"}), "cpu-basic") << space.Dump();
  EXPECT_EQ(Field(space, {"variables", "LOG_LEVEL", "value"}), "info") << space.Dump();

  // The status file.
  const Json status = StatusFile();
  EXPECT_EQ(status.GetString("kind"), "SpaceDeploymentStatus");
  EXPECT_EQ(status.GetString("key"), kDeploymentKey);
  const Json* ready = FindStatusCondition(status, "Ready");
  ASSERT_NE(ready, nullptr) << status.Dump();
  EXPECT_EQ(ready->GetString("status"), "True");
  EXPECT_EQ(ready->GetString("reason"), "Succeeded");
  EXPECT_EQ(FindStatusCondition(status, "Reconciling"), nullptr) << status.Dump();
  const Json* spaces = status.Find("spaces");
  ASSERT_TRUE(spaces && spaces->size() == 1) << status.Dump();
  EXPECT_EQ(spaces->At(0).GetString("stage"), "RUNNING");
  EXPECT_EQ(spaces->At(0).GetString("deployedDigest"), wrapper_digest);
  EXPECT_EQ(spaces->At(0).GetString("commit"), space.GetString("sha"));

  // /metrics, read back by a strict parser.
  const http::Response metrics_response = Fetch("/metrics");
  ASSERT_EQ(metrics_response.status, 200);
  auto metrics = support::ParsePrometheusText(metrics_response.body);
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString() << "\n" << metrics_response.body;
  EXPECT_GE(metrics
                ->Value("controller_runtime_reconcile_total",
                        {{"controller", "spacedeployment"}, {"result", "success"}})
                .value_or(0),
            1)
      << metrics_response.body;
  EXPECT_EQ(metrics->Value("spaceport_space_stage", {{"space", kSpace}, {"stage", "RUNNING"}}), 1)
      << metrics_response.body;
  for (const support::PrometheusSample& s : metrics->Samples("spaceport_space_stage")) {
    if (s.labels.at("stage") == "RUNNING") continue;
    EXPECT_EQ(s.value, 0) << "stage " << s.labels.at("stage");
  }
  EXPECT_EQ(metrics->Value("spaceport_deployment_ready", {{"deployment", kDeploymentKey}}), 1);
  EXPECT_GT(metrics->Value("spaceport_api_requests_total", {{"host", HubHost()}, {"code", "200"}})
                .value_or(0),
            0)
      << "no successful Hub exchanges counted for " << HubHost() << "\n"
      << metrics_response.body;
  EXPECT_TRUE(metrics->Value("workqueue_depth", {{"name", "spacedeployment"}}).has_value())
      << metrics_response.body;
  const support::PrometheusFamily* drift = metrics->Find("spaceport_drift");
  EXPECT_TRUE(drift == nullptr || drift->samples.empty())
      << "an in-sync deployment has drift samples\n"
      << metrics_response.body;
  const support::CommandResult checked = Promtool(dir_.path(), metrics_response.body);
  EXPECT_EQ(checked.exit_code, 0) << "promtool check metrics:\n" << checked.output;

  // The drift report: the plan JSON of the last pass, and its Markdown rendering.
  const Json plan = FetchJson("/api/v1/drift");
  EXPECT_EQ(plan.GetString("kind"), "Plan") << plan.Dump();
  EXPECT_EQ(Field(plan, {"summary", "driftItems"}), "0") << plan.Dump();
  EXPECT_EQ(Field(plan, {"summary", "invalid"}), "0") << plan.Dump();
  const http::Response markdown = Fetch("/api/v1/drift?format=markdown");
  EXPECT_EQ(markdown.status, 200);
  EXPECT_EQ(markdown.headers.Get("Content-Type").value_or("").rfind("text/markdown", 0), 0u);
  EXPECT_NE(markdown.body.find(kDeploymentKey), std::string::npos) << markdown.body;
  EXPECT_NE(markdown.body.find("#"), std::string::npos) << "no Markdown heading\n" << markdown.body;

  ExpectNoSecretsAnywhere();

  // Notifications, complete once the controller stopped (it flushes its queue on SIGTERM).
  EXPECT_EQ(StopController(), 0);
  const std::vector<Json> notifications = Notifications();
  std::vector<const Json*> succeeded;
  for (const Json& n : notifications)
    if (n.GetString("event") == "DeploySucceeded") succeeded.push_back(&n);
  ASSERT_EQ(succeeded.size(), 1u) << EventList();
  const Json& n = *succeeded.front();
  EXPECT_EQ(n.GetString("kind"), "Notification");
  EXPECT_EQ(n.GetString("deployment"), kDeploymentKey);
  EXPECT_EQ(Field(n, {"image", "ref"}), "ghcr.io/acme/app:v1.0.0") << n.Dump();
  EXPECT_EQ(Field(n, {"image", "digest"}), RegistryDigest("v1.0.0")) << n.Dump();
  const Json* notified = n.Find("spaces");
  ASSERT_TRUE(notified && notified->size() == 1) << n.Dump();
  EXPECT_EQ(notified->At(0).GetString("space"), kSpace);
  EXPECT_EQ(notified->At(0).GetString("url"), hub_->base_url() + "/spaces/" + kSpace);
  EXPECT_EQ(notified->At(0).GetString("stage"), "RUNNING");
  // A first deploy is not drift: nothing else was posted.
  EXPECT_EQ(notifications.size(), 1u) << EventList();
}

TEST_F(RunController, SigtermDuringTheFirstPassExitsZeroWithinThirtySeconds) {
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartController(desired));
  // The first pass has begun writing: the Space exists but cannot be RUNNING yet.
  ASSERT_TRUE(WaitUntil([&] { return SpaceExists(kSpace); }, kConverge)) << ControllerLog();

  const auto signalled = std::chrono::steady_clock::now();
  const int code = StopController(std::chrono::seconds(30));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  EXPECT_EQ(code, 0) << "after " << seconds << " s (-1: still running at 30 s)";
  EXPECT_LT(seconds, 30);
  const std::string log = ControllerLog();
  EXPECT_NE(log.find("received SIGTERM"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("msg":"stopped")"), std::string::npos) << log;
  EXPECT_EQ(log.find("shutdown timeout"), std::string::npos) << log;
  // What the pass did is on record: the status file was written atomically and parses.
  EXPECT_EQ(StatusFile().GetString("key"), kDeploymentKey) << support::ReadFile(StatusPath());
}

TEST_F(RunController, RestartContinuesTheHistoryAndWritesNothingToTheHub) {
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  ASSERT_EQ(StopController(), 0);
  const Json before = StatusFile();
  const Json* history_before = before.Find("history");
  ASSERT_TRUE(history_before && history_before->size() >= 1) << before.Dump();
  const size_t events_before = receiver_.Bodies().size();

  ResetStats();
  ASSERT_NO_FATAL_FAILURE(StartController(desired));
  ASSERT_TRUE(controller_->WaitReady(kConverge));
  // The restart's first pass is recorded (the history's newest entry is a new one).
  ASSERT_TRUE(WaitUntil(
      [&] {
        const Json now = StatusFile();
        return now.GetString("lastReconcileTime") != "" &&
               Field(now, {"history"}) != Field(before, {"history"});
      },
      kConverge))
      << StatusFile().Dump();

  const Json after = StatusFile();
  const Json* history = after.Find("history");
  ASSERT_NE(history, nullptr) << after.Dump();
  EXPECT_EQ(history->size(), std::min<size_t>(5, history_before->size() + 1)) << after.Dump();
  // Older entries kept, shifted by one.
  for (size_t i = 1; i < history->size(); ++i)
    EXPECT_EQ(history->At(i).Dump(), history_before->At(i - 1).Dump()) << "history[" << i << "]";
  EXPECT_EQ(history->At(0).GetString("result"), "success") << after.Dump();
  EXPECT_EQ(history->At(0).GetString("state"), "InSync") << after.Dump();
  EXPECT_EQ(Field(history->At(0), {"writes"}), "0") << after.Dump();
  EXPECT_EQ(ReadyStatus(), "True");
  // Ready stayed True: the condition did not transition.
  const Json* ready_before = FindStatusCondition(before, "Ready");
  const Json* ready_after = FindStatusCondition(after, "Ready");
  ASSERT_TRUE(ready_before && ready_after);
  EXPECT_EQ(ready_after->GetString("lastTransitionTime"),
            ready_before->GetString("lastTransitionTime"));

  const Json stats = Stats();
  EXPECT_TRUE(WriteRequests(stats).empty()) << "the restart wrote to the Hub:\n"
                                            << RouteBreakdown(stats);
  EXPECT_GT(TotalRequests(stats), 0) << "the restart did not even look at the Hub";
  EXPECT_EQ(StopController(), 0);
  EXPECT_EQ(receiver_.Bodies().size(), events_before) << "the restart notified: " << EventList();
}

TEST_F(RunController, ASecondControllerOnTheSameStateDirectoryIsRefused) {
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  TimedResult second = Spaceport({"run", desired.string(), "--listen", "off"});
  EXPECT_EQ(second.exit_code, 2) << Describe(second);
  EXPECT_NE(second.err.find("another spaceport run (pid " + std::to_string(controller_->pid()) + ")"),
            std::string::npos)
      << Describe(second);
  // The first one is unaffected, and once it is gone the directory is free again.
  EXPECT_EQ(Fetch("/healthz").status, 200);
  EXPECT_EQ(StopController(), 0);
  TimedResult once = Spaceport({"run", desired.string(), "--listen", "off", "--once"});
  EXPECT_EQ(once.exit_code, 0) << Describe(once);
}

// The drift report merges every deployment's last plan, renumbering the references between
// actions ("<from action N>"). It used to rescan a value after each replacement, so a reference
// renumbered to itself — any in the first plan merged, e.g. a first deploy's commit pinning the
// wrapper it publishes — looped for ever holding the controller's lock: /api/v1/drift never
// answered and every worker stopped. Asked every 5 ms with a 5 s deadline through a first deploy.
TEST_F(RunController, TheDriftReportAnswersThroughoutAFirstDeployWhosePlanReferencesItsOwnActions) {
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartController(desired));
  auto transport = http::MakeTransport({});
  int answered = 0;
  bool saw_reference = false;
  const auto until = std::chrono::steady_clock::now() + kConverge;
  while (std::chrono::steady_clock::now() < until && !(saw_reference && ReadyStatus() == "True")) {
    http::Request request;
    request.url = controller_->base_url() + "/api/v1/drift";
    request.timeout = std::chrono::seconds(5);
    Result<http::Response> r = transport->Send(request);
    ASSERT_TRUE(r.ok() && r->status == 200)
        << "/api/v1/drift did not answer within 5 s after " << answered << " answers: "
        << (r.ok() ? r->body : r.status().ToString());
    ++answered;
    saw_reference = saw_reference || r->body.find("<from action ") != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the first plan is served ~300 ms
  }
  EXPECT_TRUE(saw_reference) << "no plan with a reference between actions was served: the case is not covered";
  EXPECT_EQ(ReadyStatus(), "True");
  EXPECT_EQ(StopController(), 0);
}

}  // namespace
}  // namespace spaceport::e2e

