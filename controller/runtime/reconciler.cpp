#include "runtime/reconciler.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "act/executor.h"
#include "base/digest.h"
#include "clients/hub/hub_types.h"
#include "plan/planner.h"
#include "plan/wrapper.h"
#include "runtime/status_from_pass.h"
#include "spec/defaults.h"

namespace spaceport::runtime {
namespace {

// Reasons that need a person (a fixed spec, a credential, a fixed build): no backoff loop,
// the deployment is looked at again after its interval or when its source changes.
bool IsStalledReason(const std::string& reason) {
  static const std::set<std::string> kStalled = {
      "AuthFailed", "ImageMissing", "SpaceFailed",    "BuildFailed", "InvalidSpec",
      "SpaceMissing", "DigestMismatch", "HealthCheckFailed", "SpaceTimeout", "SecretMissing", "Forbidden"};
  return kStalled.count(reason) > 0;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

void Field(std::ostringstream& out, const std::string& name, const std::string& value) {
  out << name << '=' << value.size() << ':' << value << ';';
}

}  // namespace

std::string SpecHash(const spec::SpaceDeployment& d) {
  // Length-prefixed fields in a fixed order: two different specs never serialise alike.
  std::ostringstream out;
  Field(out, "key", d.Key());
  for (const auto& [k, v] : d.labels) Field(out, "label." + k, v);
  for (const auto& [k, v] : d.annotations) Field(out, "annotation." + k, v);
  Field(out, "image.repository", d.image.repository);
  Field(out, "image.version", d.image.version.value_or("\x01"));
  Field(out, "image.semver", d.image.semver.value_or("\x01"));
  if (d.image.build) {
    if (const auto& gh = d.image.build->github_actions) {
      Field(out, "build.gh.repository", gh->repository);
      Field(out, "build.gh.workflow", gh->workflow);
      Field(out, "build.gh.ref", gh->ref);
      for (const auto& [k, v] : gh->inputs) Field(out, "build.gh.input." + k, v);
      if (gh->token) {
        Field(out, "build.gh.token.env", gh->token->from_env.value_or(""));
        if (gh->token->secret_key_ref)
          Field(out, "build.gh.token.ref", gh->token->secret_key_ref->name + "/" + gh->token->secret_key_ref->key);
      }
    }
    if (const auto& cmd = d.image.build->command) {
      for (const std::string& arg : cmd->run) Field(out, "build.run", arg);
      Field(out, "build.timeout", std::to_string(cmd->timeout.seconds));
    }
    if (const auto& job = d.image.build->kubernetes_job) {
      Field(out, "build.job.image", job->image);
      for (const std::string& arg : job->args) Field(out, "build.job.arg", arg);
      Field(out, "build.job.context", job->context.value_or("\x01"));
      Field(out, "build.job.dockerfile", job->dockerfile);
      Field(out, "build.job.serviceAccount", job->service_account_name.value_or("\x01"));
      Field(out, "build.job.requests.cpu", job->resources.requests.cpu.value_or("\x01"));
      Field(out, "build.job.requests.memory", job->resources.requests.memory.value_or("\x01"));
      Field(out, "build.job.limits.cpu", job->resources.limits.cpu.value_or("\x01"));
      Field(out, "build.job.limits.memory", job->resources.limits.memory.value_or("\x01"));
      Field(out, "build.job.deadline", std::to_string(job->active_deadline_seconds));
      Field(out, "build.job.ttl", std::to_string(job->ttl_seconds_after_finished));
      Field(out, "build.job.pushSecret", job->push_secret.value_or("\x01"));
      Field(out, "build.job.namespace", job->namespace_.value_or("\x01"));
      Field(out, "build.job.runAsUser", job->run_as_user ? std::to_string(*job->run_as_user) : "\x01");
    }
  }
  for (const std::string& p : d.wrapper.platforms) Field(out, "wrapper.platform", p);
  for (const auto& [k, v] : d.wrapper.env) Field(out, "wrapper.env." + k, v);
  Field(out, "wrapper.port", std::to_string(d.wrapper.port));
  for (const spec::SpaceSpec& s : d.spaces) {
    Field(out, "space", s.id);
    Field(out, "create", s.create ? "1" : "0");
    Field(out, "private", s.is_private ? "1" : "0");
    Field(out, "hardware", s.hardware.value_or("\x01"));
    Field(out, "sleep", s.sleep_time_seconds ? std::to_string(*s.sleep_time_seconds) : "\x01");
    Field(out, "variables", s.variables ? "1" : "0");
    if (s.variables)
      for (const auto& [k, v] : *s.variables) Field(out, "variable." + k, v);
    Field(out, "secrets", s.secrets ? "1" : "0");
    if (s.secrets)
      for (const auto& [k, v] : *s.secrets)
        Field(out, "secret." + k,
              v.from_env.value_or("") + "|" +
                  (v.secret_key_ref ? v.secret_key_ref->name + "/" + v.secret_key_ref->key : ""));
    Field(out, "health.path", s.health.path);
    Field(out, "health.timeout", std::to_string(s.health.timeout_seconds));
    Field(out, "card.title", s.card.title.value_or("\x01"));
    Field(out, "card.emoji", s.card.emoji.value_or("\x01"));
    Field(out, "card.colorFrom", s.card.color_from.value_or("\x01"));
    Field(out, "card.colorTo", s.card.color_to.value_or("\x01"));
    Field(out, "card.short", s.card.short_description.value_or("\x01"));
    Field(out, "card.license", s.card.license.value_or("\x01"));
    Field(out, "card.pinned", s.card.pinned ? (*s.card.pinned ? "1" : "0") : "\x01");
  }
  Field(out, "driftPolicy", spec::to_string(d.drift_policy));
  Field(out, "suspend", d.suspend ? "1" : "0");
  Field(out, "interval", std::to_string(d.interval.seconds));
  return "sha256:" + Sha256Hex(out.str());
}

Reconciler::Reconciler(World& world, ReconcilerOptions options, Clock& clock)
    : world_(world), options_(std::move(options)), clock_(clock) {}

namespace {

// One pass's working state, filled step by step.
struct Pass {
  const spec::SpaceDeployment& deployment;
  const DeploymentStatus& previous;
  ReconcileOutcome out;
  observe::Observation observation;
  plan::Plan plan;
  act::ExecutionReport execution;
  std::string space_url_base;
  Clock::TimePoint now;
};

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

// DeployFailed, once per change of the failure reason (not on every retry of the same one).
void NotifyFailure(Pass& p, const std::string& reason, const std::string& message,
                   report::Notification base) {
  const Condition* before = FindCondition(p.previous, "Ready");
  if (reason != "SpaceTimeout") {  // a late RUNNING still ends that deploy with success
    p.out.status.deploying.clear();
    p.out.status.deploying_since.clear();
  }
  if (before != nullptr && before->status == "False" && before->reason == reason) return;
  base.event = report::NotificationEvent::kDeployFailed;
  base.deployment = p.deployment.Key();
  base.reason = reason;
  base.message = message;
  p.out.notifications.push_back(std::move(base));
}

}  // namespace

ReconcileOutcome Reconciler::Reconcile(const spec::SpaceDeployment& deployment,
                                       const std::string& revision,
                                       const DeploymentStatus& previous) {
  const auto started = clock_.Steady();
  Pass p{deployment, previous, {}, {}, {}, {}, world_.config.hub.endpoint, clock_.Now()};
  p.out.status = previous;
  DeploymentStatus& status = p.out.status;
  status.key = deployment.Key();
  status.source = deployment.position.file + ":" + std::to_string(deployment.position.line);
  status.revision = revision;
  status.spec_hash = SpecHash(deployment);
  status.suspended = deployment.suspend;
  status.last_reconcile_time = FormatRfc3339(p.now);

  ReconcileRecord record;
  record.time = FormatRfc3339(p.now);
  record.revision = revision;
  auto finish = [&](std::string result, std::string state, std::string reason, std::string message) {
    record.result = std::move(result);
    record.state = std::move(state);
    record.reason = std::move(reason);
    record.message = std::move(message);
    record.seconds = std::chrono::duration<double>(clock_.Steady() - started).count();
    record.writes = p.execution.writes;
    record.actions = static_cast<int>(p.execution.outcomes.size());
    record.failed = static_cast<int>(std::count_if(p.execution.outcomes.begin(), p.execution.outcomes.end(),
                                                   [](const act::ActionOutcome& o) { return !o.status.ok(); }));
    p.out.result = record.result;
    RecordReconcile(status, record);
  };

  // 1. Suspended: shown, not touched.
  if (deployment.suspend) {
    SetReady(p, "Unknown", "Suspended", "spec.suspend is true: not reconciled");
    SetFlag(p, "Reconciling", false, "", "");
    SetFlag(p, "Stalled", false, "", "");
    finish("success", "Suspended", "Suspended", "suspended");
    return std::move(p.out);
  }

  // 2. Kubernetes mode: every Secret key the spec names must be readable, else nothing is changed
  // (a missing secret would look like drift to delete).
  if (world_.check_secret) {
    std::vector<std::string> missing;
    std::string reason = "SecretMissing";
    for (const spec::SecretKeyRef& ref : SecretKeyRefsOf(deployment))
      if (Status s = world_.check_secret(deployment.namespace_, ref); !s.ok()) {
        missing.push_back(s.message());
        if (s.code() == StatusCode::kPermissionDenied || s.code() == StatusCode::kUnauthenticated) reason = "Forbidden";
      }
    if (!missing.empty()) {
      const std::string message = Join(missing, "; ");
      SetReady(p, "False", reason, message);
      SetFlag(p, "Stalled", true, reason, message);
      SetFlag(p, "Reconciling", false, "", "");
      p.out.requeue = Requeue::kAfterInterval;
      finish("success", "Stalled", reason, message);
      NotifyFailure(p, reason, message, {});
      return std::move(p.out);
    }
  }

  // 3. Observe what this deployment names.
  const std::vector<spec::SpaceDeployment> one{deployment};
  WorldObservation seen = ObserveDeployments(world_, one, p.observation, {options_.settings_cache, options_.manifest_cache, options_.list_cache,
                                                         ListMaxAge(deployment)});
  p.out.hub_requests = seen.hub_requests;
  p.out.registry_requests = seen.registry_requests;

  // 4. Plan.
  p.plan = plan::MakePlan(one, p.observation);
  p.out.plan = p.plan;
  const plan::DeploymentPlan* dp = p.plan.deployments.empty() ? nullptr : &p.plan.deployments.front();
  status.drift.clear();
  for (const plan::DriftItem& item : p.plan.drift) status.drift.push_back(item);

  if (!seen.complete()) {
    // Nothing is changed on a partial view; the reason of the first problem picks the condition.
    const ObserveProblem& first = seen.problems.front();
    std::vector<std::string> parts;
    for (const ObserveProblem& problem : seen.problems) parts.push_back(problem.what + ": " + problem.message);
    const std::string message = "not observed: " + Join(parts, "; ");
    const bool stalled = IsStalledReason(first.reason);
    SetReady(p, "False", first.reason, message);
    SetFlag(p, "Stalled", stalled, first.reason, message);
    SetFlag(p, "Reconciling", !stalled, "Progressing", "retrying after " + first.reason);
    FillImage(p);
    FillSpaces(p);
    p.out.requeue = stalled ? Requeue::kAfterInterval : Requeue::kBackoff;
    finish(stalled ? "success" : "error", "Unknown", first.reason, message);
    NotifyFailure(p, first.reason, message, {});
    return std::move(p.out);
  }

  // 5. Act: builds and Spaces on their way are looked at once, never waited for here.
  act::ExecutorDeps deps;
  deps.registries = world_.registries.get();
  deps.builders = BuildersOf(world_);
  deps.hub = world_.hub.get();
  deps.health_transport = world_.health_transport.get();
  if (world_.config.hub.allow_plain_http) {
    auto url = http::Url::Parse(world_.config.hub.endpoint);
    if (url.ok()) deps.insecure_origins.push_back(url->Origin());
  }
  deps.clock = &clock_;
  deps.fingerprint_key = world_.fingerprint_key;
  deps.state_dir = world_.state_dir;
  deps.env = world_.env;
  deps.secret_key = world_.secret_key;
  deps.follow = false;
  if (options_.log) deps.progress = options_.log;
  p.execution = act::Executor(std::move(deps)).Run(p.plan, one);
  p.out.actions = p.execution.outcomes;
  if (options_.list_cache != nullptr)
    for (const act::ActionOutcome& o : p.execution.outcomes)
      if (o.wrote && !o.skipped && o.target.find(':') == std::string::npos) options_.list_cache->Invalidate(o.target);
  if (options_.settings_cache != nullptr)
    for (const act::ActionOutcome& o : p.execution.outcomes)
      if ((o.kind == plan::ActionKind::kSetVariables || o.kind == plan::ActionKind::kSetSecrets ||
           o.kind == plan::ActionKind::kCreateSpace) && !o.skipped)
        options_.settings_cache->Invalidate(o.target);

  // 6. Status.
  FillImage(p);
  FillSpaces(p);
  const std::string state = dp ? plan::to_string(dp->state) : "InSync";
  const act::ActionOutcome* failed = nullptr;
  for (const act::ActionOutcome& o : p.execution.outcomes)
    if (!o.status.ok() && !o.skipped) {
      failed = &o;
      break;
    }
  report::Notification base;
  base.deployment = deployment.Key();
  base.revision = revision;
  if (!status.resolved_version.empty())
    base.image_ref = deployment.image.repository + ":" + status.resolved_version;
  base.image_digest = status.resolved_digest;
  base.build_url = status.build_url;
  for (const SpaceStatus& s : status.spaces) base.spaces.push_back({s.space, s.url, s.stage});

  // Drift is the world moving away from a spec it had reached. Differences from a new
  // deployment, an edited spec, a newly resolved version or a deploy still on its way are a
  // deploy (DeploySucceeded or DeployFailed tells how it ended), except under driftPolicy warn,
  // where nothing else reports them.
  const bool settled = !previous.history.empty() && previous.spec_hash == status.spec_hash &&
                       previous.resolved_version == status.resolved_version &&
                       previous.resolved_digest == status.resolved_digest && previous.deploying.empty();
  const bool out_of_band = deployment.drift_policy == spec::DriftPolicy::kWarn || settled;
  const bool drift_changed = status.drift != previous.drift;
  if (!status.drift.empty() && drift_changed && out_of_band) {
    report::Notification n = base;
    n.event = report::NotificationEvent::kDriftFound;
    n.drift = status.drift;
    n.reason = "Drifted";
    n.message = std::to_string(status.drift.size()) + " field(s) differ from the desired state" +
                (deployment.drift_policy == spec::DriftPolicy::kWarn ? " (driftPolicy warn: reported only)" : "");
    p.out.notifications.push_back(std::move(n));
  }

  // Said in the status message of the correcting pass, so the history shows what happened.
  std::string corrected;
  if (p.execution.writes > 0) {
    // A deploy is what puts an image on a Space (a build, a wrapper, a new Space, new files);
    // a corrected setting restarts the Space but deploys nothing new, so it is no DeploySucceeded.
    const bool deploys = std::any_of(p.execution.outcomes.begin(), p.execution.outcomes.end(),
                                     [](const act::ActionOutcome& o) {
                                       return o.wrote && o.status.ok() && IsDeployAction(o.kind);
                                     });
    const std::string deploying = base.image_ref + (base.image_digest.empty() ? "" : "@" + base.image_digest);
    if (deploys && (deploying != status.deploying || status.deploying_since.empty()))
      status.deploying_since = FormatRfc3339(p.now);
    if (deploys) status.deploying = deploying;
    if (failed == nullptr && !status.drift.empty() && settled &&
        deployment.drift_policy == spec::DriftPolicy::kCorrect) {
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
      corrected = "corrected drift in " + Join(fields, ", ") + "; ";
    }
  }

  if (failed != nullptr) {
    const std::string reason = failed->reason.empty() ? "Failed" : failed->reason;
    std::string message = std::string(plan::to_string(failed->kind)) + " " + failed->target + ": " +
                          failed->status.message();
    const bool stalled = IsStalledReason(reason);
    SetReady(p, "False", reason, message);
    SetFlag(p, "Stalled", stalled, reason, message);
    SetFlag(p, "Reconciling", !stalled, "Progressing", "retrying after " + reason);
    p.out.requeue = stalled ? Requeue::kAfterInterval : Requeue::kBackoff;
    finish(stalled ? "success" : "error", state, reason, message);
    NotifyFailure(p, reason, message, base);
    return std::move(p.out);
  }

  const bool pending = p.execution.pending() || (dp && dp->state == plan::DeploymentState::kProgressing);
  if (dp && dp->state == plan::DeploymentState::kStalled) {
    const std::string message = dp->notes.empty() ? dp->reason : Join(dp->notes, "; ");
    SetReady(p, "False", dp->reason, message);
    SetFlag(p, "Stalled", true, dp->reason, message);
    SetFlag(p, "Reconciling", false, "", "");
    p.out.requeue = Requeue::kAfterInterval;
    finish("success", state, dp->reason, message);
    NotifyFailure(p, dp->reason, message, base);
    return std::move(p.out);
  }
  if (pending && SpaceTimedOut(p)) {
    const std::string message = "the Spaces are not RUNNING " + std::to_string(HealthTimeout(deployment).count()) +
                                " s after the deploy of " + status.deploying + " began (health.timeoutSeconds)";
    SetReady(p, "False", "SpaceTimeout", message);
    SetFlag(p, "Stalled", true, "SpaceTimeout", message);
    SetFlag(p, "Reconciling", false, "", "");
    p.out.requeue = Requeue::kAfterInterval;
    finish("success", state, "SpaceTimeout", message);
    NotifyFailure(p, "SpaceTimeout", message, base);
    return std::move(p.out);
  }
  if (pending) {
    std::vector<std::string> waiting;
    for (const act::ActionOutcome& o : p.execution.outcomes)
      if (o.pending && !o.skipped) waiting.push_back(o.target + " " + o.result);
    const std::string message = corrected + (waiting.empty() ? (dp ? dp->reason : "Progressing")
                                                             : "waiting for " + Join(waiting, "; "));
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
    SetReady(p, "False", reason, message);
    SetFlag(p, "Reconciling", true, reason, message);
    SetFlag(p, "Stalled", false, "", "");
    p.out.requeue = Requeue::kAfterPoll;
    finish("requeue", state, reason, message);
    return std::move(p.out);
  }
  if (dp && dp->state == plan::DeploymentState::kDrifted) {
    const std::string message = std::to_string(status.drift.size()) +
                                " field(s) differ; driftPolicy warn: reported, not corrected";
    SetReady(p, "False", "Drifted", message);
    SetFlag(p, "Reconciling", false, "", "");
    SetFlag(p, "Stalled", false, "", "");
    p.out.requeue = Requeue::kAfterInterval;
    finish("success", state, "Drifted", message);
    return std::move(p.out);
  }

  // Everything ran and nothing is on its way. Writes were made only if something differed.
  std::string message = p.execution.writes > 0
                            ? corrected + std::to_string(p.execution.writes) + " change(s) applied"
                            : "the world matches the desired state";
  // What could not be compared (a secretKeyRef outside Kubernetes) is said, not hidden by True.
  if (dp && !dp->notes.empty()) message += "; note: " + Join(dp->notes, "; ");
  SetReady(p, "True", "Succeeded", message);
  SetFlag(p, "Reconciling", false, "", "");
  SetFlag(p, "Stalled", false, "", "");
  p.out.requeue = Requeue::kAfterInterval;
  finish("success", state, "Succeeded", message);
  if (!status.deploying.empty()) {
    report::Notification n = base;
    n.event = report::NotificationEvent::kDeploySucceeded;
    n.reason = "Succeeded";
    n.message = status.deploying + " is running on " + std::to_string(status.spaces.size()) + " Space(s)";
    p.out.notifications.push_back(std::move(n));
    status.deploying.clear();
    status.deploying_since.clear();
  }
  return std::move(p.out);
}

}  // namespace spaceport::runtime
