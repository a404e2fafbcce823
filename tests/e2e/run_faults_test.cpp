// `spaceport run` under injected faults (issue 13, "A fault-injection proxy for every upstream"):
// a support::FaultProxy in front of each upstream — the registry, the hub-emulator and the
// github-emulator — with the controller configured to reach them only through the proxies.
//
// The fleet (namespace "faults"): alpha (two Spaces, v1.0.0), beta (one Space, v1.0.0) and gamma
// (one Space, v2.0.0, which is not in the registry and is built by a githubActions workflow run),
// all `create: true` with a variable, a secret from the environment, hardware and sleep time,
// spec.interval 5s. Phase 1: everything converges from nothing. Phase 2: an edit (alpha's
// LOG_LEVEL), a new version (beta v1.1.0) and a hand-made drift (gamma's hardware changed on the
// Hub by hand); everything converges again.
//
// ConvergesUnderFaults runs that scenario once per seed: seed 0 with no faults (the requests the
// scenario needs, and its converge time) and seeds 1-3 with 30% of the requests on every upstream
// at once meeting a fault (all kinds evenly: 500/502/503, 429 with Retry-After in both forms,
// resets before and after the headers, stalls, half bodies, truncation, latency). Checked: every
// deployment converges; the controller never exits; no Space has two Spaceport commits for one
// version and exactly one workflow run (and one build) happened; the Hub emulator never refused a
// request for budget and the requests that reached the Hub proxy, retries included, stay within
// the controller's Hub budget; no secret in the log. Printed per seed: requests per upstream
// (sent through the proxy; the seed-0 entry is what the scenario needs), the decisions by kind,
// converge times, workqueue retries. SPACEPORT_FAULT_SEED=N runs one more seed by hand.
//
// HubDownForAMinuteIsNotAHotLoopAndTheStatusSaysSo: after the fleet converged with no faults, the
// Hub answers 503 to everything for 60 s while alpha has an edit to make: the requests per 20 s
// to the Hub fall (backoff) and stay below a bound per minute (the issue's 5 minutes: the bound per
// minute holds for any length, since --backoff-max caps the delay), workqueue_retries_total
// grows, /api/v1/status's `upstreams` says the Hub is Failing since the outage began; once the Hub
// is back the edit lands and the Hub is Ok again.
//
// AHubStalledForOneSpaceDoesNotHoldUpTheOthers: every Hub request naming acme/faults-slow
// stalls (accepted, never answered); the other deployments converge within the no-fault bound,
// and the stalled one's pass ends with an error once its request deadline passes instead of
// holding a worker forever.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "e2e/build_fixture.h"
#include "e2e/controller_process.h"
#include "e2e/run_fixture.h"
#include "support/fault_proxy.h"

namespace spaceport::e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr char kNamespace[] = "faults";
constexpr int64_t kHubBudget = 1000;  // the Hub's default for a free user, per 300 s
constexpr seconds kConvergeLimit{75};
// Under 30% faults on every upstream a pass rarely ends without an error, so a deployment's
// retry delay doubles pass after pass; --backoff-max 8s (what an operator on a flaky network
// would set) keeps it from reaching minutes, and each phase gets a longer limit.
constexpr seconds kFaultyConvergeLimit{150};

struct FaultSpace {
  std::string id;
  std::string hardware = "cpu-basic";
};
struct FaultDeployment {
  std::string name;
  std::string version;
  bool github_build = false;
  std::string log_level = "info";
  std::vector<FaultSpace> spaces;
};

std::vector<FaultDeployment> Fleet(int phase) {
  return {
      {"alpha", "v1.0.0", false, phase == 1 ? "info" : "debug",
       {{"acme/faults-alpha-1"}, {"acme/faults-alpha-2"}}},
      {"beta", phase == 1 ? "v1.0.0" : "v1.1.0", false, "info", {{"acme/faults-beta"}}},
      {"gamma", "v2.0.0", true, "info", {{"acme/faults-gamma"}}},
  };
}

