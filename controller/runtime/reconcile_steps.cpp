#include "runtime/reconcile_steps.h"

#include <algorithm>
#include <set>

#include "plan/planner.h"
#include "runtime/status_from_pass.h"
#include "spec/defaults.h"

namespace spaceport::runtime {
namespace {

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

void SetReady(Pass& p, const std::string& status, const std::string& reason, const std::string& message) {
  SetCondition(p.out.status, {"Ready", status, reason, message, ""}, p.now);
}

void SetFlag(Pass& p, const std::string& type, bool on, const std::string& reason, const std::string& message) {
  if (on) {
    SetCondition(p.out.status, {type, "True", reason, message, ""}, p.now);
  } else {
    RemoveCondition(p.out.status, type);
  }
}

// Spaces as observed, with what this pass did applied (runtime/status_from_pass.h).
void FillSpaces(Pass& p) {
  p.out.status.spaces = SpaceStatuses(p.deployment, p.space_url_base, p.observation, p.execution.outcomes);
}

void FillImage(Pass& p) {
  p.out.status.wrappers.clear();
  for (const plan::DeploymentPlan& d : p.plan.deployments) {
    if (d.key != p.deployment.Key()) continue;
    p.out.status.resolved_version = d.resolved_version;
    p.out.status.resolved_digest = d.resolved_digest;
  }
  p.out.status.wrappers =
      WrapperStatuses(p.deployment, p.out.status.resolved_version, p.observation, p.execution.outcomes);
  for (const act::ActionOutcome& o : p.execution.outcomes)
    if (o.kind == plan::ActionKind::kBuildImage && o.status.ok() && !o.skipped) p.out.build_started = true;
  for (const act::ActionOutcome& o : p.execution.outcomes)
    if ((o.kind == plan::ActionKind::kBuildImage || o.kind == plan::ActionKind::kAwaitBuild) &&
        o.url.find("://") != std::string::npos)  // a run page, not a command build's log file
      p.out.status.build_url = o.url;
  for (const observe::BuildInFlight& b : p.observation.builds)
    if (b.repository == p.deployment.image.repository && !b.url.empty() &&
        b.version == p.out.status.resolved_version)
      p.out.status.build_url = b.url;
}

std::vector<spec::SecretKeyRef> SecretKeyRefsOf(const spec::SpaceDeployment& d) {
  std::vector<spec::SecretKeyRef> refs;
  if (d.image.build && d.image.build->github_actions && d.image.build->github_actions->token &&
      d.image.build->github_actions->token->secret_key_ref)
    refs.push_back(*d.image.build->github_actions->token->secret_key_ref);
  for (const spec::SpaceSpec& s : d.spaces)
    if (s.secrets)
      for (const auto& [key, source] : *s.secrets)
        if (source.secret_key_ref) refs.push_back(*source.secret_key_ref);
  return refs;
}

// A deployment is never observed from a listing older than its interval.
std::optional<Clock::Duration> ListMaxAge(const spec::SpaceDeployment& d) {
  if (d.interval.seconds <= 0) return std::nullopt;
  return std::chrono::seconds(d.interval.seconds);
}

bool IsDeployAction(plan::ActionKind kind) {
  return kind == plan::ActionKind::kBuildImage || kind == plan::ActionKind::kPublishWrapper ||
         kind == plan::ActionKind::kCreateSpace || kind == plan::ActionKind::kCommitSpaceFiles;
}

// How long a deploy may take to reach RUNNING: the longest health.timeoutSeconds of its Spaces.
std::chrono::seconds HealthTimeout(const spec::SpaceDeployment& d) {
  int64_t longest = 0;
  for (const spec::SpaceSpec& s : d.spaces) longest = std::max(longest, s.health.timeout_seconds);
  return std::chrono::seconds(longest > 0 ? longest : spec::kDefaultHealthTimeoutSeconds);
}

// Something of this pass is still on its way: an action pending, or a plan that said so.
bool InProgress(const Pass& p) {
  const plan::DeploymentPlan* dp = p.planned();
  return p.execution.pending() || (dp && dp->state == plan::DeploymentState::kProgressing);
}

// A deploy in flight that still awaits a Space after the health timeout: it will not come by
// waiting longer (a build stuck in BUILDING, an app that never binds its port).
bool SpaceTimedOut(const Pass& p) {
  if (p.out.status.deploying_since.empty()) return false;
  const std::optional<Clock::TimePoint> since = ParseRfc3339(p.out.status.deploying_since);
  if (!since || p.now - *since <= HealthTimeout(p.deployment)) return false;
  for (const act::ActionOutcome& o : p.execution.outcomes)
    if (o.pending && !o.skipped && o.kind == plan::ActionKind::kAwaitRunning) return true;
  return false;
}

// Drift is the world moving away from a spec it had reached. Differences from a new deployment,
// an edited spec, a newly resolved version or a deploy still on its way are a deploy.
bool Settled(const Pass& p) {
  const DeploymentStatus& status = p.out.status;
  return !p.previous.history.empty() && p.previous.spec_hash == status.spec_hash &&
         p.previous.resolved_version == status.resolved_version &&
         p.previous.resolved_digest == status.resolved_digest && p.previous.deploying.empty();
}

// DeployFailed, once per change of the failure reason (not on every retry of the same one).
void NotifyFailure(Pass& p, const std::string& reason, const std::string& message) {
  const Condition* before = FindCondition(p.previous, "Ready");
  if (reason != "SpaceTimeout") {  // a late RUNNING still ends that deploy with success
    p.out.status.deploying.clear();
    p.out.status.deploying_since.clear();
  }
  if (before != nullptr && before->status == "False" && before->reason == reason) return;
  report::Notification n = p.base.value_or(report::Notification{});
  n.event = report::NotificationEvent::kDeployFailed;
  n.deployment = p.deployment.Key();
  n.reason = reason;
  n.message = message;
  p.out.notifications.push_back(std::move(n));
}

void NotifySucceeded(Pass& p) {
  DeploymentStatus& status = p.out.status;
  if (status.deploying.empty()) return;
  report::Notification n = p.base.value_or(report::Notification{});
  n.event = report::NotificationEvent::kDeploySucceeded;
  n.reason = "Succeeded";
  n.message = status.deploying + " is running on " + std::to_string(status.spaces.size()) + " Space(s)";
  p.out.notifications.push_back(std::move(n));
  status.deploying.clear();
  status.deploying_since.clear();
}

}  // namespace

bool IsStalledReason(const std::string& reason) {
  static const std::set<std::string> kStalled = {
      "AuthFailed",   "ImageMissing",   "SpaceFailed",       "BuildFailed",  "InvalidSpec",
      "SpaceMissing", "DigestMismatch", "HealthCheckFailed", "SpaceTimeout", "SecretMissing",
      "Forbidden"};
  return kStalled.count(reason) > 0;
}

Ending Failure(std::string state, std::string reason, std::string message) {
  const EndingKind kind = IsStalledReason(reason) ? EndingKind::kStalled : EndingKind::kRetrying;
  return {kind, std::move(state), std::move(reason), std::move(message)};
}

Requeue RequeueOf(EndingKind kind) {
  switch (kind) {
    case EndingKind::kRetrying: return Requeue::kBackoff;
    case EndingKind::kWaiting: return Requeue::kAfterPoll;
    default: return Requeue::kAfterInterval;
  }
}

std::string ResultOf(EndingKind kind) {
  switch (kind) {
    case EndingKind::kRetrying: return "error";
    case EndingKind::kWaiting: return "requeue";
    default: return "success";
  }
}

const plan::DeploymentPlan* Pass::planned() const {
  return plan.deployments.empty() ? nullptr : &plan.deployments.front();
}

std::string Pass::plan_state() const {
  const plan::DeploymentPlan* dp = planned();
  return dp ? plan::to_string(dp->state) : "InSync";
}

Pass StartPass(const StepContext& ctx, const spec::SpaceDeployment& deployment, const std::string& revision,
               const DeploymentStatus& previous) {
  Pass p{.deployment = deployment,
         .previous = previous,
         .revision = revision,
         .now = ctx.clock.Now(),
         .started = ctx.clock.Steady(),
         .space_url_base = ctx.world.config.hub.endpoint,
         .out = {},
         .seen = {},
         .observation = {},
         .plan = {},
         .execution = {},
         .base = std::nullopt,
         .corrected = ""};
  DeploymentStatus& status = p.out.status;
  status = previous;
  status.key = deployment.Key();
  status.source = deployment.position.file + ":" + std::to_string(deployment.position.line);
  status.revision = revision;
  status.spec_hash = SpecHash(deployment);
  status.suspended = deployment.suspend;
  status.last_reconcile_time = FormatRfc3339(p.now);
  return p;
}

const std::vector<NamedStep>& ReconcileSteps() {
  static const std::vector<NamedStep> kSteps = {
      {"suspend", CheckSuspended},
      {"secrets", CheckSecrets},
      {"observe", Observe},
      {"plan", Plan},
      {"complete-view", RequireCompleteView},
      {"act", Act},
      {"status", FillStatus},
      {"drift-report", ReportDrift},
      {"deploy-track", TrackDeploy},
      {"action-failed", FailOnAction},
      {"plan-stalled", StallOnPlan},
      {"health-timeout", StallOnHealthTimeout},
      {"in-progress", WaitForProgress},
      {"drift-warn", WarnOnDrift},
      {"ready", Succeed},
  };
  return kSteps;
}

ReconcileOutcome RunSteps(const StepContext& ctx, Pass& p, const std::vector<NamedStep>& steps) {
  for (const NamedStep& step : steps) {
    StepResult r = step.run(ctx, p);
    if (r.continues()) continue;
    Summarize(ctx, p, *r.ending);
    return std::move(p.out);
  }
  // Only a shortened list gets here (a test's); the full one always ends in `ready`.
  Summarize(ctx, p, {EndingKind::kReady, p.plan_state(), "Succeeded", "no step ended the pass"});
  return std::move(p.out);
}

void Summarize(const StepContext& ctx, Pass& p, const Ending& e) {
  switch (e.kind) {
    case EndingKind::kSuspended:
      SetReady(p, "Unknown", e.reason, e.message);
      SetFlag(p, "Reconciling", false, "", "");
      SetFlag(p, "Stalled", false, "", "");
      break;
    case EndingKind::kStalled:
      SetReady(p, "False", e.reason, e.message);
      SetFlag(p, "Stalled", true, e.reason, e.message);
      SetFlag(p, "Reconciling", false, "", "");
      break;
    case EndingKind::kRetrying:
      SetReady(p, "False", e.reason, e.message);
      SetFlag(p, "Stalled", false, "", "");
      SetFlag(p, "Reconciling", true, "Progressing", "retrying after " + e.reason);
      break;
    case EndingKind::kWaiting:
      SetReady(p, "False", e.reason, e.message);
      SetFlag(p, "Reconciling", true, e.reason, e.message);
      SetFlag(p, "Stalled", false, "", "");
      break;
    case EndingKind::kWarned:
      SetReady(p, "False", e.reason, e.message);
      SetFlag(p, "Reconciling", false, "", "");
      SetFlag(p, "Stalled", false, "", "");
      break;
    case EndingKind::kReady:
      SetReady(p, "True", e.reason, e.message);
      SetFlag(p, "Reconciling", false, "", "");
      SetFlag(p, "Stalled", false, "", "");
      break;
  }
  p.out.requeue = RequeueOf(e.kind);

  ReconcileRecord record;
  record.time = FormatRfc3339(p.now);
  record.revision = p.revision;
  record.result = ResultOf(e.kind);
  record.state = e.state;
  record.reason = e.reason;
  record.message = e.kind == EndingKind::kSuspended ? "suspended" : e.message;
  record.seconds = std::chrono::duration<double>(ctx.clock.Steady() - p.started).count();
  record.writes = p.execution.writes;
  record.actions = static_cast<int>(p.execution.outcomes.size());
  record.failed = static_cast<int>(std::count_if(p.execution.outcomes.begin(), p.execution.outcomes.end(),
                                                 [](const act::ActionOutcome& o) { return !o.status.ok(); }));
  p.out.result = record.result;
  RecordReconcile(p.out.status, record);

  if (e.kind == EndingKind::kStalled || e.kind == EndingKind::kRetrying) NotifyFailure(p, e.reason, e.message);
  if (e.kind == EndingKind::kReady) NotifySucceeded(p);
}

StepResult CheckSuspended(const StepContext&, Pass& p) {
  if (!p.deployment.suspend) return StepResult::Continue();
  return StepResult::End({EndingKind::kSuspended, "Suspended", "Suspended", "spec.suspend is true: not reconciled"});
}

// Kubernetes mode: every Secret key the spec names must be readable, else nothing is changed (a
// missing secret would look like drift to delete).
StepResult CheckSecrets(const StepContext& ctx, Pass& p) {
  if (!ctx.world.check_secret) return StepResult::Continue();
  std::vector<std::string> missing;
  std::string reason = "SecretMissing";
  for (const spec::SecretKeyRef& ref : SecretKeyRefsOf(p.deployment))
    if (Status s = ctx.world.check_secret(p.deployment.namespace_, ref); !s.ok()) {
      missing.push_back(s.message());
      if (s.code() == StatusCode::kPermissionDenied || s.code() == StatusCode::kUnauthenticated) reason = "Forbidden";
    }
  if (missing.empty()) return StepResult::Continue();
  return StepResult::End(Failure("Stalled", reason, Join(missing, "; ")));
}

StepResult Observe(const StepContext& ctx, Pass& p) {
  const std::vector<spec::SpaceDeployment> one{p.deployment};
  p.seen = ObserveDeployments(ctx.world, one, p.observation,
                              {ctx.options.settings_cache, ctx.options.manifest_cache, ctx.options.list_cache,
                               ctx.options.tag_cache, ListMaxAge(p.deployment)});
  p.out.hub_requests = p.seen.hub_requests;
  p.out.registry_requests = p.seen.registry_requests;
  return StepResult::Continue();
}

StepResult Plan(const StepContext&, Pass& p) {
  p.plan = plan::MakePlan({p.deployment}, p.observation);
  p.out.plan = p.plan;
  p.out.status.drift.clear();
  for (const plan::DriftItem& item : p.plan.drift) p.out.status.drift.push_back(item);
  return StepResult::Continue();
}

// Nothing is changed on a partial view; the reason of the first problem picks the condition.
StepResult RequireCompleteView(const StepContext&, Pass& p) {
  if (p.seen.complete()) return StepResult::Continue();
  std::vector<std::string> parts;
  for (const ObserveProblem& problem : p.seen.problems) parts.push_back(problem.what + ": " + problem.message);
  FillImage(p);
  FillSpaces(p);
  return StepResult::End(Failure("Unknown", p.seen.problems.front().reason, "not observed: " + Join(parts, "; ")));
}

// Builds and Spaces on their way are looked at once, never waited for here.
StepResult Act(const StepContext& ctx, Pass& p) {
  act::ExecutorDeps deps;
  deps.registries = ctx.world.registries.get();
  deps.builders = BuildersOf(ctx.world);
  deps.hub = ctx.world.hub.get();
  deps.health_transport = ctx.world.health_transport.get();
  if (ctx.world.config.hub.allow_plain_http) {
    auto url = http::Url::Parse(ctx.world.config.hub.endpoint);
    if (url.ok()) deps.insecure_origins.push_back(url->Origin());
  }
  deps.clock = &ctx.clock;
  deps.fingerprint_key = ctx.world.fingerprint_key;
  deps.state_dir = ctx.world.state_dir;
  deps.env = ctx.world.env;
  deps.secret_key = ctx.world.secret_key;
  deps.follow = false;
  if (ctx.options.log) deps.progress = ctx.options.log;
  p.execution = act::Executor(std::move(deps)).Run(p.plan, {p.deployment});
  p.out.actions = p.execution.outcomes;
  // What this pass wrote is read afresh by the next one. A build or publish invalidates its image
  // even when it failed: it may have pushed before failing.
  if (ctx.options.tag_cache != nullptr)
    for (const act::ActionOutcome& o : p.execution.outcomes)
      if ((o.kind == plan::ActionKind::kBuildImage || o.kind == plan::ActionKind::kPublishWrapper) && !o.skipped)
        ctx.options.tag_cache->InvalidateRepository(p.deployment.image.repository);
  if (ctx.options.list_cache != nullptr)
    for (const act::ActionOutcome& o : p.execution.outcomes)
      if (o.wrote && !o.skipped && o.target.find(':') == std::string::npos) ctx.options.list_cache->Invalidate(o.target);
  if (ctx.options.settings_cache != nullptr)
    for (const act::ActionOutcome& o : p.execution.outcomes)
      if ((o.kind == plan::ActionKind::kSetVariables || o.kind == plan::ActionKind::kSetSecrets ||
           o.kind == plan::ActionKind::kCreateSpace) && !o.skipped)
        ctx.options.settings_cache->Invalidate(o.target);
  return StepResult::Continue();
}

StepResult FillStatus(const StepContext&, Pass& p) {
  FillImage(p);
  FillSpaces(p);
  const DeploymentStatus& status = p.out.status;
  report::Notification base;
  base.deployment = p.deployment.Key();
  base.revision = p.revision;
  if (!status.resolved_version.empty()) base.image_ref = p.deployment.image.repository + ":" + status.resolved_version;
  base.image_digest = status.resolved_digest;
  base.build_url = status.build_url;
  for (const SpaceStatus& s : status.spaces) base.spaces.push_back({s.space, s.url, s.stage});
  p.base = std::move(base);
  return StepResult::Continue();
}

// DriftFound when the drift changed and is out of band: the world moved away from a spec it had
// reached, or driftPolicy warn (where nothing else reports a difference). Differences from a new
// deployment, an edited spec or a new version are a deploy (DeploySucceeded/DeployFailed).
StepResult ReportDrift(const StepContext&, Pass& p) {
  const DeploymentStatus& status = p.out.status;
  const bool warn = p.deployment.drift_policy == spec::DriftPolicy::kWarn;
  if (status.drift.empty() || status.drift == p.previous.drift || !(warn || Settled(p))) return StepResult::Continue();
  report::Notification n = p.base.value_or(report::Notification{});
  n.event = report::NotificationEvent::kDriftFound;
  n.drift = status.drift;
  n.reason = "Drifted";
  n.message = std::to_string(status.drift.size()) + " field(s) differ from the desired state" +
              (warn ? " (driftPolicy warn: reported only)" : "");
  p.out.notifications.push_back(std::move(n));
  return StepResult::Continue();
}

// A deploy is what puts an image on a Space (a build, a wrapper, a new Space, new files); a
// corrected setting restarts the Space but deploys nothing new, so it is no deploy. The
// correcting pass says what it corrected, so the history shows what happened.
StepResult TrackDeploy(const StepContext&, Pass& p) {
  if (p.execution.writes <= 0) return StepResult::Continue();
  DeploymentStatus& status = p.out.status;
  const bool deploys = std::any_of(p.execution.outcomes.begin(), p.execution.outcomes.end(),
                                   [](const act::ActionOutcome& o) {
                                     return o.wrote && o.status.ok() && IsDeployAction(o.kind);
                                   });
  const report::Notification base = p.base.value_or(report::Notification{});
  const std::string deploying = base.image_ref + (base.image_digest.empty() ? "" : "@" + base.image_digest);
  if (deploys && (deploying != status.deploying || status.deploying_since.empty()))
    status.deploying_since = FormatRfc3339(p.now);
  if (deploys) status.deploying = deploying;
  const bool any_failed = std::any_of(p.execution.outcomes.begin(), p.execution.outcomes.end(),
                                      [](const act::ActionOutcome& o) { return !o.status.ok() && !o.skipped; });
  if (any_failed || status.drift.empty() || !Settled(p) || p.deployment.drift_policy != spec::DriftPolicy::kCorrect)
    return StepResult::Continue();
  report::Notification n = base;
  n.event = report::NotificationEvent::kDriftCorrected;
  n.drift = status.drift;
  n.reason = "DriftCorrected";
  n.message = std::to_string(p.execution.writes) + " change(s) made to correct " +
              std::to_string(status.drift.size()) + " drifted field(s)";
  p.out.notifications.push_back(std::move(n));
  std::vector<std::string> fields;
  for (const plan::DriftItem& item : status.drift)
    if (std::find(fields.begin(), fields.end(), item.field) == fields.end()) fields.push_back(item.field);
  p.corrected = "corrected drift in " + Join(fields, ", ") + "; ";
  return StepResult::Continue();
}

StepResult FailOnAction(const StepContext&, Pass& p) {
  for (const act::ActionOutcome& o : p.execution.outcomes) {
    if (o.status.ok() || o.skipped) continue;
    const std::string reason = o.reason.empty() ? "Failed" : o.reason;
    // The base tag moved between observe and act: no failure, a plan made for an older world.
    // Planned again at the next poll, with no DeployFailed.
    if (reason == "BaseMoved")
      return StepResult::End({EndingKind::kWaiting, p.plan_state(), reason, o.target + ": " + o.status.message()});
    return StepResult::End(Failure(p.plan_state(), reason,
                                   std::string(plan::to_string(o.kind)) + " " + o.target + ": " + o.status.message()));
  }
  return StepResult::Continue();
}

StepResult StallOnPlan(const StepContext&, Pass& p) {
  const plan::DeploymentPlan* dp = p.planned();
  if (!dp || dp->state != plan::DeploymentState::kStalled) return StepResult::Continue();
  const std::string message = dp->notes.empty() ? dp->reason : Join(dp->notes, "; ");
  return StepResult::End({EndingKind::kStalled, p.plan_state(), dp->reason, message});
}

StepResult StallOnHealthTimeout(const StepContext&, Pass& p) {
  if (!InProgress(p) || !SpaceTimedOut(p)) return StepResult::Continue();
  const std::string message = "the Spaces are not RUNNING " + std::to_string(HealthTimeout(p.deployment).count()) +
                              " s after the deploy of " + p.out.status.deploying +
                              " began (health.timeoutSeconds)";
  return StepResult::End({EndingKind::kStalled, p.plan_state(), "SpaceTimeout", message});
}

StepResult WaitForProgress(const StepContext&, Pass& p) {
  if (!InProgress(p)) return StepResult::Continue();
  const plan::DeploymentPlan* dp = p.planned();
  std::vector<std::string> waiting;
  for (const act::ActionOutcome& o : p.execution.outcomes)
    if (o.pending && !o.skipped) waiting.push_back(o.target + " " + o.result);
  const std::string message =
      p.corrected + (waiting.empty() ? (dp ? dp->reason : "Progressing") : "waiting for " + Join(waiting, "; "));
  // The reason names what is awaited now, not what the plan (made before acting) expected.
  std::string reason = dp && !dp->reason.empty() ? dp->reason : "Progressing";
  for (const act::ActionOutcome& o : p.execution.outcomes) {
    if (!o.pending || o.skipped) continue;
    if (o.kind == plan::ActionKind::kBuildImage || o.kind == plan::ActionKind::kAwaitBuild) {
      reason = "Building";
      break;
    }
    if (o.kind == plan::ActionKind::kAwaitRunning) reason = "SpaceBuilding";
  }
  return StepResult::End({EndingKind::kWaiting, p.plan_state(), reason, message});
}

StepResult WarnOnDrift(const StepContext&, Pass& p) {
  const plan::DeploymentPlan* dp = p.planned();
  if (!dp || dp->state != plan::DeploymentState::kDrifted) return StepResult::Continue();
  const std::string message =
      std::to_string(p.out.status.drift.size()) + " field(s) differ; driftPolicy warn: reported, not corrected";
  return StepResult::End({EndingKind::kWarned, p.plan_state(), "Drifted", message});
}

// Everything ran and nothing is on its way. Writes were made only if something differed.
StepResult Succeed(const StepContext&, Pass& p) {
  const plan::DeploymentPlan* dp = p.planned();
  std::string message = p.execution.writes > 0 ? p.corrected + std::to_string(p.execution.writes) + " change(s) applied"
                                               : "the world matches the desired state";
  // What could not be compared (a secretKeyRef outside Kubernetes) is said, not hidden by True.
  if (dp && !dp->notes.empty()) message += "; note: " + Join(dp->notes, "; ");
  return StepResult::End({EndingKind::kReady, p.plan_state(), "Succeeded", message});
}

}  // namespace spaceport::runtime
