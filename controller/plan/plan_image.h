// Main image planning: the tag REPO:VERSION exists, is being built, must be built, or cannot be
// had. Internal to plan/.
//
// A build is never remembered by the controller; it is found in the world (observation.builds,
// indexed once per plan by repository and version) and recognised by its build id, which is a
// hash of deployment, repository and version, so a restarted controller finds the same build:
//   missing tag + build in flight   → AwaitBuild
//   missing tag + failed build      → Stalled BuildFailed (no new build: no hot loop)
//   missing tag + spec.image.build  → BuildImage
//   missing tag, no build section   → Stalled ImageMissing
#pragma once

#include <map>
#include <string>
#include <vector>

#include "observe/observation.h"
#include "plan/plan_builder.h"
#include "spec/types.h"

namespace spaceport::plan {

// "sp-" + the first 12 hex of Sha256Hex(key + "\n" + repository + "\n" + version).
std::string BuildId(std::string_view deployment_key, std::string_view repository,
                    std::string_view version);

// True for build states after which nothing more will happen (failed, cancelled, timed_out, ...).
bool IsFailedBuildState(std::string_view state);

class BuildIndex {
 public:
  explicit BuildIndex(const std::vector<observe::BuildInFlight>& builds);
  // Builds of repository:version in observation order (empty when none).
  const std::vector<const observe::BuildInFlight*>& Find(const std::string& repository,
                                                         const std::string& version) const;

 private:
  std::map<std::string, std::vector<const observe::BuildInFlight*>> by_image_;
};

struct ImagePlan {
  const observe::TagInfo* base = nullptr;  // the observed tag, nullptr while it does not exist
  int build_action = 0;                    // BuildImage or AwaitBuild id, 0 when none
};

// Plans the main image of `version`; stalls the builder when the deployment cannot progress.
ImagePlan PlanMainImage(const spec::SpaceDeployment& deployment, const std::string& version,
                        const observe::Repository& repository, const BuildIndex& builds,
                        DeploymentBuilder& builder);

}  // namespace spaceport::plan