std::string Yaml(const FaultDeployment& d, const std::string& interval = "5s") {
  std::string yaml = "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: " +
                     d.name + "\n  namespace: " + kNamespace + "\nspec:\n  interval: " + interval +
                     "\n  image:\n    repository: ghcr.io/acme/app\n    version: " + d.version + "\n";
  if (d.github_build) yaml += GithubBuild();
  yaml += "  spaces:\n";
  for (const FaultSpace& s : d.spaces)
    yaml += "    - id: " + s.id + "\n      create: true\n      hardware: " + s.hardware +
            "\n      sleepTimeSeconds: 3600\n      variables:\n        LOG_LEVEL: " + d.log_level +
            "\n      secrets:\n        API_KEY:\n          fromEnv: DEMO_API_KEY\n";
  yaml += "  driftPolicy: correct\n";
  return yaml;
}

double Seconds(steady_clock::time_point since) {
  return std::chrono::duration<double>(steady_clock::now() - since).count();
}

class FaultsWorld : public BuildE2eTest {
 protected:
  void SetUp() override {
    BuildE2eTest::SetUp();
    if (HasFatalFailure()) return;
    support::ImageSeeder seeder(dir_.path() / "seed-v1.1.0");
    support::ImageSpec spec;
    spec.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "APP_VERSION=v1.1.0"};
    auto seeded = seeder.Push(*registry_, "acme/app", "v1.1.0", spec);
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    StartGithub(WriteBuildScript("push.sh", BuildScript::Push("INPUT_VERSION")));
    if (HasFatalFailure()) return;
  }

  void TearDown() override {
    if (HasFailure() && controller_)
      std::cerr << "--- spaceport run log tail ---\n" << Tail(controller_->Log(), 80);
    controller_.reset();
    for (auto& [name, proxy] : proxies_) proxy->Stop();
    BuildE2eTest::TearDown();
  }

  // A proxy in front of each upstream, seeded apart (seed, seed+1, seed+2) with `faults`, and
  // the config and environment pointing the controller at the proxies only.
  void StartProxies(uint64_t seed, const std::string& faults) {
    const std::map<std::string, std::string> upstreams = {
        {"registry", registry_->endpoint()}, {"hub", hub_->base_url()}, {"github", github_->base_url()}};
    uint64_t offset = 0;
    for (const auto& [name, url] : upstreams) {
      support::FaultProxy::Options o;
      o.name = name;
      o.upstream = url;
      o.seed = seed + offset++;
      auto rates = support::ParseFaultRates(faults);
      ASSERT_TRUE(rates.ok()) << rates.status().ToString();
      o.rates = *rates;
      o.latency = std::chrono::milliseconds(300);
      o.retry_after_seconds = 1;
      o.on_decision = [this, name](const support::FaultDecision& d) {
        if (d.kind == support::FaultKind::kPass) return;
        std::lock_guard<std::mutex> lock(log_mu_);
        fault_log_ += d.ToString(name) + "\n";
      };
      auto proxy = support::FaultProxy::Start(o);
      ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
      proxies_[name] = std::move(*proxy);
    }
    std::string config = ControllerConfig();
    auto replace = [&](const std::string& from, const std::string& to) {
      const size_t at = config.find(from);
      ASSERT_NE(at, std::string::npos) << from << " not in\n" << config;
      config.replace(at, from.size(), to);
    };
    replace("endpoint: " + registry_->endpoint(), "endpoint: " + proxies_["registry"]->base_url());
    replace("endpoint: " + hub_->base_url(), "endpoint: " + proxies_["hub"]->base_url());
    const std::string token_line = "  tokenFromEnv: HF_TOKEN_E2E\n";
    replace(token_line, token_line + "  budget: {requests: " + std::to_string(kHubBudget) +
                            ", windowSeconds: 300}\n");
    // A stalled request frees its worker after 5 s (the default 30 s would let a few stalls
    // hold every worker for most of the converge limit).
    config += "requestTimeout: 5s\n";
    ASSERT_TRUE(support::WriteFile(config_, config));
    // `spaceport run` inherits this process's environment (ctest runs each test on its own).
    setenv("HOME", (dir_.path() / "home").c_str(), 1);
    setenv("HF_TOKEN_E2E", kHubToken, 1);
    setenv("DEMO_API_KEY", kSecretValue, 1);
    setenv("GITHUB_TOKEN", kGithubToken, 1);
    setenv("GITHUB_API_URL", proxies_["github"]->base_url().c_str(), 1);
    unsetenv("HF_TOKEN");
  }

  void WriteFleet(int phase) {
    for (const FaultDeployment& d : Fleet(phase))
      ASSERT_TRUE(support::WriteFile(dir_.path() / "desired" / (d.name + ".yaml"), Yaml(d)));
  }

  void StartController(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"run", (dir_.path() / "desired").string(), "--config",
                                     config_.string(), "--concurrency", "4", "--progress-poll",
                                     "300ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto c = ControllerProcess::Start(args, dir_.path() / "run.log");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    controller_ = std::move(*c);
  }

  Json StatusList() {
    auto r = controller_->Get("/api/v1/status");
    if (!r.ok() || r->status != 200) return Json();
    Result<Json> doc = Json::Parse(r->body);
    return doc.ok() ? *doc : Json();
  }

  // Ready True in /api/v1/status for every deployment of `names`.
  bool Ready(const std::set<std::string>& names) {
    const Json doc = StatusList();
    const Json* items = doc.Find("items");
    int ready = 0;
    for (size_t i = 0; items && i < items->size(); ++i) {
      const Json& item = items->At(i);
      const std::string key = item.GetString("key");
      const std::string prefix = std::string(kNamespace) + "/";
      if (key.rfind(prefix, 0) != 0 || names.count(key.substr(prefix.size())) == 0) continue;
      const Json* cond = FindStatusCondition(item, "Ready");
      ready += cond && cond->GetString("status") == "True";
    }
    return ready == static_cast<int>(names.size());
  }

  // Every Space of `phase` as the fleet asks: RUNNING the wrapper of its version pinned by
  // digest, LOG_LEVEL, hardware.
  bool WorldIs(int phase, std::string* why = nullptr) {
    for (const FaultDeployment& d : Fleet(phase)) {
      for (const FaultSpace& s : d.spaces) {
        if (!SpaceExists(s.id)) {
          if (why) *why = s.id + " does not exist";
          return false;
        }
        const Json space = SpaceState(s.id);
        const std::string from = DockerfileFrom(space);
        const std::string want = std::string(kRepository) + ":hf-amd64-" + d.version + "@";
        const std::string hardware = Field(space, {"runtime", "hardware", "requested"}) == "null"
                                         ? Field(space, {"runtime", "hardware", "current"})
                                         : Field(space, {"runtime", "hardware", "requested"});
        if (RuntimeStage(space) != "RUNNING" || from.rfind(want, 0) != 0 ||
            Field(space, {"variables", "LOG_LEVEL", "value"}) != d.log_level || hardware != s.hardware) {
          if (why)
            *why = s.id + ": stage " + RuntimeStage(space) + ", FROM " + from + ", LOG_LEVEL " +
                   Field(space, {"variables", "LOG_LEVEL", "value"}) + ", hardware " + hardware;
          return false;
        }
      }
    }
    return true;
  }

  bool WaitConvergedTo(int phase, seconds limit) {
    return WaitFor([&] { return WorldIs(phase) && Ready({"alpha", "beta", "gamma"}); }, limit);
  }

  // Spaceport's commits on a Space by title, read from the Hub emulator directly.
  std::map<std::string, int> SpaceportCommits(const std::string& space) {
    std::map<std::string, int> out;
    http::Request request;
    request.url = hub_->base_url() + "/api/spaces/" + space + "/commits/main";
    request.headers.Add("Authorization", std::string("Bearer ") + kHubToken);
    auto response = http::MakeTransport({})->Send(request);
    EXPECT_TRUE(response.ok() && response->status == 200);
    if (!response.ok()) return out;
    Result<Json> list = Json::Parse(response->body);
    for (size_t i = 0; list.ok() && i < list->size(); ++i)
      if (list->At(i).GetString("message").find("Deployed by Spaceport") != std::string::npos)
        ++out[list->At(i).GetString("title")];
    return out;
  }

  double Metric(const std::string& sample, const support::PrometheusLabels& labels = {}) {
    auto r = controller_->Get("/metrics");
    if (!r.ok()) return -1;
    auto parsed = support::ParsePrometheusText(r->body);
    if (!parsed.ok()) return -1;
    return parsed->Value(sample, labels).value_or(0);
  }

  // The Hub emulator's budget refusals (429 for a spent window) and the most admitted in one window.
  std::pair<int64_t, int64_t> HubBudgetUse() {
    const Json stats = Stats();
    int64_t refused = 0, max_used = 0;
    const Json* callers = Member(stats, {"budget", "callers"});
    if (callers == nullptr) return {0, 0};
    for (const auto& [caller, buckets] : callers->Members()) {
      for (const auto& [bucket, b] : buckets.Members()) {
        refused += b.Find("refused") ? b.Find("refused")->AsInt().value_or(0) : 0;
        max_used = std::max<int64_t>(max_used, b.Find("max_used_in_any_window")
                                                   ? b.Find("max_used_in_any_window")->AsInt().value_or(0)
                                                   : 0);
      }
    }
    return {refused, max_used};
  }

  std::map<std::string, std::unique_ptr<support::FaultProxy>> proxies_;
  std::unique_ptr<ControllerProcess> controller_;
  std::mutex log_mu_;
  std::string fault_log_;
};

