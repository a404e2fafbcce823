// Wrapper planning: one PublishWrapper per platform whose wrapper tag is missing or not up to
// date (resolve/wrapper.h decides), and the wrapper reference the Spaces should run. Internal to
// plan/.
//
//   WrapperPlan w = PlanWrappers(d, "v1.0.0", repo, image_plan, hashes, builder);
//   w.space_ref      // "ghcr.io/o/a:hf-amd64-v1.0.0@sha256:…" or "…@<from action 2>"
//   w.space_action   // the PublishWrapper the Space commit must wait for, 0 when none
#pragma once

#include <map>
#include <string>

#include "observe/observation.h"
#include "plan/plan_builder.h"
#include "plan/plan_image.h"
#include "spec/types.h"

namespace spaceport::plan {

// WrapperSpecHash per distinct wrapper spec: most deployments share the defaults, and a SHA-256
// through OpenSSL's EVP costs more than the rest of a wrapper check.
class SpecHashCache {
 public:
  const std::string& Get(const spec::WrapperSpec& wrapper);

 private:
  std::map<std::string, std::string> by_text_;  // canonical text → hash
};

struct WrapperPlan {
  std::string space_ref;  // REPO:hf-PLATFORM-VERSION@DIGEST (or a FutureValue) for the Spaces
  int space_action = 0;   // PublishWrapper id of the Space platform, 0 when up to date
};

// Stalls the builder (ImageMissing) when the base is an index without a wanted platform.
WrapperPlan PlanWrappers(const spec::SpaceDeployment& deployment, const std::string& version,
                         const observe::Repository& repository, const ImagePlan& image,
                         SpecHashCache& hashes, DeploymentBuilder& builder);

}  // namespace spaceport::plan
