#include "act/build_kubernetes_job.h"

#include "act/build_render.h"
#include "base/digest.h"

namespace spaceport::act {
namespace {

constexpr std::string_view kJobPrefix = "spaceport-build-";
constexpr std::string_view kContainer = "build";
constexpr std::string_view kDockerConfigVolume = "docker-config";

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string TrimToAlnum(std::string s) {
  while (!s.empty() && !IsAlnum(s.back())) s.pop_back();
  size_t first = 0;
  while (first < s.size() && !IsAlnum(s[first])) ++first;
  return s.substr(first);
}

Result<const spec::KubernetesJobBuild*> JobSpecOf(const BuildRequest& request) {
  if (!request.spec.kubernetes_job) {
    return InvalidArgument("the build of " + request.Image() + " has no kubernetesJob section");
  }
  return &*request.spec.kubernetes_job;
}

Json NameValue(std::string_view name, std::string_view value) {
  Json env = Json::Object();
  env.Set("name", Json(name));
  env.Set("value", Json(value));
  return env;
}

Json Amounts(const spec::ResourceAmounts& amounts) {
  Json out = Json::Object();
  if (amounts.cpu) out.Set("cpu", Json(*amounts.cpu));
  if (amounts.memory) out.Set("memory", Json(*amounts.memory));
  return out;
}

std::string KubectlHint(const std::string& ns, const std::string& name) {
  return "kubectl -n " + ns + " logs job/" + name;
}

BuildHandle HandleFor(const std::string& ns, const std::string& name) {
  return BuildHandle{std::string(kKubernetesJobBackend), ns + "/" + name, KubectlHint(ns, name)};
}

// The labels' build id, or "" when the object has none.
std::string BuildIdOf(const Json& job) {
  const Json* meta = job.Find("metadata");
  const Json* labels = meta ? meta->Find("labels") : nullptr;
  return labels ? labels->GetString(kBuildIdLabel) : "";
}

const Json* ConditionOf(const Json& job, std::string_view type) {
  const Json* status = job.Find("status");
  const Json* conditions = status ? status->Find("conditions") : nullptr;
  if (conditions == nullptr || !conditions->is_array()) return nullptr;
  for (size_t i = 0; i < conditions->size(); ++i) {
    const Json& c = conditions->At(i);
    if (c.GetString("type") == type && c.GetString("status") == "True") return &c;
  }
  return nullptr;
}

int64_t CountOf(const Json& job, std::string_view field) {
  const Json* status = job.Find("status");
  const Json* count = status ? status->Find(field) : nullptr;
  return count ? count->AsInt().value_or(0) : 0;
}

// When the Job finished, from its status: the finishing condition's lastTransitionTime, else
// completionTime. nullopt while it runs or when the status carries no time.
struct Finish {
  bool finished = false;
  std::optional<Clock::TimePoint> at;
};

Finish FinishOf(const Json& job) {
  Finish out;
  const Json* condition = ConditionOf(job, "Complete");
  if (condition == nullptr) condition = ConditionOf(job, "Failed");
  out.finished = condition != nullptr || CountOf(job, "succeeded") > 0 || CountOf(job, "failed") > 0;
  if (!out.finished) return out;
  if (condition != nullptr) out.at = ParseRfc3339(condition->GetString("lastTransitionTime"));
  if (!out.at) {
    const Json* status = job.Find("status");
    if (status != nullptr) out.at = ParseRfc3339(status->GetString("completionTime"));
  }
  return out;
}

// "NAMESPACE/NAME" of a handle.
Result<std::pair<std::string, std::string>> SplitHandle(const BuildHandle& handle) {
  const size_t slash = handle.id.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == handle.id.size()) {
    return InvalidArgument("\"" + handle.id + "\" is not a build Job (NAMESPACE/NAME)");
  }
  return std::make_pair(handle.id.substr(0, slash), handle.id.substr(slash + 1));
}

}  // namespace

Result<std::string> JobName(std::string_view build_id) {
  std::string name = std::string(kJobPrefix) + std::string(build_id);
  bool ok = !build_id.empty() && name.size() <= 63 && IsAlnum(name.back());
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok) {
    return InvalidArgument("the build id \"" + std::string(build_id) +
                           "\" does not make a Job name (a DNS label of at most 63 characters)");
  }
  return name;
}