// --- 30% faults on every upstream, per seed -------------------------------------------------

class RunFaults : public FaultsWorld, public ::testing::WithParamInterface<uint64_t> {};

TEST_P(RunFaults, ConvergesUnderFaults) {
  uint64_t seed = GetParam();
  if (const char* by_hand = std::getenv("SPACEPORT_FAULT_SEED"); by_hand && seed != 0)
    seed = std::strtoull(by_hand, nullptr, 10);  // replays or explores another seed
  const std::string faults = seed == 0 ? "" : "all=0.3";
  std::cout << "fault seed " << seed << " (" << (faults.empty() ? "no faults" : faults)
            << " on the registry, the Hub and GitHub)\n";
  RecordProperty("seed", static_cast<int>(seed));
  ASSERT_NO_FATAL_FAILURE(StartProxies(seed, faults));
  ASSERT_NO_FATAL_FAILURE(WriteFleet(1));

  const auto start = steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(StartController({"--backoff-max", "8s"}));
  const seconds limit = faults.empty() ? kConvergeLimit : kFaultyConvergeLimit;
  std::string why;
  const bool first = WaitConvergedTo(1, limit);
  const double first_seconds = Seconds(start);
  WorldIs(1, &why);
  ASSERT_TRUE(first) << "phase 1 did not converge in " << limit.count() << " s: " << why
                     << "\n" << StatusList().Dump() << "\n--- faults met ---\n" << Tail(fault_log_, 40);

  // Phase 2: an edit, a new version and a hand-made drift.
  const auto second_start = steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(WriteFleet(2));
  Result<Json> drift = hub_->Control("POST", "/__emulator/spaces/acme/faults-gamma/hardware",
                                     R"({"flavor":"cpu-upgrade"})");
  ASSERT_TRUE(drift.ok()) << drift.status().ToString();
  const bool second = WaitConvergedTo(2, limit);
  const double second_seconds = Seconds(second_start);
  WorldIs(2, &why);
  ASSERT_TRUE(second) << "phase 2 did not converge in " << limit.count() << " s: " << why
                      << "\n" << StatusList().Dump() << "\n--- faults met ---\n" << Tail(fault_log_, 40);

  // 0 crashes: the one process ran throughout and stops cleanly.
  ASSERT_TRUE(controller_->Running()) << "the controller exited";
  const double retries = Metric("workqueue_retries_total", {{"name", "spacedeployment"}});
  const double errors = Metric("controller_runtime_reconcile_total",
                               {{"controller", "spacedeployment"}, {"result", "error"}});
  const std::string log = controller_->Log();
  EXPECT_EQ(controller_->Terminate(), 0);

  // Never a thing twice: one Spaceport commit per version per Space; one run, one build.
  for (const FaultDeployment& d : Fleet(2))
    for (const FaultSpace& s : d.spaces)
      for (const auto& [title, n] : SpaceportCommits(s.id))
        EXPECT_EQ(n, 1) << s.id << " committed twice: " << title;
  EXPECT_EQ(GithubRuns().size(), 1u) << GithubRuns().Dump();
  EXPECT_EQ(CountLines(Counter()), 1) << "the build ran more than once";

  // Budgets, retries included: what reached the Hub proxy (every attempt) fits the controller's
  // budget, and the Hub never refused a request for its window being spent.
  const auto [refused, max_used] = HubBudgetUse();
  EXPECT_EQ(refused, 0) << "the Hub emulator refused requests for budget";
  EXPECT_LE(proxies_["hub"]->requests(), kHubBudget);
  EXPECT_EQ(log.find(kSecretValue), std::string::npos) << "the secret was logged";
  EXPECT_EQ(log.find(kGithubToken), std::string::npos) << "the GitHub token was logged";

  std::cout << "seed " << seed << ": phase 1 converged in " << first_seconds << " s, phase 2 in "
            << second_seconds << " s; workqueue retries " << retries << ", passes ended in error "
            << errors << "; Hub max admitted in a window " << max_used << " of " << kHubBudget << "\n";
  for (const auto& [name, proxy] : proxies_) {
    std::cout << "  " << name << ": " << proxy->requests() << " requests through the proxy;";
    for (const auto& [kind, n] : proxy->CountsByKind()) std::cout << " " << kind << " " << n;
    std::cout << "\n";
    RecordProperty(name + "_requests", static_cast<int>(proxy->requests()));
  }
  RecordProperty("phase1_ms", static_cast<int>(first_seconds * 1000));
  RecordProperty("phase2_ms", static_cast<int>(second_seconds * 1000));
  if (std::getenv("SPACEPORT_E2E_VERBOSE")) std::cout << "--- faults met ---\n" << fault_log_;
}

