// KubernetesJobBuilder: builds an image version in a Kubernetes Job (spec.image.build.kubernetesJob),
// kaniko's executor by default.
//
// The correlation lives in the world, as for the other backends: the Job is named
// `spaceport-build-<BuildID>` (a DNS label of at most 63 characters) and labelled
// `spaceport.dev/build-id: <BuildID>` and `spaceport.dev/image: <repository:version, sanitized>`,
// so Find is one GET by name, from this process or the next one, and Start creates the Job or —
// when the apiserver answers 409 AlreadyExists — returns the one that exists. One build per
// version, even across restarts, with no placeholder required of the user.
//
// The Job: backoffLimit 0 (a failed build is reported, not retried behind Spaceport's back),
// restartPolicy Never, activeDeadlineSeconds and ttlSecondsAfterFinished from the spec, one
// container `build` running the builder image with the rendered args and IMAGE, VERSION,
// REPOSITORY, BUILD_ID in its environment; the pushSecret (a kubernetes.io/dockerconfigjson
// Secret) mounted so its .dockerconfigjson is /kaniko/.docker/config.json (DOCKER_CONFIG points
// there); seccomp RuntimeDefault; no API token unless a serviceAccountName is given; with
// runAsUser, runAsNonRoot, no privilege escalation and no capabilities (kaniko needs root, so
// its default runs as the image's user).
//
// Poll reads the Job's status: a Complete condition → succeeded; a Failed condition → failed
// with the Job's reason and message (DeadlineExceeded, BackoffLimitExceeded), plus the last
// lines of its pod's log where the cluster serves them (pods listed by job-name, then
// …/pods/NAME/log?tailLines=N; any error there leaves the tail empty); active pods → in
// progress; nothing yet → queued. The handle's id is NAMESPACE/NAME and its url a kubectl
// command (`kubectl -n NS logs job/NAME`): a cluster has no web page for a Job.
//
// Cleanup: once the tag is visible (never before: a Job deleted while its version is still
// missing would let a restarted Spaceport build it again), a finished Job is deleted when its
// ttlSecondsAfterFinished has passed, counted from its completion (or from when this process
// first saw it finished, when the status carries no time) — the TTL controller's rule, for
// clusters that do not run it (1.20 has it only behind an alpha feature gate). A failed Job whose
// version is still missing is left alone: it is what keeps the deployment stalled on BuildFailed
// instead of building again; delete it (kubectl delete job NAME) to build again.
//
//   act::KubernetesJobBuilder builder(kube_client, clock);
//   auto handle = builder.Start(request);
//   // {kubernetesJob, "team/spaceport-build-sp-…", "kubectl -n team logs job/spaceport-build-sp-…"}
//   auto state = builder.Poll(request, *handle);
//
// Thread-safe (the controller's workers share one builder).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "act/builder.h"
#include "base/clock.h"
#include "base/json.h"
#include "clients/kube/kube_client.h"

namespace spaceport::act {

// Why a kubernetesJob build cannot run: said by plan, apply and a controller without --kube.
inline constexpr std::string_view kKubernetesJobNeedsKube =
    "build.kubernetesJob needs spaceport run --kube: the Job runs in the cluster Spaceport reads "
    "SpaceDeployments from";

// Labels and annotations a build Job carries.
inline constexpr std::string_view kBuildIdLabel = "spaceport.dev/build-id";
inline constexpr std::string_view kImageLabel = "spaceport.dev/image";
inline constexpr std::string_view kDeploymentAnnotation = "spaceport.dev/deployment";
// Where the pushSecret's config.json is mounted (kaniko's DOCKER_CONFIG).
inline constexpr std::string_view kDockerConfigDir = "/kaniko/.docker";

struct KubernetesJobBuilderOptions {
  int tail_lines = 20;  // of the failed pod's log
};

class KubernetesJobBuilder final : public Builder {
 public:
  KubernetesJobBuilder(kube::KubeClient& client, Clock& clock, KubernetesJobBuilderOptions options = {});

  std::string_view backend() const override { return kKubernetesJobBackend; }
  Result<BuildHandle> Start(const BuildRequest& request) override;
  Result<std::optional<BuildHandle>> Find(const BuildRequest& request) override;
  Result<BuildState> Poll(const BuildRequest& request, const BuildHandle& handle) override;
  Status Cleanup(const BuildRequest& request) override;

 private:
  std::string LogTail(const std::string& ns, const std::string& job);

  kube::KubeClient& client_;
  Clock& clock_;
  KubernetesJobBuilderOptions options_;
  std::mutex mu_;
  std::set<std::string> cleaned_;                           // build ids whose Job is gone
  std::map<std::string, Clock::TimePoint> finished_seen_;   // build id → first seen finished
};

// "spaceport-build-<build id>"; kInvalidArgument when that is not a DNS label of at most 63.
Result<std::string> JobName(std::string_view build_id);
// The namespace the Job runs in: kubernetesJob.namespace, else the deployment's.
std::string JobNamespace(const BuildRequest& request);
// `text` as a label value: characters other than letters, digits, '-', '_' and '.' become '_',
// it starts and ends with a letter or digit, and one longer than 63 is cut to 50 plus '-' and 12
// hex digits of its SHA-256 (so two long values stay apart).
std::string LabelValue(std::string_view text);
// The Job object Start creates (args rendered, labels, volumes, security context).
Result<Json> JobManifest(const BuildRequest& request);

}  // namespace spaceport::act
