// A fleet under `spaceport run` (issue 14, "Observe in bulk"): 500 and 2,000 Spaces across 5
// owners (acme and the organisations fleet-a … fleet-d), five Spaces per SpaceDeployment, one per
// owner, each with a variable and hardware, interval 20 s, driftPolicy correct, against the Hub
// emulator. After the fleet converged (with a budget that does not limit the first deploy), the
// test measures, polling only and then with Hub webhooks:
//   - Hub requests per Space per interval in steady state, split into the runtime/sha/README
//     state (owner lists, info, files) and the settings (variables, secrets);
//   - the time from a hardware change and from a variable change made by hand on one Space to
//     their correction (with webhooks: the webhook the Hub sends about it is posted at once);
//   - the controller's RSS and CPU per pass of every deployment.
// Figures print as `[fleet]` lines (docs/scaling.md quotes them):
//   build/tests/e2e_tests --gtest_filter='Sizes/RunFleet.*'
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/process_memory.h"
#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr int kOwners = 5;
constexpr const char* kOwnerNames[kOwners] = {"acme", "fleet-a", "fleet-b", "fleet-c", "fleet-d"};
constexpr int kIntervalSeconds = 20;

std::string Numbered(int n) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04d", n);
  return digits;
}

std::string SpaceId(int deployment, int owner) {
  return std::string(kOwnerNames[owner]) + "/fleet-" + Numbered(deployment);
}

std::string FleetDeployment(int deployment) {
  std::string spaces;
  for (int owner = 0; owner < kOwners; ++owner)
    spaces += "    - id: " + SpaceId(deployment, owner) +
              "\n      create: true\n      hardware: cpu-basic\n      variables:\n        LOG_LEVEL: info\n";
  return "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: f-" +
         Numbered(deployment) + "\n  namespace: fleet\nspec:\n  interval: " +
         std::to_string(kIntervalSeconds) + "s\n  driftPolicy: correct\n  image:\n    repository: "
         "ghcr.io/acme/app\n    version: v1.0.0\n  spaces:\n" + spaces;
}

// utime + stime of a process, in seconds.
double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

long RssMiB(pid_t pid) { return MiB(ReadProcessMemory(pid).rss_kib); }

struct Cost {
  int64_t state = 0;     // lists, info, files, runtime
  int64_t settings = 0;  // variables and secrets
  double passes = 0;
  double cpu_seconds = 0;
};

class RunFleet : public RunTest, public ::testing::WithParamInterface<int> {
 protected:
  RunFleet() {
    hub_orgs_ = "fleet-a,fleet-b,fleet-c,fleet-d";
    hub_options_.budget = "1000000";  // the first deploy is not what is measured
    hub_options_.window_seconds = "300";
    hub_options_.build_seconds = "0.2";
    hub_options_.start_seconds = "0.2";
  }

  int Spaces() const { return GetParam(); }
  int Deployments() const { return GetParam() / kOwners; }

  void SetUp() override {
    RunTest::SetUp();
    if (HasFatalFailure()) return;
    std::string config = ControllerConfig();
    const std::string line = "    insecure: true\n";
    const size_t at = config.find(line);
    ASSERT_NE(at, std::string::npos) << config;
    config.insert(at + line.size(), "    rateLimit: {requestsPerSecond: 0}\n");
    const std::string token = "  tokenFromEnv: HF_TOKEN_E2E\n";
    config.insert(config.find(token) + token.size(), "  budget: {requests: 1000000, windowSeconds: 300}\n");
    ASSERT_TRUE(support::WriteFile(config_, config));
    desired_ = dir_.path() / "desired";
    for (int file = 0; file < 10; ++file) {
      std::string yaml;
      for (int d = file; d < Deployments(); d += 10) yaml += (yaml.empty() ? "" : "---\n") + FleetDeployment(d);
      ASSERT_TRUE(support::WriteFile(desired_ / ("fleet-" + std::to_string(file) + ".yaml"), yaml));
    }
  }