// Seed 0: no faults, the baseline the others are compared with.
INSTANTIATE_TEST_SUITE_P(Seeds, RunFaults, ::testing::Values(0u, 1u, 2u, 3u),
                         [](const auto& p) {
                           return p.param == 0 ? std::string("NoFaults")
                                                  : "Seed" + std::to_string(p.param);
                         });

// --- the Hub down for a minute ----------------------------------------------------------------

class HubDown : public FaultsWorld {};

TEST_F(HubDown, HubDownForAMinuteIsNotAHotLoopAndTheStatusSaysSo) {
  ASSERT_NO_FATAL_FAILURE(StartProxies(1, ""));
  ASSERT_NO_FATAL_FAILURE(WriteFleet(1));
  ASSERT_NO_FATAL_FAILURE(StartController({"--backoff-max", "15s"}));
  ASSERT_TRUE(WaitConvergedTo(1, kConvergeLimit)) << StatusList().Dump();
  support::FaultProxy& hub = *proxies_["hub"];
  const std::string hub_host = hub.endpoint();

  // Down: every Hub request gets 503, while alpha has an edit to make.
  const double retries_before = Metric("workqueue_retries_total", {{"name", "spacedeployment"}});
  const auto down_at = std::chrono::system_clock::now();
  hub.SetForced(support::FaultKind::kStatus503);
  FaultDeployment alpha = Fleet(2)[0];
  ASSERT_TRUE(support::WriteFile(dir_.path() / "desired" / "alpha.yaml", Yaml(alpha)));
  const int64_t at_down = hub.requests();
  std::vector<int64_t> per_slice;  // Hub requests per 20 s of the outage
  std::string failing_since;
  std::string states;  // the Hub's state at each look: O(k), F(ailing), ...
  int unanswered = 0;  // looks at /api/v1/status that got no answer
  for (int slice = 0; slice < 3; ++slice) {
    const int64_t before = hub.requests();
    const auto until = steady_clock::now() + seconds(20);
    while (steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      const Json status = StatusList();  // kept: Find points into it
      const Json* upstreams = status.Find("upstreams");
      if (upstreams == nullptr) ++unanswered;
      for (size_t i = 0; upstreams && i < upstreams->size(); ++i)
        if (upstreams->At(i).GetString("host") == hub_host) {
          states += upstreams->At(i).GetString("state").substr(0, 1);
          if (upstreams->At(i).GetString("state") == "Failing")
            failing_since = upstreams->At(i).GetString("since");
        }
    }
    per_slice.push_back(hub.requests() - before);
  }
  const int64_t during = hub.requests() - at_down;
  const double retries_down = Metric("workqueue_retries_total", {{"name", "spacedeployment"}}) - retries_before;
  const std::string status_down = StatusList().Dump();

  // Back up: the edit lands, the Hub is Ok again.
  hub.SetForced(std::nullopt);
  const auto up_at = steady_clock::now();
  std::string last_look;  // what the last look at recovery saw, for the failure message
  const bool recovered = WaitFor(
      [&] {
        const Json status = StatusList();  // kept: Find points into it
        const Json* upstreams = status.Find("upstreams");
        bool ok = false;
        for (size_t i = 0; upstreams && i < upstreams->size(); ++i)
          ok = ok || (upstreams->At(i).GetString("host") == hub_host &&
                      upstreams->At(i).GetString("state") == "Ok");
        bool edited = true;  // only alpha changed (phase 2's LOG_LEVEL); beta and gamma stay
        std::string levels;
        for (const FaultSpace& space : alpha.spaces) {
          const std::string level = Field(SpaceState(space.id), {"variables", "LOG_LEVEL", "value"});
          levels += " " + space.id + "=" + level;
          edited = edited && level == "debug";
        }
        const bool ready = Ready({"alpha"});
        last_look = std::string("Hub ") + (ok ? "Ok" : "not Ok") + ", alpha " +
                    (ready ? "Ready" : "not Ready") + ", LOG_LEVEL" + levels;
        return ok && edited && ready;
      },
      seconds(60));
  const double recover_seconds = Seconds(up_at);

  std::cout << "Hub down 60 s: " << during << " Hub requests (per 20 s: " << per_slice[0] << ", "
            << per_slice[1] << ", " << per_slice[2] << "), max per minute " << during
            << "; workqueue retries while down " << retries_down << "; failing since "
            << failing_since << "; Hub states seen " << states << ", " << unanswered << " looks unanswered; recovered " << recover_seconds << " s after the Hub came back\n";
  RecordProperty("hub_requests_while_down_60s", static_cast<int>(during));

  // Bounded: 3 deployments, each pass a handful of Hub requests with up to 4 attempts each, passes
  // at most every 15 s once the backoff reached its cap. A hot loop makes thousands.
  EXPECT_LE(during, 400) << "Hub requests in the minute it was down";
  EXPECT_LE(per_slice[2], per_slice[0]) << "the requests did not fall off while the Hub stayed down";
  EXPECT_GE(retries_down, 3) << "no backoff retries in workqueue_retries_total";
  ASSERT_FALSE(failing_since.empty()) << "the status never said the Hub was failing:\n" << status_down;
  auto since = ParseRfc3339(failing_since);
  ASSERT_TRUE(since.has_value()) << failing_since;
  EXPECT_LE(std::chrono::abs(*since - down_at), seconds(10)) << failing_since;
  EXPECT_TRUE(recovered) << "not recovered 60 s after the Hub came back: " << last_look << "\n" << StatusList().Dump();
  EXPECT_TRUE(controller_->Running());
}