std::string JobNamespace(const BuildRequest& request) {
  if (request.spec.kubernetes_job && request.spec.kubernetes_job->namespace_)
    return *request.spec.kubernetes_job->namespace_;
  return request.namespace_;
}

std::string LabelValue(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (!IsLabelChar(c)) c = '_';
  out = TrimToAlnum(std::move(out));
  if (out.size() > 63) out = TrimToAlnum(out.substr(0, 50)) + "-" + Sha256Hex(text).substr(0, 12);
  return out;
}

Result<Json> JobManifest(const BuildRequest& request) {
  auto spec = JobSpecOf(request);
  if (!spec.ok()) return spec.status();
  const spec::KubernetesJobBuild& job = **spec;
  auto name = JobName(request.build_id);
  if (!name.ok()) return name.status();
  const std::string ns = JobNamespace(request);
  if (ns.empty()) return InvalidArgument("the build Job of " + request.Image() + " has no namespace");

  const PlaceholderValues values{request.version, request.Image(), request.build_id};
  Json args = Json::Array();
  for (size_t i = 0; i < job.args.size(); ++i) {
    auto rendered = RenderPlaceholders(job.args[i], values);
    if (!rendered.ok()) {
      return InvalidArgument("argument " + std::to_string(i) + " of the build of " +
                             request.Image() + ": " + rendered.status().message());
    }
    args.Push(Json(std::move(*rendered)));
  }

  Json labels = Json::Object();
  labels.Set("app.kubernetes.io/managed-by", Json("spaceport"));
  labels.Set("app.kubernetes.io/component", Json("build"));
  labels.Set(kBuildIdLabel, Json(request.build_id));
  labels.Set(kImageLabel, Json(LabelValue(request.Image())));
  Json annotations = Json::Object();
  annotations.Set(kImageLabel, Json(request.Image()));
  if (!request.deployment.empty()) annotations.Set(kDeploymentAnnotation, Json(request.deployment));
  Json metadata = Json::Object();
  metadata.Set("name", Json(*name));
  metadata.Set("namespace", Json(ns));
  metadata.Set("labels", labels);
  metadata.Set("annotations", std::move(annotations));

  Json env = Json::Array();
  env.Push(NameValue("IMAGE", request.Image()));
  env.Push(NameValue("VERSION", request.version));
  env.Push(NameValue("REPOSITORY", request.repository));
  env.Push(NameValue("BUILD_ID", request.build_id));
  Json container = Json::Object();
  container.Set("name", Json(kContainer));
  container.Set("image", Json(job.image));
  container.Set("args", std::move(args));
  Json resources = Json::Object();
  if (Json requests = Amounts(job.resources.requests); requests.size() > 0)
    resources.Set("requests", std::move(requests));
  if (Json limits = Amounts(job.resources.limits); limits.size() > 0)
    resources.Set("limits", std::move(limits));
  if (resources.size() > 0) container.Set("resources", std::move(resources));

  Json pod = Json::Object();
  pod.Set("restartPolicy", Json("Never"));
  if (job.service_account_name) {
    pod.Set("serviceAccountName", Json(*job.service_account_name));
  } else {
    pod.Set("automountServiceAccountToken", Json(false));  // a build needs no API access
  }
  Json pod_security = Json::Object();
  Json seccomp = Json::Object();
  seccomp.Set("type", Json("RuntimeDefault"));
  pod_security.Set("seccompProfile", std::move(seccomp));
  pod.Set("securityContext", std::move(pod_security));
  if (job.run_as_user) {
    Json security = Json::Object();
    security.Set("runAsUser", Json(*job.run_as_user));
    security.Set("runAsNonRoot", Json(true));
    security.Set("allowPrivilegeEscalation", Json(false));
    Json capabilities = Json::Object();
    Json drop = Json::Array();
    drop.Push(Json("ALL"));
    capabilities.Set("drop", std::move(drop));
    security.Set("capabilities", std::move(capabilities));
    container.Set("securityContext", std::move(security));
  }
  if (job.push_secret) {
    env.Push(NameValue("DOCKER_CONFIG", kDockerConfigDir));
    Json mount = Json::Object();
    mount.Set("name", Json(kDockerConfigVolume));
    mount.Set("mountPath", Json(kDockerConfigDir));
    mount.Set("readOnly", Json(true));
    Json mounts = Json::Array();
    mounts.Push(std::move(mount));
    container.Set("volumeMounts", std::move(mounts));
    Json item = Json::Object();
    item.Set("key", Json(".dockerconfigjson"));
    item.Set("path", Json("config.json"));
    Json items = Json::Array();
    items.Push(std::move(item));
    Json secret = Json::Object();
    secret.Set("secretName", Json(*job.push_secret));
    secret.Set("items", std::move(items));
    Json volume = Json::Object();
    volume.Set("name", Json(kDockerConfigVolume));
    volume.Set("secret", std::move(secret));
    Json volumes = Json::Array();
    volumes.Push(std::move(volume));
    pod.Set("volumes", std::move(volumes));
  }
  container.Set("env", std::move(env));
  Json containers = Json::Array();
  containers.Push(std::move(container));
  pod.Set("containers", std::move(containers));

  Json template_labels = Json::Object();
  template_labels.Set("app.kubernetes.io/managed-by", Json("spaceport"));
  template_labels.Set(kBuildIdLabel, Json(request.build_id));
  Json template_metadata = Json::Object();
  template_metadata.Set("labels", std::move(template_labels));
  Json pod_template = Json::Object();
  pod_template.Set("metadata", std::move(template_metadata));
  pod_template.Set("spec", std::move(pod));

  Json job_spec = Json::Object();
  job_spec.Set("backoffLimit", Json(int64_t{0}));
  job_spec.Set("completions", Json(int64_t{1}));
  job_spec.Set("parallelism", Json(int64_t{1}));
  job_spec.Set("activeDeadlineSeconds", Json(job.active_deadline_seconds));
  job_spec.Set("ttlSecondsAfterFinished", Json(job.ttl_seconds_after_finished));
  job_spec.Set("template", std::move(pod_template));

  Json manifest = Json::Object();
  manifest.Set("apiVersion", Json("batch/v1"));
  manifest.Set("kind", Json("Job"));
  manifest.Set("metadata", std::move(metadata));
  manifest.Set("spec", std::move(job_spec));
  return manifest;
}