  void StartFleet(bool hub_webhooks) {
    if (hub_webhooks) setenv("SPACEPORT_HUB_WEBHOOK_SECRET", kHubWebhookSecret, 1);
    else unsetenv("SPACEPORT_HUB_WEBHOOK_SECRET");
    ASSERT_NO_FATAL_FAILURE(StartController(desired_, {"--concurrency", "16"}));
  }

  int Ready() {
    Result<http::Response> r = controller_->Get("/api/v1/status");
    if (!r.ok() || r->status != 200) return -1;
    Result<Json> list = Json::Parse(r->body);
    const Json* items = list.ok() ? list->Find("items") : nullptr;
    int ready = 0;
    for (size_t i = 0; items && i < items->size(); ++i) {
      const Json* c = FindStatusCondition(items->At(i), "Ready");
      ready += c && c->GetString("status") == "True";
    }
    return ready;
  }

  double Passes() {
    double total = 0;
    for (const auto& sample : Metrics().Samples("controller_runtime_reconcile_total")) total += sample.value;
    return total;
  }

  // The Hub requests of `intervals` passes of every deployment, from now.
  Cost Measure(int intervals) {
    ResetStats();
    const double before = Passes();
    const double cpu_before = CpuSeconds(controller_->pid());
    double passes = before;
    const double target = before + intervals * Deployments();
    EXPECT_TRUE(WaitUntil([&] { return (passes = Passes()) >= target; },
                          seconds(intervals * kIntervalSeconds * 3 + 60)))
        << passes - before << " of " << target - before << " passes";
    Cost cost;
    cost.passes = passes - before;
    cost.cpu_seconds = CpuSeconds(controller_->pid()) - cpu_before;
    const Json stats = Stats();
    const Json* routes = Member(stats, {"requests", "by_route"});
    for (const auto& [route, count] : routes ? routes->Members() : std::vector<std::pair<std::string, Json>>{}) {
      const int64_t n = count.AsInt().value_or(0);
      const bool settings = route.find("/variables") != std::string::npos || route.find("/secrets") != std::string::npos;
      (settings ? cost.settings : cost.state) += n;
    }
    std::cout << "[fleet] routes:\n" << RouteBreakdown(stats);
    return cost;
  }

  std::string Describe(const Cost& c) {
    const double intervals = c.passes / Deployments();
    char line[300];
    std::snprintf(line, sizeof line,
                  "%.3f state + %.3f settings Hub requests per Space per interval (%lld + %lld "
                  "requests, %.2f intervals); CPU %.2f ms per pass, %.0f ms per interval; RSS %ld MiB",
                  c.state / (Spaces() * intervals), c.settings / (Spaces() * intervals),
                  static_cast<long long>(c.state), static_cast<long long>(c.settings), intervals,
                  1000 * c.cpu_seconds / c.passes, 1000 * c.cpu_seconds / intervals, RssMiB(controller_->pid()));
    return line;
  }

  // Seconds from a hand-made hardware change on `space` to its correction; with `webhook`, the
  // Hub's webhook about it is posted at once.
  double HardwareDetection(const std::string& space, bool webhook) {
    EXPECT_TRUE(hub_->Control("POST", "/__emulator/spaces/" + space + "/hardware", R"({"flavor":"cpu-upgrade"})").ok());
    const auto start = steady_clock::now();
    if (webhook) PostWebhookAbout(space, "repo.config");
    const bool corrected = WaitUntil(
        [&] {
          const Json s = SpaceState(space);
          const std::string requested = Field(s, {"runtime", "hardware", "requested"});
          return (requested == "null" ? Field(s, {"runtime", "hardware", "current"}) : requested) == "cpu-basic";
        },
        seconds(kIntervalSeconds * 4 + 60));
    EXPECT_TRUE(corrected) << space << ": hardware not corrected";
    return std::chrono::duration<double>(steady_clock::now() - start).count();
  }