// --- one Space's Hub requests stall -----------------------------------------------------------

TEST_F(HubDown, AHubStalledForOneSpaceDoesNotHoldUpTheOthers) {
  ASSERT_NO_FATAL_FAILURE(StartProxies(1, ""));
  // The slow deployment: its Space's requests (/api/spaces/acme/faults-slow/...) never get an
  // answer; creating it (POST /api/repos/create) does.
  proxies_["hub"]->SetStallPath("^/api/spaces/acme/faults-slow(/|$)");
  ASSERT_NO_FATAL_FAILURE(WriteFleet(1));
  FaultDeployment slow{"slow", "v1.0.0", false, "info", {{"acme/faults-slow"}}};
  ASSERT_TRUE(support::WriteFile(dir_.path() / "desired" / "slow.yaml", Yaml(slow)));
  const auto start = steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(StartController());
  const bool others = WaitConvergedTo(1, kConvergeLimit);
  const double others_seconds = Seconds(start);
  std::string why;
  WorldIs(1, &why);
  EXPECT_TRUE(others) << "the others did not converge while one Space stalled: " << why << "\n"
                      << StatusList().Dump();
  // The stalled pass ends (its request deadline, 30 s) instead of holding its worker forever.
  const bool ended = WaitFor(
      [&] {
        return Metric("controller_runtime_reconcile_total",
                      {{"controller", "spacedeployment"}, {"result", "error"}}) >= 1;
      },
      seconds(60));
  int stalled = 0;
  for (const support::FaultDecision& d : proxies_["hub"]->Decisions()) stalled += d.rule == "stall-path";
  std::cout << "one Space stalled: the others converged in " << others_seconds
            << " s; the stalled deployment's pass ended with an error after " << Seconds(start)
            << " s; " << stalled << " stalled request(s)\n";
  EXPECT_GE(stalled, 1) << "nothing was stalled: the rule did not match";
  EXPECT_TRUE(ended) << "the stalled deployment's pass never ended";
  EXPECT_TRUE(controller_->Running());
}

}  // namespace
}  // namespace spaceport::e2e
