// The Controller in process: sources → work queue → passes → statuses, requeues and budgets, on a
// FakeClock with no worker threads (concurrency 0: the test runs the ready passes itself), against
// the reconciler's world (tests/runtime/reconciler_world.h: a memory registry, the Hub emulator, a
// FakeBuilder). Each test states one rule of the controller; none sleeps, the suite runs in
// milliseconds of real time. The same rules through real processes are the e2e tests' business.
#include "runtime/controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "resolve/wrapper.h"
#include "runtime/http_api.h"
#include "runtime/memory_source.h"
#include "runtime/reconciler_world.h"

namespace spaceport::runtime {
namespace {

using testing::MemorySource;
using testing::ReconcilerWorld;
using testing::ServerErrors;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using std::chrono::minutes;
using std::chrono::seconds;

// A deployment team/NAME of ghcr.io/acme/app:VERSION on the Space acme/NAME, resynced every minute.
std::string Yaml(const std::string& name, const std::string& image_lines = "version: v1",
                 const std::string& space_lines = "") {
  return ReconcilerWorld::DeploymentYaml(image_lines, space_lines, "interval: 1m", name, "acme/" + name);
}

class ControllerTest : public ::testing::Test {
 protected:
  ControllerTest() { w.PushBase("v1"); }

  ControllerOptions Options() {
    ControllerOptions o;
    o.concurrency = 0;
    o.interval_jitter = 0;  // due times exact, so a table can state them
    o.log = [this](const std::string& line) { log.push_back(line); };
    o.on_reconciled = [this](const spec::SpaceDeployment& d, const ReconcileOutcome&, Clock::TimePoint next) {
      passes[d.Key()].push_back(w.clock.Now());
      requeues[d.Key()].push_back(std::chrono::duration_cast<Clock::Duration>(next - w.clock.Now()));
    };
    return o;
  }

  // A controller over `files` (the test keeps the MemorySource through `files`), started.
  std::unique_ptr<Controller> Start(ControllerOptions o) {
    auto source = std::make_unique<MemorySource>();
    for (const auto& [name, text] : documents) source->Set(name, text);
    files = source.get();
    std::vector<std::unique_ptr<Source>> sources;
    sources.push_back(std::move(source));
    auto c = std::make_unique<Controller>(w.world, std::move(sources), std::move(o), w.clock);
    Status s = c->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return c;
  }
  std::unique_ptr<Controller> Start() { return Start(Options()); }

  // Runs what is ready, then moves the clock to the next due key, for `span` of FakeClock time;
  // the keys that ran, in order.
  std::vector<std::string> RunFor(Controller& c, Clock::Duration span) {
    const Clock::TimePoint end = w.clock.Now() + span;
    auto until = [this](Clock::TimePoint t) { return std::chrono::duration_cast<Clock::Duration>(t - w.clock.Now()); };
    std::vector<std::string> ran;
    for (;;) {
      std::vector<std::string> now = c.RunReadyPasses();
      ran.insert(ran.end(), now.begin(), now.end());
      std::optional<Clock::TimePoint> next = c.queue().NextReadyAt();
      if (!next || *next > end) {
        w.Advance(until(end));
        return ran;
      }
      w.Advance(std::max<Clock::Duration>(until(*next), std::chrono::milliseconds(1)));
    }
  }

