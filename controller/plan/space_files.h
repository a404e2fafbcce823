// Space files: the Dockerfile and README.md Spaceport commits to a Space, rendered from the
// templates in hf/space/ (compiled in as hf_templates.h). Reading an observed Dockerfile back
// (which version does this Space run?) is resolve/space_image.h.
//
// The Dockerfile is one FROM line pinning the wrapper by digest, so the Space runs exactly the
// bytes the plan names: FROM ghcr.io/o/app:hf-amd64-v1.0.0@sha256:…. The README carries the front
// matter the Hub reads (sdk: docker, app_port) plus the optional card fields of the spec. Rendering
// is deterministic, so "observed file == rendered file" is the whole drift check.
//
//   auto files = RenderSpaceFiles(d, d.spaces[0], "v1.0.0",
//                                 resolve::WrapperRef(d.image.repository, "amd64", "v1.0.0", digest));
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spec/types.h"

namespace spaceport::plan {

struct SpaceFiles {
  std::string dockerfile;  // Dockerfile
  std::string readme;      // README.md
};

// The README front matter lines, fixed order: title, emoji, colorFrom, colorTo, sdk, app_port,
// pinned, license, short_description (optional ones only when set), values quoted when plain YAML
// would misread them.
std::string RenderFrontMatter(const spec::SpaceDeployment& deployment,
                              const spec::SpaceSpec& space);

// Renders both files for `space` running `version` of the deployment's image through wrapper_ref.
SpaceFiles RenderSpaceFiles(const spec::SpaceDeployment& deployment, const spec::SpaceSpec& space,
                            std::string_view version, std::string_view wrapper_ref);

// YAML needs quotes around this plain value (empty, leading indicator, "true", "1.0", ": ", ...).
bool NeedsYamlQuoting(std::string_view value);

}  // namespace spaceport::plan
