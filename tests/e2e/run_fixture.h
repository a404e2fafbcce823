// RunTest: the world of E2eTest (a real registry, the hub-emulator program, config.yaml) plus a
// running `spaceport run` and what ops would look at around it — its HTTP API, its status files,
// its log, and the notifications it posts — for end-to-end tests of the long-running controller.
//
// SetUp starts the registry and the emulator (E2eTest), a NotificationReceiver (an in-process
// HTTP server that keeps every body posted to it) and sets the environment the controller
// inherits: the Hub token, the secret DEMO_API_KEY, both webhook secrets and a private HOME.
// StartController runs `spaceport run DIR --config … --notify RECEIVER --progress-poll 300ms`
// with any extra flags; the helpers read what it serves, parsed (Metrics, FetchJson, StatusFile),
// and WaitUntil polls a condition under a deadline, so no test sleeps a fixed time.
//
//   class Example : public RunTest {};
//   TEST_F(Example, ConvergesAndSaysSo) {
//     const auto desired = WriteDeployment({}, "10m");
//     ASSERT_NO_FATAL_FAILURE(StartController(desired));
//     ASSERT_TRUE(WaitConverged()) << StatusFile().Dump();
//     EXPECT_EQ(MetricValue("spaceport_deployment_ready", {{"deployment", "e2e/demo"}}), 1);
//     EXPECT_EQ(Events(), std::vector<std::string>{"DeploySucceeded"});
//   }
//
// The controller's log is kept in one file per start (run-1.log, run-2.log, …), so it can be
// read after the process exited; TearDown prints it when the test failed (and, with
// SPACEPORT_E2E_VERBOSE=1, always, with the notifications received).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>  // setenv, unsetenv

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "e2e/controller_process.h"
#include "e2e/e2e_fixture.h"
#include "http/http.h"
#include "support/process.h"
#include "support/prometheus_text.h"
#include "support/temp_dir.h"

namespace spaceport::e2e {

inline constexpr char kGithubWebhookSecret[] = "gh-webhook-secret-7c41";
inline constexpr char kHubWebhookSecret[] = "hub-webhook-secret-2e98";
inline constexpr char kGenericWebhookSecret[] = "generic-webhook-secret-5d03";
// The receiver's path stands for the token a Slack webhook URL carries; it must never be logged.
inline constexpr char kNotifyPath[] = "/services/T000/B000/notify-token-93af";
// From nothing to RUNNING takes a few seconds (0.3 s build, 0.3 s start, 300 ms polls); the
// bound is for a loaded 2-core machine.
inline constexpr std::chrono::seconds kConverge{60};

// Collects every request body POSTed to it, in arrival order. Answers 200.
class NotificationReceiver {
 public:
  ~NotificationReceiver() {
    if (server_) server_->Stop();
  }

  Status Start() {
    auto server = http::StartServer({}, [this](const http::Server::IncomingRequest& req) {
      std::lock_guard<std::mutex> lock(mu_);
      if (req.method != "POST" || req.path != kNotifyPath) {
        http::Response refused;
        refused.status = 404;
        return refused;
      }
      bodies_.push_back(req.body);
      http::Response ok;
      ok.status = 200;
      ok.body = "ok";
      return ok;
    });
    if (!server.ok()) return server.status();
    server_ = std::move(*server);
    return Status::Ok();
  }

  std::string url() const { return server_->base_url() + kNotifyPath; }

