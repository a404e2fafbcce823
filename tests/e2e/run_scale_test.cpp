// `spaceport run` at scale (issue 6, "Done when"): 200 SpaceDeployments naming 500 Spaces, one
// controller, the Hub emulator with a low request budget on a short window.
//
// The emulator and the controller are given the same budget (the emulator's --budget and
// --window-seconds, the config's hub.budget), and both count fixed windows aligned to multiples
// of the window since the epoch. The first deploy needs about 13 Hub requests per Space (create,
// commit, settings, hardware, and the polls until RUNNING), over six windows' worth, so the
// controller has to pace itself: a single request over the budget would be a 429 in the
// emulator's stats. The test then measures the steady state in Hub requests
// per Space per pass (a pass of every deployment is one interval), once without Hub webhooks and
// once with them (the controller restarted with SPACEPORT_HUB_WEBHOOK_SECRET set), where Space
// variables and secrets are read only every 6th pass.
//
// The figures are printed as `[scale]` lines:
//   build/tests/e2e_tests --gtest_filter='RunScale.*'
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

constexpr int kDeployments = 200;
constexpr int kSpaces = 500;  // deployments with an even index name 2 Spaces, odd ones 3
constexpr int kDeploymentFiles = 10;
constexpr int kImageRepositories = 5;  // ghcr.io/acme/app (seeded by E2eTest) and app-1 … app-4
constexpr int kIntervalSeconds = 10;
// The budget: at 200 requests per second, the ~6,500 requests of the first deploy take at least
// 32 s, and the steady state (at most 3 × 500 requests per 10 s interval) fits.
constexpr int kBudget = 1000;
constexpr int kWindowSeconds = 5;
constexpr int kSettingsRefresh = 6;  // the controller's default with Hub webhooks
// Generous for a loaded 2-core machine; a pass of everything takes a few seconds. The passes
// limit bounds liveness only (the figures are per pass actually made). The steady state fits the
// budget, so the schedule must not stretch it: each phase checks /api/v1/budget says stretch 1.
// (It did stretch when a pass's cost was the shared client's total, which counted every worker's
// requests: the webhook phase then made 5.7 of its 6 passes per deployment in 120 s; 56 s now.)
constexpr std::chrono::seconds kConvergeLimit{200};
constexpr std::chrono::seconds kPassesLimit{300};

std::string Numbered(int n) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%03d", n);
  return digits;
}

std::vector<std::string> SpaceIds(int deployment) {
  std::vector<std::string> ids;
  for (int s = 0; s < (deployment % 2 == 0 ? 2 : 3); ++s)
    ids.push_back("acme/scale-" + Numbered(deployment) + "-" + std::to_string(s));
  return ids;
}

std::string Repository(int deployment) {
  const int r = deployment % kImageRepositories;
  return r == 0 ? "ghcr.io/acme/app" : "ghcr.io/acme/app-" + std::to_string(r);
}

std::string ScaleDeployment(int deployment) {
  std::string spaces;
  for (const std::string& id : SpaceIds(deployment)) spaces += DemoSpaceEntry(id);
  return Fill(R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata:
  name: d-{{N}}
  namespace: scale
spec:
  interval: {{INTERVAL}}s
  image:
    repository: {{REPOSITORY}}
    version: v1.0.0
  spaces:
{{SPACES}})",
              {{"N", Numbered(deployment)},
               {"INTERVAL", std::to_string(kIntervalSeconds)},
               {"REPOSITORY", Repository(deployment)},
               {"SPACES", spaces}});
}

// What the Hub was asked during a number of passes.
struct SteadyState {
  int64_t requests = 0;
  double passes = 0;  // reconciles of any deployment
  std::map<std::string, int64_t> writes;
  std::string routes;

  // Passes per deployment: each deployment is reconciled once per interval.
  double intervals() const { return passes / kDeployments; }
  double PerSpacePerInterval() const { return requests / (kSpaces * intervals()); }
  std::string Describe() const {
    char line[160];
    std::snprintf(line, sizeof line,
                  "%.2f Hub requests per Space per interval (%lld requests, %d Spaces, %lld passes "
                  "= %.2f per deployment)",
                  PerSpacePerInterval(), static_cast<long long>(requests), kSpaces,
                  static_cast<long long>(passes), intervals());
    return line;
  }
};

