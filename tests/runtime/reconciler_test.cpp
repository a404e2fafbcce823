// The reconciler in process (runtime/reconciler.h, runtime/reconcile_steps.h), against the world
// of reconciler_world.h: an in-memory registry, the Hub emulator and a hand-driven build backend
// on one FakeClock. Rules are tables whose case names state the outcome; every pass takes
// milliseconds and nothing sleeps.
#include "runtime/reconciler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "runtime/reconcile_steps.h"
#include "runtime/reconciler_world.h"

namespace spaceport::runtime {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReconcilerWorld;
using testing::ServerErrors;
using Event = report::NotificationEvent;

// What a pass ended with: the requeue, the metric label and the conditions.
struct Verdict {
  Requeue requeue;
  std::string result;
  std::string ready;   // Ready's status
  std::string reason;  // Ready's reason
  bool stalled;
  bool reconciling;
};

void ExpectVerdict(const ReconcileOutcome& out, const Verdict& want) {
  EXPECT_EQ(out.requeue, want.requeue);
  EXPECT_EQ(out.result, want.result);
  EXPECT_EQ(ReconcilerWorld::Ready(out), want.ready) << ReconcilerWorld::Message(out);
  EXPECT_EQ(ReconcilerWorld::Reason(out), want.reason) << ReconcilerWorld::Message(out);
  EXPECT_EQ(ReconcilerWorld::Has(out, "Stalled"), want.stalled);
  EXPECT_EQ(ReconcilerWorld::Has(out, "Reconciling"), want.reconciling);
  ASSERT_FALSE(out.status.history.empty());
  EXPECT_EQ(out.status.history.front().result, want.result);
  EXPECT_EQ(out.status.history.front().reason, want.reason);
}

// Every request whose path matches is answered 500, until the test ends.
// ---- The requeue rules: how each kind of pass ends, through the whole pipeline. ----

struct RequeueCase {
  const char* name;
  // Prepares the world and returns the deployment; the case's pass is the last of `passes`.
  std::function<spec::SpaceDeployment(ReconcilerWorld&)> setup;
  int passes;
  Verdict want;
};

const RequeueCase kRequeueCases[] = {
    {"ASuspendedDeploymentIsUnknownSuspendedAndComesBackAfterTheInterval",
     [](ReconcilerWorld& w) { w.PushBase("v1"); return w.Deployment("version: v1", "", "suspend: true"); }, 1,
     {Requeue::kAfterInterval, "success", "Unknown", "Suspended", false, false}},
    {"AMissingImageWithoutABuildStallsAndComesBackAfterTheInterval",
     [](ReconcilerWorld& w) { return w.Deployment("version: v9"); }, 1,
     {Requeue::kAfterInterval, "success", "False", "ImageMissing", true, false}},
    {"ANewSpaceBuildingOnTheHubIsWaitingAndPolledAgain",
     [](ReconcilerWorld& w) { w.PushBase("v1"); return w.Deployment("version: v1"); }, 1,
     {Requeue::kAfterPoll, "requeue", "False", "SpaceBuilding", false, true}},
    {"AHubOutageRetriesWithBackoffAndChangesNothing",
     [](ReconcilerWorld& w) {
       w.PushBase("v1");
       EXPECT_TRUE(w.emulator.AddFault(ServerErrors("^/api/spaces/acme/demo")).ok());
       return w.Deployment("version: v1");
     },
     1, {Requeue::kBackoff, "error", "False", "HubError", false, true}},
    {"AStartedBuildIsWaitingWithReasonBuilding",
     [](ReconcilerWorld& w) { return w.Deployment("version: v2\nbuild:\n  command:\n    run: [/bin/true]"); }, 1,
     {Requeue::kAfterPoll, "requeue", "False", "Building", false, true}},
    {"AFailedBuildStallsAndIsNotRetriedHot",
     [](ReconcilerWorld& w) {
       auto d = w.Deployment("version: v2\nbuild:\n  command:\n    run: [/bin/true]");
       w.Pass(d);
       w.builder.Finish("v2", act::BuildPhase::kFailed, "exit status 1");
       return d;
     },
     1, {Requeue::kAfterInterval, "success", "False", "BuildFailed", true, false}},
    {"AConvergedDeploymentIsReadyAndComesBackAfterTheInterval",
     [](ReconcilerWorld& w) {
       w.PushBase("v1");
       auto d = w.Deployment("version: v1");
       w.Converge(d);
       return d;
     },
     1, {Requeue::kAfterInterval, "success", "True", "Succeeded", false, false}},
};

TEST(ReconcilerRequeue, EachKindOfPassEndsWithItsRequeueResultAndConditions) {
  for (const RequeueCase& c : kRequeueCases) {
    SCOPED_TRACE(c.name);
    ReconcilerWorld w;
    spec::SpaceDeployment d = c.setup(w);
    ReconcileOutcome out;
    for (int i = 0; i < c.passes; ++i) out = w.Pass(d);
    ExpectVerdict(out, c.want);
  }
}

TEST(ReconcilerRequeue, ASuspendedDeploymentSendsNoRequestAndCreatesNoSpace) {
  ReconcilerWorld w;
  w.PushBase("v1");
  ReconcileOutcome out = w.Pass(w.Deployment("version: v1", "", "suspend: true"));
  EXPECT_EQ(out.hub_requests, 0);
  EXPECT_EQ(out.registry_requests, 0);
  EXPECT_TRUE(out.actions.empty());
  EXPECT_FALSE(w.emulator.Control("GET", "/__emulator/spaces/acme/demo").ok());
}

TEST(ReconcilerRequeue, ResumingASuspendedDeploymentDeploysIt) {
  ReconcilerWorld w;
  w.PushBase("v1");
  w.Pass(w.Deployment("version: v1", "", "suspend: true"));
  ReconcileOutcome out = w.Converge(w.Deployment("version: v1"));
  EXPECT_THAT(ReconcilerWorld::Events(out), Contains(Event::kDeploySucceeded));
  EXPECT_FALSE(out.status.suspended);
}

TEST(ReconcilerRequeue, TheSameFailureIsNotifiedOnceNotOnEveryRetry) {
  ReconcilerWorld w;
  auto d = w.Deployment("version: v9");
  EXPECT_THAT(ReconcilerWorld::Events(w.Pass(d)), Contains(Event::kDeployFailed));
  EXPECT_THAT(ReconcilerWorld::Events(w.Pass(d)), Not(Contains(Event::kDeployFailed)));
}

// ---- Drift: corrected or reported, once. ----

struct DriftCase {
  const char* name;
  const char* policy;
  bool corrected;        // the Space's hardware is back to cpu-basic after the pass
  std::string reason;    // Ready's reason after the pass that saw the drift
  std::vector<Event> events;
};

const DriftCase kDriftCases[] = {
    {"DriftPolicyCorrectPutsTheHardwareBackAndSaysSo", "correct", true, "SpaceBuilding",
     {Event::kDriftFound, Event::kDriftCorrected}},
    {"DriftPolicyWarnReportsTheHardwareAndLeavesItInPlace", "warn", false, "Drifted", {Event::kDriftFound}},
};

TEST(ReconcilerDrift, AnOutOfBandHardwareChangeIsCorrectedOrReportedByPolicy) {
  for (const DriftCase& c : kDriftCases) {
    SCOPED_TRACE(c.name);
    ReconcilerWorld w;
    w.PushBase("v1");
    // Deployed under correct (warn never deploys), then the case's policy.
    w.Converge(w.Deployment("version: v1", "hardware: cpu-basic", "driftPolicy: correct"));
    auto d = w.Deployment("version: v1", "hardware: cpu-basic", std::string("driftPolicy: ") + c.policy);
    w.Pass(d);
    w.Control("POST", "/__emulator/spaces/acme/demo/hardware", R"({"flavor":"cpu-upgrade"})");
    w.Advance(std::chrono::seconds(60));

    ReconcileOutcome out = w.Pass(d);
    EXPECT_EQ(ReconcilerWorld::Reason(out), c.reason) << ReconcilerWorld::Message(out);
    EXPECT_EQ(ReconcilerWorld::Events(out), c.events);
    ASSERT_FALSE(out.status.drift.empty());
    EXPECT_EQ(out.status.drift.front().field, "hardware");
    Json space = w.Control("GET", "/__emulator/spaces/acme/demo");
    const std::string requested = space.Find("runtime")->Find("hardware")->Find("requested")->AsString();
    EXPECT_EQ(requested, c.corrected ? "cpu-basic" : "cpu-upgrade");
    if (c.corrected) {
      EXPECT_THAT(ReconcilerWorld::Message(out), HasSubstr("corrected drift in hardware"));
    }

    // The next pass reports nothing new: the drift is gone, or already reported.
    w.Advance(std::chrono::seconds(60));
    EXPECT_THAT(ReconcilerWorld::Events(w.Pass(d)), Not(Contains(Event::kDriftFound)));
  }
}

// Seen in the kube canary: a hardware drift corrected right after a Secret rotation raised no
// DriftCorrected. The rotation is a change of desired state (a new value), written as such; the
// hardware drift that follows once that has settled is drift, corrected and said so.
TEST(ReconcilerDrift, AHardwareDriftAfterASecretRotationIsCorrectedAndSaidSo) {
  ReconcilerWorld w;
  w.PushBase("v1");
  w.env["DEMO_API_KEY"] = "first";
  auto d = w.Deployment("version: v1",
                        "hardware: cpu-basic\nsecrets:\n  API_KEY: {fromEnv: DEMO_API_KEY}",
                        "driftPolicy: correct");
  w.Converge(d);
  w.env["DEMO_API_KEY"] = "rotated";
  w.Advance(std::chrono::seconds(60));
  ReconcileOutcome rotated = w.Converge(d);
  EXPECT_THAT(ReconcilerWorld::Events(rotated), Not(Contains(Event::kDriftCorrected)));

  w.Control("POST", "/__emulator/spaces/acme/demo/hardware", R"({"flavor":"cpu-upgrade"})");
  w.Advance(std::chrono::seconds(60));
  ReconcileOutcome out = w.Pass(d);
  EXPECT_THAT(ReconcilerWorld::Events(out), Contains(Event::kDriftCorrected)) << ReconcilerWorld::Message(out);
  Json space = w.Control("GET", "/__emulator/spaces/acme/demo");
  EXPECT_EQ(space.Find("runtime")->Find("hardware")->Find("requested")->AsString(), "cpu-basic");
}

TEST(ReconcilerDrift, TheDifferencesOfAFirstDeployAreADeployNotDrift) {
  ReconcilerWorld w;
  w.PushBase("v1");
  ReconcileOutcome out = w.Pass(w.Deployment("version: v1", "hardware: cpu-upgrade"));
  EXPECT_FALSE(out.status.drift.empty());
  EXPECT_THAT(ReconcilerWorld::Events(out), Not(Contains(Event::kDriftFound)));
}

// ---- The world moving between observe and act. ----

// The base tag is re-pointed after the pass observed it and before the wrapper is published: the
// publish refuses it (the plan was made for the old base), nothing is pushed, no DeployFailed; the
// next poll plans for the new base and the Space runs a wrapper of it.
TEST(ReconcilerRace, ABaseTagThatMovesBeforeThePublishIsPlannedAgainNotWrappedBlindly) {
  ReconcilerWorld w;
  w.PushBase("v1");
  const std::string observed = w.registry.PushImage("acme/app", "v2", R"({"architecture":"amd64","os":"linux","config":{}})");
  auto d = w.Deployment("version: v2");
  int gets = 0;
  std::string moved_to;
  w.before_registry = [&](const http::Server::IncomingRequest& in) {
    // The observer HEADs and GETs v2; the publisher's GET is the second.
    if (in.method != "GET" || in.path != "/v2/acme/app/manifests/v2" || ++gets != 2) return;
    moved_to = w.registry.PushImage("acme/app", "v2", R"({"architecture":"amd64","os":"linux","config":{"Env":["MOVED=1"]}})");
  };
  ReconcileOutcome raced = w.Pass(d);
  ASSERT_FALSE(moved_to.empty()) << "the tag was never moved: the pass no longer reads v2 twice";
  ASSERT_NE(moved_to, observed);
  EXPECT_EQ(ReconcilerWorld::Reason(raced), "BaseMoved") << ReconcilerWorld::Message(raced);
  EXPECT_THAT(ReconcilerWorld::Message(raced), HasSubstr("moved since it was observed"));
  EXPECT_EQ(raced.requeue, Requeue::kAfterPoll);
  EXPECT_THAT(ReconcilerWorld::Events(raced), Not(Contains(Event::kDeployFailed)));
  EXPECT_EQ(w.registry.Tags("acme/app").count("hf-amd64-v2"), 0u) << "nothing is pushed for the old base";
  EXPECT_FALSE(w.emulator.Control("GET", "/__emulator/spaces/acme/demo").ok()) << "no Space for the old base";

  w.before_registry = nullptr;
  w.Advance(std::chrono::seconds(20));
  ReconcileOutcome out = w.Converge(d);
  EXPECT_EQ(out.status.resolved_digest, moved_to);
  EXPECT_EQ(w.registry.Tags("acme/app").count("hf-amd64-v2"), 1u);
}

// ---- Builds: one build per version, found again after a restart. ----

TEST(ReconcilerBuild, ABuildInFlightIsFoundAgainAfterARestartAndNeverStartedTwice) {
  ReconcilerWorld w;
  auto d = w.Deployment("version: v2\nbuild:\n  command:\n    run: [/bin/true]");
  ReconcileOutcome first = w.Pass(d);
  EXPECT_TRUE(first.build_started);
  EXPECT_EQ(w.builder.starts, 1);

  // A restart: a new Reconciler (it keeps nothing), the status read back from the files, and
  // the build still running in the world.
  DeploymentStatus read_back = w.statuses[d.Key()];
  w.statuses.clear();
  w.statuses[d.Key()] = read_back;
  w.Advance(std::chrono::seconds(30));
  ReconcileOutcome again = w.Pass(d);
  EXPECT_FALSE(again.build_started);
  EXPECT_EQ(w.builder.starts, 1);
  EXPECT_EQ(ReconcilerWorld::Reason(again), "Building");
  EXPECT_EQ(again.status.build_url, "https://builds.test/" + w.builder.builds.begin()->first);

  // The build ends, its tag appears: the deployment converges on it without a second build.
  w.builder.Finish("v2", act::BuildPhase::kSucceeded);
  w.PushBase("v2");
  ReconcileOutcome done = w.Converge(d);
  EXPECT_EQ(done.status.resolved_version, "v2");
  EXPECT_EQ(w.builder.starts, 1);
}

// ---- Conflicting parent commits: someone commits between our read and our write. ----

// A step that commits to the Space out of band, run between plan and act: the pass's parent
// commit is then stale, as when a person pushes while Spaceport deploys.
StepResult CommitOutOfBand(const StepContext&, Pass&);
ReconcilerWorld* g_world = nullptr;
StepResult CommitOutOfBand(const StepContext&, Pass&) {
  g_world->Control("POST", "/__emulator/spaces/acme/demo/commit",
                   R"({"summary":"by hand","files":{"notes.txt":"edited by a person"}})");
  return StepResult::Continue();
}

TEST(ReconcilerConflict, AParentCommitMovedMidPassRetriesWithBackoffAndTheNextPassConverges) {
  ReconcilerWorld w;
  g_world = &w;
  w.PushBase("v1");
  w.PushBase("v2");
  auto v1 = w.Deployment("version: v1");
  w.Converge(v1);
  auto v2 = w.Deployment("version: v2");

  std::vector<NamedStep> steps = ReconcileSteps();
  auto act = std::find_if(steps.begin(), steps.end(), [](const NamedStep& s) { return std::string(s.name) == "act"; });
  ASSERT_NE(act, steps.end());
  steps.insert(act, NamedStep{"commit-out-of-band", CommitOutOfBand});
  ReconcilerOptions options;
  const StepContext ctx{w.world, options, w.clock};
  Pass p = StartPass(ctx, v2, "rev-2", w.statuses[v2.Key()]);
  ReconcileOutcome out = RunSteps(ctx, p, steps);
  w.statuses[v2.Key()] = out.status;
  g_world = nullptr;

  ExpectVerdict(out, {Requeue::kBackoff, "error", "False", "Conflict", false, true});
  EXPECT_THAT(ReconcilerWorld::Message(out), HasSubstr("CommitSpaceFiles acme/demo"));

  // The retry reads the new head and commits on top of it; the person's file stays.
  ReconcileOutcome converged = w.Converge(v2);
  EXPECT_EQ(converged.status.resolved_version, "v2");
  Json space = w.Control("GET", "/__emulator/spaces/acme/demo");
  EXPECT_NE(space.Find("files")->Find("notes.txt"), nullptr);
}

// ---- One deployment failing while the others converge, in one world. ----

TEST(ReconcilerFleet, OneDeploymentFailingDoesNotStopTheOthersFromConverging) {
  ReconcilerWorld w;
  w.PushBase("v1");
  EXPECT_TRUE(w.emulator.AddFault(ServerErrors("^/api/spaces/acme/broken")).ok());
  std::vector<spec::SpaceDeployment> fleet = {
      w.Deployment("version: v1", "", "", "one", "acme/one"),
      w.Deployment("version: v1", "", "", "broken", "acme/broken"),
      w.Deployment("version: v1", "", "", "two", "acme/two"),
      w.Deployment("version: v9", "", "", "missing", "acme/missing"),
  };
  std::map<std::string, ReconcileOutcome> last;
  for (int round = 0; round < 8; ++round) {
    for (const auto& d : fleet) last[d.name] = w.Pass(d);
    w.Advance(std::chrono::seconds(20));
  }
  EXPECT_EQ(ReconcilerWorld::Ready(last["one"]), "True") << ReconcilerWorld::Message(last["one"]);
  EXPECT_EQ(ReconcilerWorld::Ready(last["two"]), "True") << ReconcilerWorld::Message(last["two"]);
  ExpectVerdict(last["broken"], {Requeue::kBackoff, "error", "False", "HubError", false, true});
  ExpectVerdict(last["missing"], {Requeue::kAfterInterval, "success", "False", "ImageMissing", true, false});
}

}  // namespace
}  // namespace spaceport::runtime
