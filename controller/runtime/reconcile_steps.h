// Reconcile steps: the pass of runtime/reconciler.h written as an ordered list of small named
// steps over one working state (`Pass`), in the manner of Flux's source-controller. Each step
// either lets the pass go on or ends it with a typed `Ending`; the ending's kind alone decides the
// conditions (Ready, Reconciling, Stalled), the requeue (interval, poll, backoff), the result label
// and which notification goes out, and one function (`Summarize`) applies it. So a reader finds
// the order in `ReconcileSteps()` and each rule in one small function, and a test can run one
// step on a Pass it filled by hand.
//
// The order (ReconcileSteps()):
//   suspend         spec.suspend: shown, nothing observed or changed             → Suspended
//   secrets         Kubernetes mode: every secretKeyRef readable, else nothing is changed → Stalled
//   observe         the registry tags, builds in flight and Spaces this deployment names
//   plan            plan::MakePlan over this deployment alone; the drift into the status
//   complete-view   a partial observation changes nothing; its first problem's reason decides
//   act             act::Executor, follow = false: resolve's build, the wrapper, the Space writes,
//                   and one look at builds and Spaces on their way (never waited for here)
//   status          resolved version and digest, wrappers, Spaces, the build URL
//   drift-report    DriftFound when the world moved away from a spec it had reached (or warn)
//   deploy-track    when a deploy began (deploying, deploying_since); DriftCorrected
//   action-failed   the first failed action's reason                       → Stalled or Retrying
//   plan-stalled    the plan found something only a person can fix            → Stalled
//   health-timeout  Spaces still not RUNNING health.timeoutSeconds into a deploy → Stalled
//   in-progress     a build or Space still on its way                           → Waiting
//   drift-warn      driftPolicy warn with drift                                 → Warned
//   ready           everything ran, nothing is on its way                       → Ready
//
// Not thread-safe by itself: one Pass belongs to one worker (the work queue never hands one key
// to two workers); the World and caches it reaches are shared and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "act/executor.h"
#include "base/clock.h"
#include "observe/observation.h"
#include "plan/plan.h"
#include "report/notifier.h"
#include "runtime/deployment_status.h"
#include "runtime/reconciler.h"
#include "runtime/world.h"
#include "spec/types.h"

namespace spaceport::runtime {

// How a pass ends. Each kind fixes the conditions, the requeue and the metric label:
enum class EndingKind {
  kSuspended,  // Ready=Unknown Suspended; after the interval; "success"
  kStalled,    // Ready=False, Stalled=True: a person must act; after the interval; "success";
               // DeployFailed once per reason
  kRetrying,   // Ready=False, Reconciling=True (Progressing): transient; backoff; "error";
               // DeployFailed once per reason
  kWaiting,    // Ready=False, Reconciling=True: a build or Space on its way; after progress_poll;
               // "requeue"
  kWarned,     // Ready=False Drifted under driftPolicy warn; after the interval; "success"
  kReady,      // Ready=True Succeeded; after the interval; "success"; DeploySucceeded when a
               // deploy ended
};

struct Ending {
  EndingKind kind = EndingKind::kReady;
  std::string state;    // the reconcile record's state: the plan's (InSync, Progressing, ...),
                        // or Suspended, Stalled, Unknown before there is a plan
  std::string reason;   // the Ready condition's reason (and Stalled's or Reconciling's)
  std::string message;  // never holds a secret

  friend bool operator==(const Ending&, const Ending&) = default;
};

// Reasons that need a person (a fixed spec, a credential, a fixed build): no backoff loop, the
// deployment is looked at again after its interval or when its source changes.
bool IsStalledReason(const std::string& reason);

// A failure with this reason: kStalled when IsStalledReason, else kRetrying.
Ending Failure(std::string state, std::string reason, std::string message);

Requeue RequeueOf(EndingKind kind);
std::string ResultOf(EndingKind kind);  // success, error, requeue

// What a step decides: the next step runs, or the pass ends here.
struct StepResult {
  std::optional<Ending> ending;

  static StepResult Continue() { return {}; }
  static StepResult End(Ending e) { return {std::move(e)}; }
  bool continues() const { return !ending.has_value(); }
};

// What the steps reach outside the pass: the world, the caches and the clock.
struct StepContext {
  World& world;
  const ReconcilerOptions& options;
  Clock& clock;
};

// One pass's working state, filled step by step.
struct Pass {
  const spec::SpaceDeployment& deployment;
  const DeploymentStatus& previous;  // the status the last pass wrote (or a restart read back)
  std::string revision;
  Clock::TimePoint now;
  std::chrono::steady_clock::time_point started;
  std::string space_url_base;  // the Hub endpoint, for Space URLs

  ReconcileOutcome out;  // out.status starts as `previous` with this pass's identity fields
  WorldObservation seen;
  observe::Observation observation;
  plan::Plan plan;
  act::ExecutionReport execution;
  // The notification fields every event of this pass shares (image, build, Spaces), once the
  // status step filled them; a failure before that carries none.
  std::optional<report::Notification> base;
  std::string corrected;  // "corrected drift in a, b; " when this pass corrected drift

  // This deployment's plan, when planned.
  const plan::DeploymentPlan* planned() const;
  // The record's state: the plan's deployment state, InSync when there is none.
  std::string plan_state() const;
};

// A Pass for `deployment` at `now`, its status carried over from `previous`.
Pass StartPass(const StepContext& ctx, const spec::SpaceDeployment& deployment, const std::string& revision,
               const DeploymentStatus& previous);

using Step = StepResult (*)(const StepContext&, Pass&);

struct NamedStep {
  const char* name;
  Step run;
};

// The steps in the order a pass runs them (the table at the top of this file).
const std::vector<NamedStep>& ReconcileSteps();

// Runs the steps in order until one ends the pass, then Summarize. The last step always ends it.
ReconcileOutcome RunSteps(const StepContext& ctx, Pass& p, const std::vector<NamedStep>& steps);

// Applies an ending to the pass: the conditions, requeue, result, the reconcile record, and the
// DeployFailed / DeploySucceeded notification its kind calls for.
void Summarize(const StepContext& ctx, Pass& p, const Ending& ending);

// The steps, each usable alone on a Pass filled by hand.
StepResult CheckSuspended(const StepContext& ctx, Pass& p);
StepResult CheckSecrets(const StepContext& ctx, Pass& p);
StepResult Observe(const StepContext& ctx, Pass& p);
StepResult Plan(const StepContext& ctx, Pass& p);
StepResult RequireCompleteView(const StepContext& ctx, Pass& p);
StepResult Act(const StepContext& ctx, Pass& p);
StepResult FillStatus(const StepContext& ctx, Pass& p);
StepResult ReportDrift(const StepContext& ctx, Pass& p);
StepResult TrackDeploy(const StepContext& ctx, Pass& p);
StepResult FailOnAction(const StepContext& ctx, Pass& p);
StepResult StallOnPlan(const StepContext& ctx, Pass& p);
StepResult StallOnHealthTimeout(const StepContext& ctx, Pass& p);
StepResult WaitForProgress(const StepContext& ctx, Pass& p);
StepResult WarnOnDrift(const StepContext& ctx, Pass& p);
StepResult Succeed(const StepContext& ctx, Pass& p);

}  // namespace spaceport::runtime