  // The same for a variable changed by hand through the Hub API.
  double VariableDetection(const std::string& space, bool webhook) {
    http::Request request;
    request.method = "POST";
    request.url = hub_->base_url() + "/api/spaces/" + space + "/variables";
    request.headers.Add("Authorization", std::string("Bearer ") + kHubToken);
    request.headers.Add("Content-Type", "application/json");
    request.body = R"({"key":"LOG_LEVEL","value":"debug"})";
    auto r = http::MakeTransport({})->Send(request);
    EXPECT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.status().ToString());
    const auto start = steady_clock::now();
    if (webhook) PostWebhookAbout(space, "repo.config");
    const bool corrected = WaitUntil(
        [&] { return Field(SpaceState(space), {"variables", "LOG_LEVEL", "value"}) == "info"; },
        seconds(kIntervalSeconds * 4 + 60));
    EXPECT_TRUE(corrected) << space << ": variable not corrected";
    return std::chrono::duration<double>(steady_clock::now() - start).count();
  }

  void PostWebhookAbout(const std::string& space, const std::string& scope) {
    const std::string body = R"({"event":{"action":"update","scope":")" + scope +
                             R"("},"repo":{"type":"space","name":")" + space +
                             R"(","id":"6500000000000000000000aa"},"webhook":{"id":"w1","version":3}})";
    http::Headers headers;
    headers.Set("Content-Type", "application/json");
    headers.Set("X-Webhook-Secret", kHubWebhookSecret);
    EXPECT_EQ(Post("/hooks/hub", body, headers).status, 202);
  }

  std::filesystem::path desired_;
};

TEST_P(RunFleet, SteadyStateCostsAFractionOfARequestPerSpaceAndDriftIsCorrected) {
  ASSERT_NO_FATAL_FAILURE(StartFleet(/*hub_webhooks=*/false));
  const auto start = steady_clock::now();
  int ready = 0;
  ASSERT_TRUE(WaitUntil([&] { return (ready = Ready()) == Deployments(); }, seconds(900)))
      << ready << " of " << Deployments() << " Ready";
  std::cout << "[fleet] " << Spaces() << " Spaces, " << Deployments() << " deployments, 5 owners: converged in "
            << std::chrono::duration<double>(steady_clock::now() - start).count() << " s; RSS "
            << RssMiB(controller_->pid()) << " MiB\n";

  const Cost polling = Measure(2);
  std::cout << "[fleet] " << Spaces() << " Spaces, polling: " << Describe(polling) << "\n";
  const double intervals = polling.passes / Deployments();
  EXPECT_LE(polling.state / (Spaces() * intervals), 0.1) << "the runtime/sha/README state costs more than the lists";
  const double hardware = HardwareDetection(SpaceId(Deployments() / 2, 3), false);
  const double variable = VariableDetection(SpaceId(Deployments() / 3, 2), false);
  std::cout << "[fleet] " << Spaces() << " Spaces, polling: a hardware change corrected in " << hardware
            << " s, a variable change in " << variable << " s (interval " << kIntervalSeconds << " s)\n";

  ASSERT_EQ(StopController(), 0);
  ASSERT_NO_FATAL_FAILURE(StartFleet(/*hub_webhooks=*/true));
  ASSERT_TRUE(WaitUntil([&] { return Passes() >= Deployments() && Ready() == Deployments(); }, seconds(300)));
  const Cost webhooks = Measure(2);
  std::cout << "[fleet] " << Spaces() << " Spaces, Hub webhooks: " << Describe(webhooks) << "\n";
  EXPECT_LT(webhooks.settings, polling.settings / 2) << "settings were not read less with webhooks";
  const double hardware_hook = HardwareDetection(SpaceId(Deployments() / 4, 1), true);
  const double variable_hook = VariableDetection(SpaceId(Deployments() / 5, 4), true);
  std::cout << "[fleet] " << Spaces() << " Spaces, Hub webhooks: a hardware change corrected in " << hardware_hook
            << " s, a variable change in " << variable_hook << " s\n";
  EXPECT_LT(hardware_hook, kIntervalSeconds) << "the webhook did not bring the pass forward";
  EXPECT_LT(variable_hook, kIntervalSeconds) << "the webhook did not bring the pass forward";
}

INSTANTIATE_TEST_SUITE_P(Sizes, RunFleet, ::testing::Values(500, 2000),
                         [](const ::testing::TestParamInfo<int>& param) { return std::to_string(param.param) + "Spaces"; });

}  // namespace
}  // namespace spaceport::e2e
