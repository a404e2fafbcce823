// Space files: the Dockerfile and README.md Spaceport commits to a Space, rendered from the
// templates in hf/space/ (compiled in as hf_templates.h), and the inverse reading of an observed
// Dockerfile (which image, which version does this Space run?).
//
// The Dockerfile is one FROM line pinning the wrapper by digest, so the Space runs exactly the
// bytes the plan names: FROM ghcr.io/o/app:hf-amd64-v1.0.0@sha256:…. The README carries the front
// matter the Hub reads (sdk: docker, app_port) plus the optional card fields of the spec. Rendering
// is deterministic, so "observed file == rendered file" is the whole drift check.
//
//   auto files = RenderSpaceFiles(d, d.spaces[0], "v1.0.0",
//                                 WrapperRef(d.image.repository, "amd64", "v1.0.0", digest));
//   RunningVersion(*observed.dockerfile, d.image.repository)   // "v1.0.0"
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

// "REPO:hf-PLATFORM-VERSION@DIGEST": what a Space's Dockerfile says FROM.
std::string WrapperRef(std::string_view repository, std::string_view platform,
                       std::string_view version, std::string_view digest);

// The README front matter lines, fixed order: title, emoji, colorFrom, colorTo, sdk, app_port,
// pinned, license, short_description (optional ones only when set), values quoted when plain YAML
// would misread them.
std::string RenderFrontMatter(const spec::SpaceDeployment& deployment,
                              const spec::SpaceSpec& space);

// Renders both files for `space` running `version` of the deployment's image through wrapper_ref.
SpaceFiles RenderSpaceFiles(const spec::SpaceDeployment& deployment, const spec::SpaceSpec& space,
                            std::string_view version, std::string_view wrapper_ref);

// The image of the Dockerfile's last FROM instruction (the stage that runs), flags such as
// --platform skipped; nullopt when there is none.
std::optional<std::string> ParseFromLine(std::string_view dockerfile);

// The VERSION a Space runs when its FROM is "REPO:hf-PLATFORM-VERSION[@digest]" with REPO equal to
// `repository`; nullopt for anything else (another image, a hand-written FROM).
std::optional<std::string> RunningVersion(std::string_view dockerfile, std::string_view repository);

// YAML needs quotes around this plain value (empty, leading indicator, "true", "1.0", ": ", ...).
bool NeedsYamlQuoting(std::string_view value);

}  // namespace spaceport::plan
