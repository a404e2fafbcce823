// Space planning: converge one Space to the deployment's desired state. Internal to plan/.
//
// Order of the actions for one Space, each depending on what must come first:
//   [CreateSpace] → [CommitSpaceFiles] → [SetVariables] [SetSecrets] [SetHardware] [SetSleepTime]
//   → [ResumeSpace] → AwaitRunning (after any change, or alone while the Space is BUILDING)
// Files are compared byte for byte with the rendered templates; variables, secrets (by
// fingerprint), hardware and sleep time only when the spec manages them. A Space in an error stage
// whose files and settings are already as desired is Stalled (SpaceFailed): restarting it would
// fail the same way, so nothing is retried until something changes.
//
//   SpaceInputs in{version, digest, wrapper.space_ref, wrapper.space_action};
//   for (const auto& s : d.spaces) PlanSpace(d, s, observation, in, builder);
#pragma once

#include <string>

#include "observe/observation.h"
#include "plan/plan_builder.h"
#include "resolve/observation_index.h"
#include "spec/types.h"

namespace spaceport::plan {

// What all Spaces of a deployment share.
struct SpaceInputs {
  std::string version;       // main image tag
  std::string image_digest;  // its digest, empty while it does not exist
  std::string wrapper_ref;   // REPO:hf-PLATFORM-VERSION@DIGEST or @<from action N>
  int wrapper_action = 0;    // the PublishWrapper the files wait for, 0 when none
};

void PlanSpace(const spec::SpaceDeployment& deployment, const spec::SpaceSpec& space,
               const resolve::ObservationIndex& observation, const SpaceInputs& inputs,
               DeploymentBuilder& builder);

}  // namespace spaceport::plan