  static const DeploymentStatus* StatusOf(const std::vector<DeploymentStatus>& all, const std::string& key) {
    for (const DeploymentStatus& s : all)
      if (s.key == key) return &s;
    return nullptr;
  }
  static std::string Condition(const Controller& c, const std::string& key, const std::string& type,
                               std::string* reason = nullptr, std::string* message = nullptr) {
    const std::vector<DeploymentStatus> all = c.Statuses();
    const DeploymentStatus* s = StatusOf(all, key);
    const runtime::Condition* cond = s ? FindCondition(*s, type) : nullptr;
    if (cond == nullptr) return "<none>";
    if (reason) *reason = cond->reason;
    if (message) *message = cond->message;
    return cond->status;
  }
  static int Count(const std::vector<std::string>& ran, const std::string& key) {
    return static_cast<int>(std::count(ran.begin(), ran.end(), key));
  }
  bool Logged(const std::string& text) const {
    return std::any_of(log.begin(), log.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
  }

  ReconcilerWorld w;
  std::map<std::string, std::string> documents = {{"one.yaml", Yaml("one")}, {"two.yaml", Yaml("two")}};
  MemorySource* files = nullptr;
  std::vector<std::string> log;
  std::map<std::string, std::vector<Clock::TimePoint>> passes;  // by key, when each pass ended
  std::map<std::string, std::vector<Clock::Duration>> requeues;  // by key, each pass's "due again in"
};

// ---- The queue: when each deployment is reconciled again. ----

TEST_F(ControllerTest, EveryDeploymentIsReconciledAtStartAndThenOncePerInterval) {
  auto c = Start();
  EXPECT_THAT(c->RunReadyPasses(), ElementsAre("team/one", "team/two"));
  RunFor(*c, minutes(2));
  ASSERT_EQ(Condition(*c, "team/one", "Ready"), "True");
  ASSERT_EQ(Condition(*c, "team/two", "Ready"), "True");

  // Converged: each comes back exactly once per minute (jitter 0), never twice in one interval.
  const std::vector<std::string> ran = RunFor(*c, minutes(10));
  EXPECT_EQ(Count(ran, "team/one"), 10);
  EXPECT_EQ(Count(ran, "team/two"), 10);
  const std::vector<Clock::TimePoint>& one = passes["team/one"];
  for (size_t i = one.size() - 10; i < one.size(); ++i) EXPECT_EQ(one[i] - one[i - 1], minutes(1));
}

TEST_F(ControllerTest, ASpaceOnItsWayIsPolledEveryProgressPollNotEveryInterval) {
  auto c = Start();
  c->RunReadyPasses();  // the Spaces are created and start building (10 s) and starting (5 s)
  std::string reason;
  ASSERT_EQ(Condition(*c, "team/one", "Ready", &reason), "False");
  ASSERT_EQ(reason, "SpaceBuilding");
  ASSERT_TRUE(c->queue().NextReadyAt().has_value());
  EXPECT_EQ(*c->queue().NextReadyAt() - w.clock.Now(), seconds(5));  // progress_poll, not 1m
  RunFor(*c, seconds(30));
  EXPECT_EQ(Condition(*c, "team/one", "Ready"), "True");
  EXPECT_LE(passes["team/one"].size(), 5u) << "polled every 5 s until RUNNING, not more";
}

TEST_F(ControllerTest, AFailingDeploymentBacksOffDoublingWhileTheOthersKeepTheirInterval) {
  documents["broken.yaml"] = Yaml("broken");
  ASSERT_TRUE(w.emulator.AddFault(ServerErrors("^/api/spaces/acme/broken")).ok());
  auto c = Start();
  RunFor(*c, minutes(2));
  std::string reason;
  EXPECT_EQ(Condition(*c, "team/broken", "Ready", &reason), "False");
  EXPECT_EQ(reason, "HubError");
  EXPECT_EQ(Condition(*c, "team/one", "Ready"), "True");
  EXPECT_EQ(Condition(*c, "team/two", "Ready"), "True");

  // Requeued after 750 ms, 1.5 s, 3 s, ... (the options' backoff; each failing pass also spends
  // the Hub client's own retries), while the healthy ones come back once a minute.
  const std::vector<Clock::Duration>& broken = requeues["team/broken"];
  ASSERT_GE(broken.size(), 6u);
  Clock::Duration expected = std::chrono::milliseconds(750);
  for (size_t i = 0; i < 6; ++i, expected *= 2) EXPECT_EQ(broken[i], expected) << "retry " << i;
  EXPECT_EQ(requeues["team/one"].back(), minutes(1));
  EXPECT_LE(passes["team/one"].size(), 6u);
}

TEST_F(ControllerTest, UrgentWorkGoesBeforeRoutineResyncsDueAtTheSameTime) {
  auto c = Start();
  RunFor(*c, minutes(2));
  ASSERT_EQ(Condition(*c, "team/two", "Ready"), "True");
  // Both are due again at the same instant; a Hub webhook about acme/two makes it urgent.
  w.Advance(std::chrono::duration_cast<Clock::Duration>(*c->queue().NextReadyAt() - w.clock.Now()) + seconds(1));
  EXPECT_EQ(c->EnqueueSpace("acme/two", false), 1);
  EXPECT_THAT(c->RunReadyPasses(), ElementsAre("team/two", "team/one"));
}

TEST_F(ControllerTest, AWebhookReconcilesTheDeploymentsItNamesAtOnceAndNothingElse) {
  auto c = Start();
  RunFor(*c, minutes(2));
  EXPECT_EQ(c->EnqueueSpace("acme/one", false), 1);
  EXPECT_THAT(c->RunReadyPasses(), ElementsAre("team/one"));
  EXPECT_EQ(c->EnqueueImage("ghcr.io/acme/app"), 2);
  EXPECT_THAT(c->RunReadyPasses(), ElementsAre("team/one", "team/two"));
  EXPECT_EQ(c->EnqueueSpace("acme/nobody", false), 0);
  EXPECT_FALSE(c->Enqueue("team/nobody"));
  EXPECT_TRUE(c->RunReadyPasses().empty());
}

// ---- The registry: the deployments of one image share its tags' digests. ----

TEST_F(ControllerTest, TheDeploymentsOfOneImageHeadEachTagOncePerTagMaxAgeNotOncePerPass) {
  struct Case {
    const char* name;
    Clock::Duration tag_max_age;
    int passes_per_head;  // 10 deployments on a 1-minute interval, all due at the same instant
  };
  const Case cases[] = {{"no tag cache: a HEAD per tag and pass", seconds(0), 1},
                        {"30 s: one HEAD per tag and minute for all ten", seconds(30), 10}};
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    ReconcilerWorld world;
    world.PushBase("v1");
    auto source = std::make_unique<MemorySource>();
    for (int i = 0; i < 10; ++i) source->Set("d" + std::to_string(i) + ".yaml", Yaml("d" + std::to_string(i)));
    std::vector<std::unique_ptr<Source>> sources;
    sources.push_back(std::move(source));
    ControllerOptions o = Options();
    o.registry_tag_max_age = tc.tag_max_age;
    int ran = 0;
    o.on_reconciled = [&ran](const spec::SpaceDeployment&, const ReconcileOutcome&, Clock::TimePoint) { ++ran; };
    Controller c(world.world, std::move(sources), o, world.clock);
    ASSERT_TRUE(c.Start().ok());
    auto run_for = [&](Clock::Duration span) {
      const Clock::TimePoint end = world.clock.Now() + span;
      for (;;) {
        c.RunReadyPasses();
        std::optional<Clock::TimePoint> next = c.queue().NextReadyAt();
        if (!next || *next > end) break;
        world.Advance(std::max<Clock::Duration>(std::chrono::duration_cast<Clock::Duration>(*next - world.clock.Now()),
                                                std::chrono::milliseconds(1)));
      }
    };
    run_for(minutes(2));
    ASSERT_EQ(Condition(c, "team/d9", "Ready"), "True");
    std::map<std::string, int> heads;
    world.before_registry = [&heads](const http::Server::IncomingRequest& in) {
      const std::string prefix = "/v2/acme/app/manifests/";
      if (in.method == "HEAD" && in.path.rfind(prefix, 0) == 0) ++heads[in.path.substr(prefix.size())];
    };
    ran = 0;
    run_for(minutes(10));
    ASSERT_EQ(ran % 10, 0);
    ASSERT_GE(ran, 90);
    EXPECT_EQ(heads["v1"], ran / tc.passes_per_head);
    EXPECT_EQ(heads[resolve::WrapperTag("amd64", "v1")], ran / tc.passes_per_head);
    world.before_registry = nullptr;
    c.Stop();
  }
}

TEST_F(ControllerTest, ATagMovedUnderAFreshCacheIsReadAtOnceAfterAPackageWebhookAndWrappedOnce) {
  ControllerOptions o = Options();
  std::map<std::string, std::vector<plan::ActionKind>> acted;  // by key, the last pass's actions
  o.on_reconciled = [&acted](const spec::SpaceDeployment& d, const ReconcileOutcome& out, Clock::TimePoint) {
    acted[d.Key()].clear();
    for (const act::ActionOutcome& a : out.actions) acted[d.Key()].push_back(a.kind);
  };
  auto c = Start(o);
  RunFor(*c, minutes(2));
  ASSERT_EQ(Condition(*c, "team/two", "Ready"), "True");
  const std::string wrapper = "acme/app:" + resolve::WrapperTag("amd64", "v1");
  auto wrapper_pushes = [&] {
    const std::vector<std::string> pushed = w.registry.Pushed();
    return std::count(pushed.begin(), pushed.end(), wrapper);
  };
  ASSERT_EQ(wrapper_pushes(), 1);

  // Both resync at the same instant (the cache now holds both tags' digests, fresh), then v1 is
  // pushed again with new content and GitHub's package webhook comes.
  w.Advance(std::chrono::duration_cast<Clock::Duration>(*c->queue().NextReadyAt() - w.clock.Now()));
  ASSERT_THAT(c->RunReadyPasses(), ElementsAre("team/one", "team/two"));
  w.registry.PushImage("acme/app", "v1",
                       R"({"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin"]},"rootfs":{"type":"layers","diff_ids":[]}})");
  EXPECT_EQ(c->EnqueueImage("ghcr.io/acme/app"), 2);
  EXPECT_THAT(c->RunReadyPasses(), ElementsAre("team/one", "team/two"));
  // The first pass wraps the new base; the second reads the wrapper just pushed, not the digest
  // cached before the push, so it has nothing to publish.
  EXPECT_EQ(wrapper_pushes(), 2);
  EXPECT_THAT(acted["team/one"], ::testing::Contains(plan::ActionKind::kPublishWrapper));
  EXPECT_THAT(acted["team/two"], ::testing::Not(::testing::Contains(plan::ActionKind::kPublishWrapper)));
}

// ---- The desired state changes while the controller runs. ----

TEST_F(ControllerTest, AChangedSpecIsReconciledAtOnceAndTheUnchangedOnesWait) {
  auto c = Start();
  RunFor(*c, minutes(2));
  files->Set("two.yaml", Yaml("two", "version: v1", "hardware: cpu-upgrade"));
  c->SourcesChanged();
  EXPECT_THAT(c->RunReadyPasses(), ElementsAre("team/two"));
  EXPECT_TRUE(Logged("1 deployment(s) changed"));
  // An unchanged reload (same files, new revision) reconciles nothing.
  files->Set("one.yaml", Yaml("one"));
  c->SourcesChanged();
  EXPECT_TRUE(c->RunReadyPasses().empty());
}

TEST_F(ControllerTest, ADeploymentRemovedFromTheSourcesLeavesTheQueueItsStatusAndItsStatusFile) {
  auto c = Start();
  RunFor(*c, minutes(2));
  const std::filesystem::path file = std::filesystem::path(w.world.state_dir) / "status/team/two.json";
  ASSERT_TRUE(std::filesystem::exists(file));
  files->Erase("two.yaml");
  c->SourcesChanged();
  EXPECT_EQ(StatusOf(c->Statuses(), "team/two"), nullptr);
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_TRUE(Logged("team/two: removed from the sources"));
  const std::vector<std::string> ran = RunFor(*c, minutes(5));
  EXPECT_EQ(Count(ran, "team/two"), 0);
  EXPECT_EQ(Count(ran, "team/one"), 5);
}

TEST_F(ControllerTest, AnInvalidDocumentIsReportedWithItsPositionAndTheOthersConverge) {
  documents["bad.yaml"] = Yaml("bad", "version: v1", "hardware: [not, a, flavor]");
  auto c = Start();
  RunFor(*c, minutes(2));
  EXPECT_EQ(Condition(*c, "team/one", "Ready"), "True");
  EXPECT_EQ(Condition(*c, "team/two", "Ready"), "True");
  EXPECT_EQ(Count(c->RunReadyPasses(), "team/bad"), 0);
  const plan::Plan drift = c->CurrentPlan();
  ASSERT_EQ(drift.invalid.size(), 1u);
  EXPECT_EQ(drift.invalid[0].key, "team/bad");
  EXPECT_THAT(drift.invalid[0].position, HasSubstr("bad.yaml:"));
  EXPECT_TRUE(Logged("invalid desired state: bad.yaml:"));
}

TEST_F(ControllerTest, ASourceThatCannotBeReadKeepsThePreviousDesiredState) {
  auto c = Start();
  RunFor(*c, minutes(2));
  files->FailNextLoad();
  c->SourcesChanged();
  EXPECT_TRUE(Logged("keeping the previous desired state"));
  EXPECT_EQ(c->Deployments().size(), 2u);
  const std::vector<std::string> ran = RunFor(*c, minutes(1));
  EXPECT_EQ(Count(ran, "team/one"), 1);
  EXPECT_EQ(Count(ran, "team/two"), 1);
}

// ---- Restarts: a new process continues from the statuses and the world. ----

TEST_F(ControllerTest, ABuildInFlightAcrossARestartIsFollowedNotStartedAgain) {
  documents = {{"one.yaml", Yaml("one", "version: v2\nbuild:\n  command:\n    run: [/bin/true]")}};
  {
    auto first = Start();
    first->RunReadyPasses();
    ASSERT_EQ(w.builder.starts, 1);
  }  // the process ends with the build running
  auto second = Start();
  std::string reason;
  EXPECT_EQ(Condition(*second, "team/one", "Ready", &reason), "False") << "read back from the status file";
  EXPECT_EQ(reason, "Building");
  RunFor(*second, seconds(30));
  EXPECT_EQ(w.builder.starts, 1);
  w.builder.Finish("v2", act::BuildPhase::kSucceeded);
  w.PushBase("v2");
  RunFor(*second, minutes(1));
  EXPECT_EQ(Condition(*second, "team/one", "Ready"), "True");
  EXPECT_EQ(w.builder.starts, 1);
}

TEST_F(ControllerTest, AStatusWrittenForAnOlderSpecSaysSoUntilTheFirstPass) {
  {
    auto first = Start();
    RunFor(*first, minutes(2));
    ASSERT_EQ(Condition(*first, "team/two", "Ready"), "True");
  }
  documents["two.yaml"] = Yaml("two", "version: v1", "hardware: cpu-upgrade");  // edited while down
  auto second = Start();
  std::string message;
  EXPECT_EQ(Condition(*second, "team/one", "Ready"), "True");
  EXPECT_EQ(Condition(*second, "team/two", "Ready", nullptr, &message), "Unknown");
  EXPECT_THAT(message, HasSubstr("the spec changed since this status was written"));
  RunFor(*second, minutes(1));
  EXPECT_EQ(Condition(*second, "team/two", "Ready"), "True");
}

TEST_F(ControllerTest, TwoControllersCannotShareAStateDirectory) {
  auto first = Start();
  std::vector<std::unique_ptr<Source>> none;
  Controller second(w.world, std::move(none), Options(), w.clock);
  Status s = second.Start();
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("uses the state directory"));
}

TEST_F(ControllerTest, OnceStopsWhenEveryDeploymentWasReconciledOnce) {
  ControllerOptions o = Options();
  o.once = true;
  auto c = Start(std::move(o));
  EXPECT_FALSE(c->first_pass_done());
  c->RunReadyPasses();
  EXPECT_TRUE(c->first_pass_done());
  EXPECT_TRUE(c->stopping());
  EXPECT_TRUE(c->Wait());
}

// ---- The Hub's budget: a fleet that outgrows it is stretched evenly, and says so. ----

// GET /api/v1/status?limit=N: pages in key order, each naming the next, which together hold every
// status once; a limit out of range is a 400 naming it.
TEST_F(ControllerTest, TheStatusListPagesInKeyOrderAndThePagesHoldEveryStatusOnce) {
  for (const char* name : {"c", "a", "e", "b", "d"}) documents[std::string(name) + ".yaml"] = Yaml(name);
  auto c = Start();
  c->RunReadyPasses();
  http::Server::Handler api = MakeApiHandler(*c, {}, nullptr);
  auto get = [&](const std::string& query) {
    http::Server::IncomingRequest req;
    req.method = "GET";
    req.path = "/api/v1/status";
    req.query = query;
    http::Response r = api(req);
    Result<Json> body = Json::Parse(r.body);
    EXPECT_TRUE(body.ok()) << r.body;
    return std::make_pair(r.status, body.ok() ? *body : Json());
  };
  auto keys = [](const Json& body) {
    std::vector<std::string> out;
    const Json* items = body.Find("items");
    for (size_t i = 0; items != nullptr && i < items->size(); ++i) out.push_back(items->At(i).GetString("key"));
    return out;
  };

  auto [all_status, all] = get("");
  EXPECT_EQ(all_status, 200);
  EXPECT_EQ(keys(all), (std::vector<std::string>{"team/a", "team/b", "team/c", "team/d", "team/e",
                                                 "team/one", "team/two"}));
  EXPECT_EQ(all.Find("metadata"), nullptr) << "one page holds everything: no continue";

  std::vector<std::string> paged;
  std::vector<int64_t> remaining;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    auto [status, body] = get("limit=3" + (token.empty() ? "" : "&continue=" + token));
    ASSERT_EQ(status, 200) << body.Dump();
    std::vector<std::string> got = keys(body);
    EXPECT_LE(got.size(), 3u);
    paged.insert(paged.end(), got.begin(), got.end());
    const Json* metadata = body.Find("metadata");
    if (metadata == nullptr) break;
    token = metadata->Find("continue")->AsString();
    remaining.push_back(metadata->Find("remainingItemCount")->AsInt().value_or(-1));
  }
  EXPECT_EQ(paged, keys(all));
  EXPECT_EQ(remaining, (std::vector<int64_t>{4, 1}));