  std::vector<std::string> Bodies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
  std::unique_ptr<http::Server> server_;
};

// DemoDeployment's YAML with `spec.interval` set, so a test decides which trigger can run a pass.
inline std::string WithInterval(std::string yaml, const std::string& interval) {
  const std::string spec = "\nspec:\n";
  const size_t at = yaml.find(spec);
  if (at != std::string::npos) yaml.insert(at + spec.size(), "  interval: " + interval + "\n");
  return yaml;
}

// The condition of `type` in a status document, or nullptr.
inline const Json* FindStatusCondition(const Json& status, const std::string& type) {
  const Json* conditions = status.Find("conditions");
  if (conditions == nullptr || !conditions->is_array()) return nullptr;
  for (size_t i = 0; i < conditions->size(); ++i)
    if (conditions->At(i).GetString("type") == type) return &conditions->At(i);
  return nullptr;
}

class RunTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    // ctest runs every test in its own process: these reach only this test's controller.
    setenv("HF_TOKEN_E2E", kHubToken, 1);
    setenv("DEMO_API_KEY", kSecretValue, 1);
    setenv("SPACEPORT_GITHUB_WEBHOOK_SECRET", kGithubWebhookSecret, 1);
    setenv("SPACEPORT_HUB_WEBHOOK_SECRET", kHubWebhookSecret, 1);
    setenv("SPACEPORT_GENERIC_WEBHOOK_SECRET", kGenericWebhookSecret, 1);
    setenv("HOME", (dir_.path() / "home").c_str(), 1);
    unsetenv("HF_TOKEN");
    Status receiving = receiver_.Start();
    ASSERT_TRUE(receiving.ok()) << receiving.ToString();
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "--- spaceport run log ---\n" << Tail(ControllerLog(), 80);
    if (std::getenv("SPACEPORT_E2E_VERBOSE")) {
      std::cout << "=== spaceport run log\n" << ControllerLog() << "=== notifications\n";
      for (const std::string& body : receiver_.Bodies()) std::cout << body << "\n";
    }
    controller_.reset();  // stops it (by PID) before the registry and the emulator go
    E2eTest::TearDown();
  }

  // DemoDeployment(options) with spec.interval, as DIR/demo.yaml; returns DIR.
  std::filesystem::path WriteDeployment(const DemoOptions& options, const std::string& interval,
                                        const std::string& dir_name = "desired") {
    return WriteDesired(dir_name, WithInterval(DemoDeployment(options), interval));
  }

  // `spaceport run DESIRED --config … --notify RECEIVER --progress-poll 300ms EXTRA...`, serving
  // /healthz when this returns. Use with ASSERT_NO_FATAL_FAILURE.
  void StartController(const std::filesystem::path& desired,
                       const std::vector<std::string>& extra = {}) {
    StartControllerOn({desired.string()}, extra);
  }
  // The same with the desired state given as arguments: paths, or `--source SPEC` pairs.
  void StartControllerOn(const std::vector<std::string>& sources,
                         const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), sources.begin(), sources.end());
    for (const std::string& a : {std::string("--config"), config_.string(), std::string("--notify"),
                                 receiver_.url(), std::string("--progress-poll"), std::string("300ms")})
      args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    const auto log = dir_.path() / ("run-" + std::to_string(++starts_) + ".log");
    logs_.push_back(log);
    auto started = ControllerProcess::Start(args, log);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    controller_ = std::move(*started);
  }

  // StartController, then waits until the deployment converged and the controller is idle.
  // Use with ASSERT_NO_FATAL_FAILURE.
  void StartConverged(const std::filesystem::path& desired,
                      const std::vector<std::string>& extra = {}) {
    ASSERT_NO_FATAL_FAILURE(StartController(desired, extra));
    ASSERT_TRUE(WaitConverged()) << StatusFile().Dump();
    ASSERT_TRUE(WaitIdle()) << "a worker stayed busy";
  }

  // SIGTERM; the exit code (-1 when it outlived `limit` and was killed).
  int StopController(std::chrono::seconds limit = std::chrono::seconds(30)) {
    if (!controller_) return -1;
    const int code = controller_->Terminate(limit);
    controller_.reset();
    return code;
  }

  // Every start's log, in order; readable after the process exited.
  std::string ControllerLog() const {
    std::string all;
    for (const auto& log : logs_) all += support::ReadFile(log);
    return all;
  }

  // Polls `condition` every 100 ms until it holds (true) or `limit` passed (false).
  static bool WaitUntil(const std::function<bool()>& condition, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
      if (condition()) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // GET PATH on the controller: the response, or a failed expectation and status 0.
  http::Response Fetch(const std::string& path) {
    http::Response none;
    if (!controller_) {
      ADD_FAILURE() << "GET " << path << ": the controller is not running";
      return none;
    }
    Result<http::Response> r = controller_->Get(path);
    EXPECT_TRUE(r.ok()) << "GET " << path << ": " << r.status().ToString();
    return r.ok() ? *r : none;
  }

  // GET PATH, expected 200 with a JSON body; null after a failure.
  Json FetchJson(const std::string& path) {
    http::Response r = Fetch(path);
    EXPECT_EQ(r.status, 200) << "GET " << path << ": " << r.body;
    Result<Json> doc = Json::Parse(r.body);
    EXPECT_TRUE(doc.ok()) << "GET " << path << " is not JSON: " << doc.status().ToString() << "\n"
                          << r.body;
    return doc.ok() ? *doc : Json();
  }

  support::PrometheusText Metrics() {
    http::Response r = Fetch("/metrics");
    EXPECT_EQ(r.status, 200) << r.body;
    auto parsed = support::ParsePrometheusText(r.body);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << r.body;
    return parsed.ok() ? *parsed : support::PrometheusText{};
  }

  // A sample's value now; nullopt when the sample is not served.
  std::optional<double> MetricValue(const std::string& sample,
                                    const support::PrometheusLabels& labels) {
    return Metrics().Value(sample, labels);
  }
  double ReconcileCount(const std::string& result = "success") {
    return MetricValue("controller_runtime_reconcile_total",
                       {{"controller", "spacedeployment"}, {"result", result}})
        .value_or(0);
  }
  double QueueAdds() {
    return MetricValue("workqueue_adds_total", {{"name", "spacedeployment"}}).value_or(-1);
  }

  std::filesystem::path StatusPath() const { return state_dir_ / "status" / "e2e" / "demo.json"; }

  // STATE_DIR/status/e2e/demo.json, parsed; null when missing or broken.
  Json StatusFile() const {
    Result<Json> doc = Json::Parse(support::ReadFile(StatusPath()));
    return doc.ok() ? *doc : Json();
  }

  // The status file's Ready condition: its status ("True", "False", "Unknown") and reason; ""
  // while there is none.
  std::string ReadyStatus() const {
    const Json status = StatusFile();  // kept: the condition points into it
    const Json* ready = FindStatusCondition(status, "Ready");
    return ready ? ready->GetString("status") : "";
  }
  std::string ReadyReason() const {
    const Json status = StatusFile();  // kept: the condition points into it
    const Json* ready = FindStatusCondition(status, "Ready");
    return ready ? ready->GetString("reason") : "";
  }

  // Waits for Ready True in the status file and a RUNNING Space on the emulator.
  bool WaitConverged(std::chrono::seconds limit = kConverge) {
    return WaitUntil(
        [&] { return ReadyStatus() == "True" && RuntimeStage(SpaceState()) == "RUNNING"; }, limit);
  }

  // Waits until no worker is busy and nothing is ready in the queue: the last pass has finished
  // its status, metrics and requeue, so counters stay put until a timer, a watch or a webhook
  // adds work.
  bool WaitIdle(std::chrono::seconds limit = std::chrono::seconds(20)) {
    return WaitUntil(
        [&] {
          const support::PrometheusText m = Metrics();
          return m.Value("controller_runtime_active_workers",
                         {{"controller", "spacedeployment"}}) == 0 &&
                 m.Value("workqueue_depth", {{"name", "spacedeployment"}}) == 0;
        },
        limit);
  }

  // The notifications received, parsed (JSON format); a body that does not parse fails the test.
  std::vector<Json> Notifications() const {
    std::vector<Json> out;
    for (const std::string& body : receiver_.Bodies()) {
      Result<Json> doc = Json::Parse(body);
      EXPECT_TRUE(doc.ok()) << "a notification is not JSON: " << body;
      if (doc.ok()) out.push_back(std::move(*doc));
    }
    return out;
  }
  std::vector<std::string> Events() const {
    std::vector<std::string> events;
    for (const Json& n : Notifications()) events.push_back(n.GetString("event"));
    return events;
  }
  int CountEvents(const std::string& event) const {
    int n = 0;
    for (const std::string& e : Events()) n += e == event;
    return n;
  }
  std::string EventList() const {
    std::string out;
    for (const std::string& e : Events()) out += (out.empty() ? "" : ", ") + e;
    return "[" + out + "]";
  }

  // Every place a secret could leak to, while the controller runs: its log, /metrics,
  // /api/v1/drift (all formats), /api/v1/status, the status files and the notification bodies.
  // None may hold the Space secret's value, the Hub token, a webhook secret or the notify URL's
  // path (Slack's carries its token).
  void ExpectNoSecretsAnywhere() {
    std::map<std::string, std::string> places = {
        {"controller log", ControllerLog()},
        {"/metrics", Fetch("/metrics").body},
        {"/api/v1/drift", Fetch("/api/v1/drift").body},
        {"/api/v1/drift?format=markdown", Fetch("/api/v1/drift?format=markdown").body},
        {"/api/v1/drift?format=text", Fetch("/api/v1/drift?format=text").body},
        {"/api/v1/status", Fetch("/api/v1/status").body},
    };
    for (const auto& entry : std::filesystem::recursive_directory_iterator(state_dir_ / "status"))
      if (entry.is_regular_file()) places[entry.path().string()] = support::ReadFile(entry.path());
    int n = 0;
    for (const std::string& body : receiver_.Bodies())
      places["notification " + std::to_string(++n)] = body;
    ASSERT_FALSE(places["controller log"].empty());
    for (const auto& [place, text] : places) {
      for (const char* secret :
           {kSecretValue, kHubToken, kGithubWebhookSecret, kHubWebhookSecret, kGenericWebhookSecret, kNotifyPath}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << "\"" << secret << "\" is in " << place;
      }
    }
  }

  // POST a Hub webhook (repo.config for the demo Space unless told otherwise).
  http::Response PostHubWebhook(const std::string& secret,
                                const std::string& scope = "repo.config") {
    const std::string body =
        R"({"event":{"action":"update","scope":")" + scope +
        R"("},"repo":{"type":"space","name":")" + std::string(kSpace) +
        R"(","id":"6500000000000000000000aa"},"webhook":{"id":"w1","version":3}})";
    http::Headers headers;
    headers.Set("Content-Type", "application/json");
    headers.Set("X-Webhook-Secret", secret);
    return Post("/hooks/hub", body, headers);
  }

  http::Response Post(const std::string& path, const std::string& body,
                      const http::Headers& headers) {
    http::Response none;
    if (!controller_) {
      ADD_FAILURE() << "POST " << path << ": the controller is not running";
      return none;
    }
    Result<http::Response> r = controller_->Post(path, body, headers);
    EXPECT_TRUE(r.ok()) << "POST " << path << ": " << r.status().ToString();
    return r.ok() ? *r : none;
  }

  // The emulator's endpoint as the metrics label it: "127.0.0.1:PORT".
  std::string HubHost() const {
    Result<http::Url> url = http::Url::Parse(hub_->base_url());
    return url.ok() ? url->HostPort() : hub_->base_url();
  }

  NotificationReceiver receiver_;
  std::unique_ptr<ControllerProcess> controller_;
  std::vector<std::filesystem::path> logs_;
  int starts_ = 0;
};

}  // namespace spaceport::e2e