KubernetesJobBuilder::KubernetesJobBuilder(kube::KubeClient& client, Clock& clock,
                                           KubernetesJobBuilderOptions options)
    : client_(client), clock_(clock), options_(options) {}

Result<std::optional<BuildHandle>> KubernetesJobBuilder::Find(const BuildRequest& request) {
  auto spec = JobSpecOf(request);
  if (!spec.ok()) return spec.status();
  auto name = JobName(request.build_id);
  if (!name.ok()) return name.status();
  const std::string ns = JobNamespace(request);
  auto job = client_.Get(kube::kJobs.ObjectPath(ns, *name));
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kNotFound) return std::optional<BuildHandle>();
    return Status(job.status().code(), "cannot look for the build Job " + ns + "/" + *name + " of " +
                                           request.Image() + ": " + job.status().message());
  }
  if (BuildIdOf(*job) != request.build_id) {
    return FailedPrecondition("the Job " + ns + "/" + *name + " exists but is not labelled " +
                              std::string(kBuildIdLabel) + "=" + request.build_id +
                              ": it is not Spaceport's build of " + request.Image());
  }
  return std::optional<BuildHandle>(HandleFor(ns, *name));
}

Result<BuildHandle> KubernetesJobBuilder::Start(const BuildRequest& request) {
  auto manifest = JobManifest(request);
  if (!manifest.ok()) return manifest.status();
  const std::string ns = JobNamespace(request);
  const std::string name = manifest->Find("metadata")->GetString("name");
  auto created = client_.Create(kube::kJobs, ns, *manifest);
  if (created.ok()) return HandleFor(ns, name);
  if (created.status().code() != StatusCode::kConflict) {
    return Status(created.status().code(),
                  "cannot start the build of " + request.Image() + ": " + created.status().message());
  }
  // 409 AlreadyExists: this build's Job was created before (by this process or another one).
  auto existing = Find(request);
  if (!existing.ok()) return existing.status();
  if (!*existing) {
    return Status(StatusCode::kUnavailable, "the build Job " + ns + "/" + name +
                                                " already existed and is gone now; trying again");
  }
  return **existing;
}

