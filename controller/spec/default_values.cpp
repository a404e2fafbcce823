#include "spec/default_values.h"

#include "spec/defaults.h"

namespace spaceport::spec {

SpaceDeployment DefaultDeployment() {
  SpaceDeployment d;
  d.api_version = std::string(kApiVersion);
  d.namespace_ = std::string(kDefaultNamespace);
  d.wrapper.platforms = {std::string(kDefaultPlatform)};
  for (const auto& [name, value] : kDefaultEnv) d.wrapper.env.emplace_back(name, value);
  d.wrapper.port = kDefaultPort;
  d.drift_policy = kDefaultDriftPolicy == "warn" ? DriftPolicy::kWarn : DriftPolicy::kCorrect;
  d.suspend = false;
  d.interval = {kDefaultIntervalSeconds, std::string(kDefaultInterval)};
  return d;
}

GithubActionsBuild DefaultGithubActionsBuild() {
  GithubActionsBuild b;
  b.ref = std::string(kDefaultGithubRef);
  return b;
}

CommandBuild DefaultCommandBuild() {
  CommandBuild b;
  b.timeout = {kDefaultBuildTimeoutSeconds, std::string(kDefaultBuildTimeout)};
  return b;
}

KubernetesJobBuild DefaultKubernetesJobBuild() {
  KubernetesJobBuild b;
  b.image = std::string(kDefaultKubernetesJobImage);
  b.dockerfile = std::string(kDefaultDockerfile);
  b.active_deadline_seconds = kDefaultJobActiveDeadlineSeconds;
  b.ttl_seconds_after_finished = kDefaultJobTtlSecondsAfterFinished;
  return b;
}

std::vector<std::string> KanikoArgs(const std::string& context, const std::string& dockerfile) {
  return {"--context=" + context, "--dockerfile=" + dockerfile, "--destination={{ .Image }}"};
}

HealthSpec DefaultHealth() {
  HealthSpec h;
  h.timeout_seconds = kDefaultHealthTimeoutSeconds;
  return h;
}

}  // namespace spaceport::spec