class RunScale : public RunTest {
 protected:
  RunScale() {
    hub_options_.budget = std::to_string(kBudget);
    hub_options_.window_seconds = std::to_string(kWindowSeconds);
    hub_options_.build_seconds = "0.2";
    hub_options_.start_seconds = "0.2";
  }

  void SetUp() override {
    RunTest::SetUp();
    if (HasFatalFailure()) return;
    // The same budget for the controller, so it paces itself instead of meeting 429s. The
    // registry is on loopback: its default rate (20 requests per second) would make it, not the
    // Hub, what paces 200 deployments that each look at two tags every 10 s.
    std::string config = ControllerConfig();
    for (const auto& [line, addition] : std::vector<std::pair<std::string, std::string>>{
             {"    insecure: true\n", "    rateLimit: {requestsPerSecond: 400, burst: 400}\n"},
             {"  tokenFromEnv: HF_TOKEN_E2E\n", "  budget: {requests: " + std::to_string(kBudget) +
                                                   ", windowSeconds: " +
                                                   std::to_string(kWindowSeconds) + "}\n"}}) {
      const size_t at = config.find(line);
      ASSERT_NE(at, std::string::npos) << config;
      config.insert(at + line.size(), addition);
    }
    ASSERT_TRUE(support::WriteFile(config_, config));

    support::ImageSeeder seeder(dir_.path() / "seed-scale");
    support::ImageSpec small;
    small.layer_bytes = 4096;
    for (int r = 1; r < kImageRepositories; ++r) {
      auto pushed = seeder.Push(*registry_, "acme/app-" + std::to_string(r), "v1.0.0", small);
      ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
    }

    desired_ = dir_.path() / "desired";
    for (int file = 0; file < kDeploymentFiles; ++file) {
      std::string yaml;
      for (int d = file; d < kDeployments; d += kDeploymentFiles)
        yaml += (yaml.empty() ? "" : "---\n") + ScaleDeployment(d);
      ASSERT_TRUE(support::WriteFile(desired_ / ("deployments-" + Numbered(file) + ".yaml"), yaml));
    }
  }

  // `spaceport run` on the 200 deployments, with the Hub webhook secret set or not.
  void StartScaleController(bool hub_webhooks) {
    if (hub_webhooks) {
      setenv("SPACEPORT_HUB_WEBHOOK_SECRET", kHubWebhookSecret, 1);
    } else {
      unsetenv("SPACEPORT_HUB_WEBHOOK_SECRET");
    }
    const auto log = dir_.path() / ("run-" + std::to_string(++starts_) + ".log");
    logs_.push_back(log);
    auto started = ControllerProcess::Start({"run", desired_.string(), "--config", config_.string(),
                                             "--concurrency", "8", "--progress-poll", "1s"},
                                            log);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    controller_ = std::move(*started);
  }

  // Deployments whose status says Ready True, from /api/v1/status; -1 when it did not answer
  // (a busy controller may be slow to; the caller polls).
  int ReadyDeployments() {
    Result<http::Response> r = controller_->Get("/api/v1/status");
    if (!r.ok() || r->status != 200) return -1;
    Result<Json> list = Json::Parse(r->body);
    if (!list.ok()) return -1;
    const Json* items = list->Find("items");
    if (items == nullptr || !items->is_array()) return -1;
    int ready = 0;
    for (size_t i = 0; i < items->size(); ++i) {
      const Json* condition = FindStatusCondition(items->At(i), "Ready");
      ready += condition != nullptr && condition->GetString("status") == "True";
    }
    return ready;
  }