Result<BuildState> KubernetesJobBuilder::Poll(const BuildRequest& request, const BuildHandle& handle) {
  auto where = SplitHandle(handle);
  if (!where.ok()) return where.status();
  const auto& [ns, name] = *where;
  BuildState state;
  state.url = KubectlHint(ns, name);
  auto job = client_.Get(kube::kJobs.ObjectPath(ns, name));
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kNotFound) {
      state.phase = BuildPhase::kFailed;
      state.message = "the Job " + ns + "/" + name + " is gone: it was deleted before Spaceport saw it finish";
      return state;
    }
    return Status(job.status().code(), "cannot read the build Job " + ns + "/" + name + " of " +
                                           request.Image() + ": " + job.status().message());
  }
  if (const Json* failed = ConditionOf(*job, "Failed")) {
    state.phase = BuildPhase::kFailed;
    const std::string reason = failed->GetString("reason");
    const std::string message = failed->GetString("message");
    state.message = "the Job failed" + (reason.empty() ? "" : ": " + reason) +
                    (message.empty() ? "" : ": " + message);
  } else if (ConditionOf(*job, "Complete") != nullptr || CountOf(*job, "succeeded") > 0) {
    state.phase = BuildPhase::kSucceeded;
    state.message = "the Job completed";
  } else if (CountOf(*job, "failed") > 0) {  // backoffLimit 0: one failed pod fails the build
    state.phase = BuildPhase::kFailed;
    state.message = "the Job failed: its pod failed";
  } else if (CountOf(*job, "active") > 0) {
    state.phase = BuildPhase::kInProgress;
    state.message = "the Job's pod is running";
  } else {
    state.phase = BuildPhase::kQueued;
    state.message = "the Job has no pod yet";
  }
  if (state.phase == BuildPhase::kFailed) state.output_tail = LogTail(ns, name);
  return state;
}

std::string KubernetesJobBuilder::LogTail(const std::string& ns, const std::string& job) {
  kube::ListOptions options;
  options.label_selector = "job-name=" + job;
  auto pods = client_.List(kube::kPods, ns, options);
  if (!pods.ok() || pods->items.empty()) return "";
  const Json* newest = nullptr;
  for (const Json& pod : pods->items) {
    const Json* meta = pod.Find("metadata");
    const std::string created = meta ? meta->GetString("creationTimestamp") : "";
    const Json* best = newest ? newest->Find("metadata") : nullptr;
    if (newest == nullptr || created > (best ? best->GetString("creationTimestamp") : "")) newest = &pod;
  }
  const std::string pod = kube::NameOf(*newest);
  auto log = client_.GetText(kube::kPods.ObjectPath(ns, pod, "log") + "?container=" +
                             std::string(kContainer) + "&tailLines=" +
                             std::to_string(options_.tail_lines));
  if (!log.ok()) return "";  // no kubelet, logs gone, or not allowed: no tail
  std::string tail = std::move(*log);
  if (!tail.empty() && tail.back() == '\n') tail.pop_back();
  return tail;
}

Status KubernetesJobBuilder::Cleanup(const BuildRequest& request) {
  if (!request.spec.kubernetes_job) return Status::Ok();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cleaned_.count(request.build_id)) return Status::Ok();
  }
  auto name = JobName(request.build_id);
  if (!name.ok()) return name.status();
  const std::string ns = JobNamespace(request);
  const std::string path = kube::kJobs.ObjectPath(ns, *name);
  const auto done = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    cleaned_.insert(request.build_id);
    finished_seen_.erase(request.build_id);
    return Status::Ok();
  };
  auto job = client_.Get(path);
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kNotFound) return done();
    return Status(job.status().code(),
                  "cannot clean up the build Job " + ns + "/" + *name + ": " + job.status().message());
  }
  if (BuildIdOf(*job) != request.build_id) return done();  // not ours: never touched
  const Finish finish = FinishOf(*job);
  if (!finish.finished) return Status::Ok();  // the tag came first; look again next time
  Clock::TimePoint since;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto seen = finished_seen_.emplace(request.build_id, clock_.Now()).first;
    since = finish.at.value_or(seen->second);
  }
  const auto ttl = std::chrono::seconds(request.spec.kubernetes_job->ttl_seconds_after_finished);
  if (clock_.Now() < since + ttl) return Status::Ok();
  // Background: the Job goes at once and the garbage collector takes its pods (the API's default
  // for Jobs would orphan them).
  Status deleted = client_.Delete(path + "?propagationPolicy=Background");
  if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) {
    return Status(deleted.code(), "cannot clean up the build Job " + ns + "/" + *name + ": " + deleted.message());
  }
  return done();
}

}  // namespace spaceport::act
