#include "act/executor.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include "act/build_kubernetes_job.h"
#include "act/builds_in_flight.h"
#include "act/wrapper_publisher.h"
#include "base/digest.h"
#include "clients/hub/hub_error.h"
#include "clients/oci/reference.h"
#include "clients/oci/registry_error.h"
#include "observe/secret_source.h"
#include "observe/space_file_cache.h"
#include "plan/action_ref.h"
#include "plan/fingerprint.h"
#include "plan/space_files.h"

namespace spaceport::act {

bool ExecutionReport::pending() const {
  return std::any_of(outcomes.begin(), outcomes.end(),
                     [](const ActionOutcome& o) { return o.pending; });
}

bool ExecutionReport::ok() const {
  return std::all_of(outcomes.begin(), outcomes.end(),
                     [](const ActionOutcome& o) { return o.status.ok(); });
}

struct Executor::Context {
  std::map<std::string, const spec::SpaceDeployment*> deployments;  // by key
  std::map<std::string, std::string> versions;                      // key → resolved version
  std::map<int, std::string> results;                               // action id → value
  std::set<int> failed;                                             // failed or skipped ids
  std::set<int> pending;                                            // still on their way
  std::map<std::string, std::string> commits;                       // space → commit we made

  // Replaces every "<from action N>" by N's result.
  std::string Resolve(const std::string& text) const {
    return plan::SubstituteActionRefs(text, [this](int id) -> std::optional<std::string> {
      auto r = results.find(id);
      return r == results.end() ? std::nullopt : std::optional<std::string>(r->second);
    });
  }
  const spec::SpaceDeployment* Deployment(const plan::Action& a) const {
    auto d = deployments.find(a.deployment);
    return d == deployments.end() ? nullptr : d->second;
  }
  const spec::SpaceSpec* Space(const plan::Action& a) const {
    auto d = deployments.find(a.deployment);
    if (d == deployments.end()) return nullptr;
    for (const auto& s : d->second->spaces)
      if (s.id == a.target) return &s;
    return nullptr;
  }
};

namespace {

std::string Param(const plan::Action& a, const std::string& key) {
  auto it = a.params.find(key);
  return it == a.params.end() ? std::string() : it->second;
}

std::vector<std::string> Split(const std::string& csv) {
  std::vector<std::string> out;
  std::stringstream in(csv);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

bool IsWrite(plan::ActionKind k) {
  return k != plan::ActionKind::kAwaitRunning && k != plan::ActionKind::kAwaitBuild;
}

std::string ReasonFor(plan::ActionKind kind, const Status& s) {
  if (kind == plan::ActionKind::kPublishWrapper && s.code() == StatusCode::kConflict) return "BaseMoved";
  if (kind == plan::ActionKind::kPublishWrapper) return std::string(oci::ConditionReasonFor(s));
  if (kind == plan::ActionKind::kAwaitRunning && s.code() == StatusCode::kFailedPrecondition)
    return "SpaceFailed";
  if (kind == plan::ActionKind::kAwaitRunning && s.code() == StatusCode::kDeadlineExceeded)
    return "SpaceTimeout";
  return std::string(hub::ConditionReasonFor(s));
}

}  // namespace

void Executor::Progress(const std::string& line) const {
  if (deps_.progress) deps_.progress(line);
}

ExecutionReport Executor::Run(const plan::Plan& plan,
                              const std::vector<spec::SpaceDeployment>& desired) {
  Context ctx;
  for (const auto& d : desired) ctx.deployments[d.Key()] = &d;
  for (const auto& d : plan.deployments) ctx.versions[d.key] = d.resolved_version;

  ExecutionReport report;
  for (const plan::Action& action : plan.actions) {
    ActionOutcome out;
    out.id = action.id;
    out.kind = action.kind;
    out.deployment = action.deployment;
    out.target = action.target;
    for (int dep : action.depends_on) {
      if (ctx.pending.count(dep)) {
        out.skipped = out.pending = true;
        out.status = Status::Ok();
        out.result = "waits for action " + std::to_string(dep);
        break;
      }
      if (ctx.failed.count(dep)) {
        out.skipped = true;
        out.status = FailedPrecondition("skipped: action " + std::to_string(dep) + " did not succeed");
        break;
      }
    }
    if (!out.skipped) {
      Progress(action.deployment + ": " + plan::to_string(action.kind) + " " + action.target + " ...");
      const auto start = deps_.clock->Steady();
      out.status = RunAction(action, ctx, out);
      out.seconds = std::chrono::duration<double>(deps_.clock->Steady() - start).count();
      if (out.status.ok() && IsWrite(action.kind) && out.wrote) ++report.writes;
      char elapsed[32];
      std::snprintf(elapsed, sizeof elapsed, "%.1fs", out.seconds);
      Progress(action.deployment + ": " + plan::to_string(action.kind) + " " + action.target + " " +
               (out.status.ok() ? "done" : "FAILED") + " in " + elapsed +
               (out.result.empty() ? "" : " (" + out.result + ")") +
               (out.status.ok() ? "" : ": " + out.status.message()));
    }
    if (out.pending) ctx.pending.insert(action.id);
    if (!out.status.ok()) {
      ctx.failed.insert(action.id);
      if (out.reason.empty()) out.reason = ReasonFor(action.kind, out.status);
    }
    report.outcomes.push_back(std::move(out));
  }
  return report;
}

Status Executor::RunAction(const plan::Action& a, Context& ctx, ActionOutcome& out) {
  using K = plan::ActionKind;
  const bool needs_hub = a.kind != K::kPublishWrapper && a.kind != K::kBuildImage &&
                         a.kind != K::kAwaitBuild;
  if (needs_hub && deps_.hub == nullptr)
    return FailedPrecondition("no Hub client configured (set HF_TOKEN or the config's hub section)");
  switch (a.kind) {
    case K::kBuildImage: return RunBuild(a, ctx, out, /*start=*/true);
    case K::kAwaitBuild: return RunBuild(a, ctx, out, /*start=*/false);
    case K::kPublishWrapper: return PublishWrapper(a, ctx, out);
    case K::kCreateSpace: return CreateSpace(a, ctx, out);
    case K::kCommitSpaceFiles: return CommitFiles(a, ctx, out);
    case K::kSetVariables: return SetVariables(a, out);
    case K::kSetSecrets: return SetSecrets(a, ctx, out);
    case K::kSetHardware: {
      auto r = deps_.hub->RequestHardware(a.target, {Param(a, "hardware"), std::nullopt});
      out.wrote = r.ok();
      return r.status();
    }
    case K::kSetSleepTime: {
      auto r = deps_.hub->SetSleepTime(a.target, std::stoll(Param(a, "sleepTimeSeconds")));
      out.wrote = r.ok();
      return r.status();
    }
    case K::kResumeSpace: {
      auto r = deps_.hub->Restart(a.target);
      out.wrote = r.ok();
      return r.status();
    }
    case K::kAwaitRunning: return AwaitRunning(a, ctx, out);
  }
  return Internal("unknown action kind");
}

namespace {

// The lock of one wrapper image (REPOSITORY:VERSION@PLATFORM) in this process. Deployments that
// share an image are reconciled by different workers at once and would all push the same
// wrapper; one at a time, the first pushes and the others find it published. Besides saving the
// requests, this keeps a registry from serving a manifest while another push rewrites it: the
// filesystem storage of docker-registry answers such a read with 500, and a Space build that
// checks its FROM image at that moment fails.
std::mutex& WrapperLock(const std::string& wrapper) {
  static std::mutex guard;
  static std::map<std::string, std::unique_ptr<std::mutex>> locks;
  std::lock_guard<std::mutex> lock(guard);
  std::unique_ptr<std::mutex>& m = locks[wrapper];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

}  // namespace

Status Executor::PublishWrapper(const plan::Action& a, Context& ctx, ActionOutcome& out) {
  if (deps_.registries == nullptr) return FailedPrecondition("no registries configured");
  const std::string base = Param(a, "base");  // REPO:VERSION
  const size_t colon = base.rfind(':');
  auto d = ctx.deployments.find(a.deployment);
  if (colon == std::string::npos || d == ctx.deployments.end())
    return Internal("PublishWrapper without a base or deployment");
  const std::string repository = base.substr(0, colon);
  auto ref = oci::Reference::Parse(repository);
  if (!ref.ok()) return ref.status();
  auto client = deps_.registries->For(ref->registry);
  if (!client.ok()) return client.status();
  WrapperPublication p{repository, base.substr(colon + 1), Param(a, "platform"), d->second->wrapper, "",
                       Param(a, "baseDigest")};
  std::lock_guard<std::mutex> one_at_a_time(WrapperLock(base + "@" + p.platform));
  auto published = act::PublishWrapper(**client, p);
  if (!published.ok()) return published.status();
  ctx.results[a.id] = published->digest;
  out.digest = published->digest;
  out.result = published->digest + (published->skipped ? ", already published" : "");
  out.wrote = !published->skipped;
  return Status::Ok();
}

// Starts (or finds again) the build of the image, follows it to the end, and then waits until
// the registry shows the tag: a build that "succeeded" without a tag is not a success.
Status Executor::RunBuild(const plan::Action& a, Context& ctx, ActionOutcome& out, bool start) {
  auto d = ctx.deployments.find(a.deployment);
  if (d == ctx.deployments.end() || !d->second->image.build)
    return Internal("build action for a deployment without a build section");
  const spec::SpaceDeployment& deployment = *d->second;
  auto builder = deps_.builders.find(BuilderKey(*deployment.image.build));
  if (builder == deps_.builders.end() || builder->second == nullptr) {
    out.reason = "BuildFailed";
    if (deployment.image.build->kubernetes_job)
      return FailedPrecondition(std::string(kKubernetesJobNeedsKube));
    return FailedPrecondition("no " + BackendOf(*deployment.image.build) +
                              " build backend is configured (githubActions needs GITHUB_TOKEN or "
                              "the build's token)");
  }
  // A role without the verbs a Job build needs stalls like a Secret it may not read.
  const auto forbidden = [&](const Status& s) {
    if (s.code() == StatusCode::kPermissionDenied && deployment.image.build->kubernetes_job)
      out.reason = "Forbidden";
    return s;
  };
  const std::string image = Param(a, "image");
  const BuildRequest request = RequestFor(deployment, image.substr(image.rfind(':') + 1));
  Result<std::optional<BuildHandle>> found = builder->second->Find(request);
  if (!found.ok()) return forbidden(found.status());
  std::optional<BuildHandle> handle = *found;
  if (!handle) {
    if (!start) return FailedPrecondition("the build of " + image + " is no longer found");
    auto started = builder->second->Start(request);
    if (!started.ok()) return forbidden(started.status());
    handle = *started;
    out.wrote = true;
  }
  Progress(a.deployment + ": build of " + image + " is " + handle->backend + " " + handle->id +
           (handle->url.empty() ? "" : " " + handle->url));

  auto poll = deps_.initial_poll;
  std::string last;
  while (true) {
    auto state = builder->second->Poll(request, *handle);
    if (!state.ok()) return forbidden(state.status());
    const std::string phase(BuildPhaseName(state->phase));
    if (phase != last) Progress(a.deployment + ": build of " + image + " is " + (last = phase));
    if (state->phase == BuildPhase::kFailed) {
      out.reason = "BuildFailed";
      out.url = state->url;
      out.result = state->url;
      out.log_tail = OutputLines(state->output_tail);
      return FailedPrecondition("build of " + image + " failed" +
                                (state->message.empty() ? "" : ": " + state->message) +
                                (state->url.empty() ? "" : " (" + state->url + ")"));
    }
    if (state->phase == BuildPhase::kSucceeded) {
      out.url = state->url;
      out.result = state->url;
      break;
    }
    if (!deps_.follow) {
      out.pending = true;
      out.url = state->url;
      out.result = phase + (state->url.empty() ? "" : ", " + state->url);
      return Status::Ok();
    }
    deps_.clock->SleepFor(poll);
    poll = std::min(poll * 2, deps_.max_poll);
  }

  // Observed, never assumed: the tag must be in the registry before anything builds on it.
  if (deps_.registries == nullptr) return FailedPrecondition("no registries configured");
  auto ref = oci::Reference::Parse(request.repository);
  if (!ref.ok()) return ref.status();
  auto client = deps_.registries->For(ref->registry);
  if (!client.ok()) return client.status();
  const auto deadline = deps_.clock->Steady() + deps_.tag_wait;
  poll = deps_.initial_poll;
  while (true) {
    auto head = (*client)->HeadManifest(ref->repository, request.version);
    if (head.ok()) {
      out.digest = head->digest;
      out.result = head->digest + (out.result.empty() ? "" : ", " + out.result);
      return Status::Ok();
    }
    if (head.status().code() != StatusCode::kNotFound) return head.status();
    if (!deps_.follow) {
      out.pending = true;
      out.result = "built; waiting for the tag" + (out.result.empty() ? "" : ", " + out.result);
      return Status::Ok();
    }
    if (deps_.clock->Steady() + poll > deadline) {
      out.reason = "ImageMissing";
      return {StatusCode::kDeadlineExceeded,
              "the build of " + image + " succeeded but the tag did not appear in the registry"};
    }
    deps_.clock->SleepFor(poll);
    poll = std::min(poll * 2, deps_.max_poll);
  }
}

Status Executor::CreateSpace(const plan::Action& a, Context& ctx, ActionOutcome& out) {
  hub::CreateSpaceRequest request;
  request.id = a.target;
  request.sdk = Param(a, "sdk").empty() ? "docker" : Param(a, "sdk");
  request.is_private = Param(a, "private") == "true";
  auto created = deps_.hub->CreateSpace(request);
  if (!created.ok()) return created.status();
  auto info = deps_.hub->GetSpaceInfo(a.target, {"sha"});
  if (!info.ok()) return info.status();
  ctx.results[a.id] = info->sha.value_or("");
  out.result = created->already_existed ? "already existed" : created->url;
  out.wrote = !created->already_existed;
  return Status::Ok();
}

Status Executor::CommitFiles(const plan::Action& a, Context& ctx, ActionOutcome& out) {
  const spec::SpaceSpec* space = ctx.Space(a);
  if (space == nullptr) return Internal("CommitSpaceFiles for a Space not in the spec");
  const std::string wrapper_ref = ctx.Resolve(Param(a, "wrapperRef"));
  if (wrapper_ref.find("<") != std::string::npos)
    return FailedPrecondition("wrapper digest unknown: " + wrapper_ref);
  const plan::SpaceFiles files = plan::RenderSpaceFiles(*ctx.deployments.at(a.deployment), *space,
                                                        ctx.versions[a.deployment], wrapper_ref);
  hub::CommitRequest request;
  request.summary = Param(a, "summary");
  request.description = "Deployed by Spaceport from SpaceDeployment " + a.deployment + ".";
  request.parent_commit = ctx.Resolve(Param(a, "parentCommit"));
  for (const std::string& path : Split(Param(a, "files"))) {
    if (path == "Dockerfile") request.files.push_back({path, files.dockerfile});
    if (path == "README.md") request.files.push_back({path, files.readme});
  }
  auto commit = deps_.hub->Commit(a.target, request);
  if (!commit.ok()) return commit.status();
  ctx.results[a.id] = commit->commit_id;
  ctx.commits[a.target] = commit->commit_id;
  // The commit holds exactly these files, so the next observation need not download them.
  if (request.files.size() == 2 && request.deletions.empty())
    (void)observe::SpaceFileCache(deps_.state_dir)
        .Store(a.target, {commit->commit_id, files.dockerfile, files.readme});
  out.commit = commit->commit_id;
  out.result = "commit " + commit->commit_id.substr(0, 12);
  out.wrote = true;
  return Status::Ok();
}

Status Executor::SetVariables(const plan::Action& a, ActionOutcome& out) {
  int changed = 0;
  for (const auto& [key, value] : a.params) {
    if (key.rfind("set.", 0) != 0) continue;
    auto r = deps_.hub->SetVariable(a.target, key.substr(4), value);
    if (!r.ok()) return r.status();
    ++changed;
  }
  for (const std::string& key : Split(Param(a, "delete"))) {
    auto r = deps_.hub->DeleteVariable(a.target, key);
    if (!r.ok()) return r.status();
    ++changed;
  }
  out.result = std::to_string(changed) + " variable(s)";
  out.wrote = changed > 0;
  return Status::Ok();
}

Status Executor::SetSecrets(const plan::Action& a, Context& ctx, ActionOutcome& out) {
  const spec::SpaceSpec* space = ctx.Space(a);
  if (space == nullptr || !space->secrets) return Internal("SetSecrets for a Space without secrets");
  if (deps_.fingerprint_key.empty()) return FailedPrecondition("no fingerprint key");
  int changed = 0;
  for (const std::string& key : Split(Param(a, "set"))) {
    auto source = space->secrets->find(key);
    if (source == space->secrets->end()) return Internal("secret " + key + " not in the spec");
    // The value is read now, used once, and never stored or printed.
    const spec::SpaceDeployment* d = ctx.Deployment(a);
    std::optional<std::string> value =
        observe::ResolveSecretValue(source->second, deps_.env, deps_.secret_key, d ? d->namespace_ : "");
    if (!value) return FailedPrecondition("the value of secret " + key + " is not available");
    Status s = deps_.hub->SetSecret(a.target, key, *value,
                                    plan::FormatFingerprintDescription(
                                        HmacSha256Hex(deps_.fingerprint_key, *value)));
    if (!s.ok()) return s;
    ++changed;
  }
  for (const std::string& key : Split(Param(a, "delete"))) {
    Status s = deps_.hub->DeleteSecret(a.target, key);
    if (!s.ok()) return s;
    ++changed;
  }
  out.result = std::to_string(changed) + " secret(s)";
  out.wrote = changed > 0;
  return Status::Ok();
}

Status Executor::AwaitRunning(const plan::Action& a, Context& ctx, ActionOutcome& out) {
  const auto timeout = std::chrono::seconds(std::stoll(Param(a, "timeoutSeconds")));
  const auto deadline = deps_.clock->Steady() + timeout;
  const auto commit = ctx.commits.find(a.target);
  auto poll = deps_.initial_poll;
  std::string last_stage;
  while (true) {
    auto runtime = deps_.hub->GetSpaceRuntime(a.target);
    if (!runtime.ok()) return runtime.status();
    if (runtime->stage != last_stage) {
      Progress(a.deployment + ": " + a.target + " is " + runtime->stage);
      last_stage = runtime->stage;
    }
    // A commit we just made must be the one running; until the Hub reports its sha, an old
    // RUNNING is not the new version.
    const bool ours = commit == ctx.commits.end() || !runtime->sha ||
                      *runtime->sha == commit->second;
    out.stage = runtime->stage;
    if (ours && runtime->stage == "RUNNING") {
      out.result = "RUNNING";
      const std::string path = Param(a, "healthPath");
      if (!path.empty()) {
        Status health = CheckHealth(a.target, path);
        if (!health.ok()) {
          out.reason = "HealthCheckFailed";
          return health;
        }
        out.result += ", " + path + " healthy";
      }
      return Status::Ok();
    }
    if (ours && hub::IsErrorStage(runtime->stage)) {
      const hub::LogKind kind =
          runtime->stage == "BUILD_ERROR" ? hub::LogKind::kBuild : hub::LogKind::kRun;
      if (auto tail = deps_.hub->TailLogs(a.target, kind, {20, std::chrono::milliseconds(3000)}); tail.ok())
        out.log_tail = tail->lines;
      out.result = runtime->stage;
      return FailedPrecondition(a.target + " is " + runtime->stage +
                                (runtime->error_message ? ": " + *runtime->error_message : ""));
    }
    // A stage the Hub added after this was written is waited on, never taken for RUNNING, and
    // named as unknown so the status says why the wait goes on.
    const bool unknown = hub::ClassifyStage(runtime->stage) == hub::StageClass::kUnknown;
    const std::string stage_text =
        runtime->stage.empty() ? std::string("none")
                               : runtime->stage + (unknown ? " (a stage Spaceport does not know)" : "");
    if (!deps_.follow) {
      out.pending = true;
      out.result = runtime->stage.empty() ? "not running yet" : stage_text;
      return Status::Ok();
    }
    if (deps_.clock->Steady() + poll > deadline)
      return {StatusCode::kDeadlineExceeded,
              a.target + " not RUNNING after " + std::to_string(timeout.count()) + "s (stage " +
                  stage_text + ")"};
    deps_.clock->SleepFor(poll);
    poll = std::min(poll * 2, deps_.max_poll);
  }
}

Status Executor::CheckHealth(const std::string& space, const std::string& path) {
  if (deps_.health_transport == nullptr) return Status::Ok();
  auto info = deps_.hub->GetSpaceInfo(space, {"host"});
  if (!info.ok()) return info.status();
  if (!info->host) return FailedPrecondition(space + " has no URL to check");
  http::ClientOptions options;
  options.insecure_origins = deps_.insecure_origins;
  options.max_attempts = 3;
  http::Client client(*deps_.health_transport, *deps_.clock, options);
  http::Request request;
  request.url = *info->host + path;
  request.timeout = std::chrono::milliseconds(10000);
  auto response = client.Send(request);
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status >= 300)
    return FailedPrecondition("health check " + request.url + " answered " +
                              std::to_string(response->status));
  return Status::Ok();
}

}  // namespace spaceport::act