  // For a failure message: each deployment that is not Ready, with its reason, and the build log
  // of each of its Spaces that is not RUNNING (the emulator says why a build failed there).
  std::string NotReady() {
    Result<http::Response> r = controller_->Get("/api/v1/status");
    if (!r.ok() || r->status != 200) return "(no /api/v1/status)";
    Result<Json> list = Json::Parse(r->body);
    const Json* items = list.ok() ? list->Find("items") : nullptr;
    if (items == nullptr || !items->is_array()) return "(no items in /api/v1/status)";
    std::string out;
    auto transport = http::MakeTransport({});
    for (size_t i = 0; i < items->size(); ++i) {
      const Json& status = items->At(i);
      const Json* ready = FindStatusCondition(status, "Ready");
      if (ready != nullptr && ready->GetString("status") == "True") continue;
      out += status.GetString("key") + ": " +
             (ready ? ready->GetString("reason") + ": " + ready->GetString("message")
                    : "no Ready condition") +
             "\n";
      const Json* spaces = status.Find("spaces");
      for (size_t j = 0; spaces != nullptr && j < spaces->size(); ++j) {
        const std::string id = spaces->At(j).GetString("space");
        if (RuntimeStage(SpaceState(id)) == "RUNNING") continue;
        http::Request logs;
        logs.url = hub_->base_url() + "/api/spaces/" + id + "/logs/build";
        logs.headers.Add("Authorization", std::string("Bearer ") + kHubToken);
        Result<http::Response> log = transport->Send(logs);
        out += "  " + id + " build log:\n" + (log.ok() ? log->body : log.status().ToString());
      }
    }
    return out;
  }

  // Reconciles of any result since the controller started.
  double Passes() {
    double total = 0;
    for (const auto& sample : Metrics().Samples("controller_runtime_reconcile_total"))
      total += sample.value;
    return total;
  }

  // The Hub's stretch in a /api/v1/budget answer; -1 when there is none.
  static double HubStretch(const Result<http::Response>& budget) {
    if (!budget.ok() || budget->status != 200) return -1;
    Result<Json> doc = Json::Parse(budget->body);
    const Json* apis = doc.ok() ? doc->Find("apis") : nullptr;
    for (size_t i = 0; apis != nullptr && apis->is_array() && i < apis->size(); ++i)
      if (apis->At(i).GetString("api") == "hub") {
        const Json* stretch = apis->At(i).Find("stretch");
        return stretch != nullptr ? stretch->AsDouble().value_or(-1) : -1;
      }
    return -1;
  }

  // Hub requests from now until every deployment was reconciled `intervals` more times.
  SteadyState Measure(int intervals, double passes_before) {
    SteadyState out;
    const double target = passes_before + intervals * kDeployments;
    double passes = passes_before;
    const auto started = std::chrono::steady_clock::now();
    const bool done = WaitUntil([&] { return (passes = Passes()) >= target; }, kPassesLimit);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // How the controller scheduled them: the budget's stretch is why a phase may take longer than
    // its intervals (docs/scaling.md#budget-scheduling).
    Result<http::Response> budget = controller_->Get("/api/v1/budget");
    std::cout << "[scale] " << passes - passes_before << " passes in " << took << " s; /api/v1/budget: "
              << (budget.ok() ? budget->body : budget.status().ToString()) << "\n";
    EXPECT_EQ(HubStretch(budget), 1.0) << "the steady state fits the budget, yet the schedule stretched it";
    const Json stats = Stats();
    EXPECT_TRUE(done) << "only " << passes - passes_before << " of " << target - passes_before
                      << " passes within " << kPassesLimit.count() << " s";
    out.requests = TotalRequests(stats);
    out.passes = passes - passes_before;
    out.writes = WriteRequests(stats);
    out.routes = RouteBreakdown(stats);
    return out;
  }