  for (const std::string bad : {"limit=0", "limit=-1", "limit=ten", "limit=10001", "continue=team/a"}) {
    auto [status, body] = get(bad);
    EXPECT_EQ(status, 400) << bad;
    EXPECT_THAT(body.Dump(), HasSubstr(bad.rfind("continue", 0) == 0 ? "continue needs a limit" : "limit must be"))
        << bad;
  }
}

TEST_F(ControllerTest, AFleetBeyondTheHubBudgetIsStretchedEvenlyAndSaysBudgetLimited) {
  for (int i = 3; i <= 6; ++i) documents["d" + std::to_string(i) + ".yaml"] = Yaml("d" + std::to_string(i));
  // Per 5 minutes, 80% usable, 5 of them reserved for the owner's Space list: about 3 left for
  // resyncs, while 6 deployments resynced every minute ask about 6.
  w.world.config.hub_budget.requests_per_window = 10;
  auto c = Start();
  RunFor(*c, minutes(30));

  const std::vector<BudgetReport> reports = c->BudgetReports();
  const auto hub = std::find_if(reports.begin(), reports.end(), [](const BudgetReport& r) { return r.api == "hub"; });
  ASSERT_NE(hub, reports.end());
  EXPECT_GT(hub->stretch, 1.0);
  EXPECT_EQ(hub->limited, 6);
  for (const std::string key : {"team/one", "team/two", "team/d3", "team/d6"}) {
    std::string reason, message;
    EXPECT_EQ(Condition(*c, key, "BudgetLimited", &reason, &message), "True") << key;
    EXPECT_EQ(reason, "HubBudget");
    EXPECT_THAT(message, HasSubstr("instead of 1m"));
    EXPECT_EQ(Condition(*c, key, "Ready"), "True") << key << ": stretched, not failed";
  }
  // Evenly: over the last 10 minutes every deployment ran as often as the others (±1), and
  // less often than its declared interval asks.
  const std::vector<std::string> ran = RunFor(*c, minutes(10));
  const int one = Count(ran, "team/one");
  EXPECT_LT(one, 10);
  EXPECT_GT(one, 0);
  for (const std::string key : {"team/two", "team/d3", "team/d4", "team/d5", "team/d6"})
    EXPECT_NEAR(Count(ran, key), one, 1) << key;
}

}  // namespace
}  // namespace spaceport::runtime
