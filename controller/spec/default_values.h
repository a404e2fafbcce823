// Defaulted starting values: where the defaults of defaults.h are applied, and only here.
//
// The validators start every struct they fill from one of these functions and overwrite only
// what the document sets, so a field the user leaves out ends up with the default from
// defaults.h and no validator holds a default of its own.
//
//   SpaceDeployment d = DefaultDeployment();   // namespace "default", port 7860, interval 5m, ...
//   if (auto port = wrapper.Int("port", 1, 65535)) d.wrapper.port = *port;
#pragma once

#include <string>
#include <vector>

#include "spec/types.h"

namespace spaceport::spec {

// metadata.namespace, wrapper (platforms, env, port), driftPolicy, suspend and interval.
SpaceDeployment DefaultDeployment();
GithubActionsBuild DefaultGithubActionsBuild();  // ref
CommandBuild DefaultCommandBuild();              // timeout
// image, dockerfile, activeDeadlineSeconds, ttlSecondsAfterFinished (args stay empty)
KubernetesJobBuild DefaultKubernetesJobBuild();
// The arguments of kaniko's executor when kubernetesJob.args is omitted:
//   --context=CONTEXT --dockerfile=DOCKERFILE --destination={{ .Image }}
std::vector<std::string> KanikoArgs(const std::string& context, const std::string& dockerfile);
HealthSpec DefaultHealth();                      // timeoutSeconds

}  // namespace spaceport::spec