  // Every caller's budget buckets from /__emulator/stats, checked: nothing refused, no window over
  // its quota. Returns the largest count in one window of the `api` bucket.
  int64_t CheckBudget(const Json& stats) {
    int64_t max_api = -1;
    const Json* callers = Member(stats, {"budget", "callers"});
    EXPECT_NE(callers, nullptr) << stats.Dump();
    if (callers == nullptr) return max_api;
    for (const auto& [caller, buckets] : callers->Members()) {
      for (const auto& [bucket, counts] : buckets.Members()) {
        auto count = [&counts](std::string_view name) -> int64_t {
          const Json* n = counts.Find(name);
          return n ? n->AsInt().value_or(-1) : -1;
        };
        const int64_t quota = count("quota");
        const int64_t max_used = count("max_used_in_any_window");
        const int64_t refused = count("refused");
        std::cout << "[scale] budget " << caller << "/" << bucket << ": at most " << max_used
                  << " of " << quota << " per " << kWindowSeconds << " s window, "
                  << count("admitted") << " admitted, " << refused << " refused\n";
        EXPECT_LE(max_used, quota) << caller << "/" << bucket;
        EXPECT_EQ(refused, 0) << caller << "/" << bucket
                              << ": the controller sent more than the budget in a window";
        if (bucket == "api") max_api = std::max(max_api, max_used);
      }
    }
    return max_api;
  }

  std::filesystem::path desired_;
};

TEST_F(RunScale, TwoHundredDeploymentsConvergeWithinTheHubBudgetAndCostFewRequestsPerSpace) {
  ASSERT_NO_FATAL_FAILURE(StartScaleController(/*hub_webhooks=*/false));
  const auto started = std::chrono::steady_clock::now();
  int ready = 0;
  const bool converged =
      WaitUntil([&] { return (ready = ReadyDeployments()) == kDeployments; }, kConvergeLimit);
  const double converge_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(converged) << ready << " of " << kDeployments << " deployments Ready after "
                         << kConvergeLimit.count() << " s\n"
                         << NotReady();
  const Json first_deploy = Stats();
  std::cout << "[scale] converged: " << kDeployments << " deployments, " << kSpaces
            << " Spaces Ready in " << static_cast<int>(converge_seconds) << " s with "
            << TotalRequests(first_deploy) << " Hub requests\n";

  // Every Space runs, as the emulator sees it.
  int running = 0;
  for (int d = 0; d < kDeployments; ++d)
    for (const std::string& id : SpaceIds(d)) {
      const std::string stage = RuntimeStage(SpaceState(id));
      EXPECT_EQ(stage, "RUNNING") << id;
      running += stage == "RUNNING";
    }
  EXPECT_EQ(running, kSpaces);

  // The budget bound the first deploy (a window was full) and was never exceeded.
  const int64_t max_api = CheckBudget(first_deploy);
  EXPECT_GE(max_api, kBudget * 9 / 10) << "the budget never limited the first deploy";

  // Steady state without Hub webhooks: info, variables and secrets per Space and pass, so exactly
  // 3.00 when the counts are read at pass boundaries; the reset and the last pass count are read
  // a moment apart from the emulator's count, which may add a pass's few requests.
  ResetStats();
  const SteadyState polling = Measure(2, Passes());
  std::cout << "[scale] steady state: " << polling.Describe() << "\n" << polling.routes;
  EXPECT_LE(polling.PerSpacePerInterval(), 3.05) << polling.routes;
  EXPECT_TRUE(polling.writes.empty()) << "the steady state wrote to the Hub:\n" << polling.routes;

  // With Hub webhooks the settings are read on the first pass after the start and then every
  // 6th: six passes from the restart are one whole cycle.
  ASSERT_EQ(StopController(), 0);
  ResetStats();
  ASSERT_NO_FATAL_FAILURE(StartScaleController(/*hub_webhooks=*/true));
  const SteadyState webhooks = Measure(kSettingsRefresh, 0);
  std::cout << "[scale] steady state with Hub webhooks: " << webhooks.Describe() << "\n"
            << webhooks.routes;
  EXPECT_LE(webhooks.PerSpacePerInterval(), 1.6) << webhooks.routes;
  EXPECT_LT(webhooks.PerSpacePerInterval(), polling.PerSpacePerInterval() / 2);
  EXPECT_TRUE(webhooks.writes.empty()) << "the steady state wrote to the Hub:\n" << webhooks.routes;
  EXPECT_EQ(ReadyDeployments(), kDeployments);

  CheckBudget(Stats());
}

}  // namespace
}  // namespace spaceport::e2e
