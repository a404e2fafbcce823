// What a pass's status says about the wrappers and the Spaces: the observation made before acting,
// overridden by what the actions of the pass did (a wrapper just published, a commit just made, a
// stage just seen). Kept apart from the reconciler so the rule can be tested alone: the executor's
// typed results (act::ActionOutcome digest/commit/stage) are read, never its display text.
#pragma once

#include <string>
#include <vector>

#include "act/executor.h"
#include "observe/observation.h"
#include "runtime/deployment_status.h"
#include "spec/types.h"

namespace spaceport::runtime {

// One entry per wrapper platform of `deployment` for `version` (resolve::WrapperTag names the tag).
std::vector<WrapperStatus> WrapperStatuses(const spec::SpaceDeployment& deployment, const std::string& version,
                                           const observe::Observation& observation,
                                           const std::vector<act::ActionOutcome>& outcomes);

// One entry per Space of `deployment`; `hub_endpoint` makes the URL.
std::vector<SpaceStatus> SpaceStatuses(const spec::SpaceDeployment& deployment, const std::string& hub_endpoint,
                                       const observe::Observation& observation,
                                       const std::vector<act::ActionOutcome>& outcomes);

// https://huggingface.co/spaces/OWNER/NAME for the Hub endpoint given.
std::string SpaceUrl(const std::string& hub_endpoint, const std::string& space);

// The digest a Space's Dockerfile deploys: the first "@sha256:…" in it; "" when none.
std::string DeployedDigest(const std::optional<std::string>& dockerfile);

}  // namespace spaceport::runtime
