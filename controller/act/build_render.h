// Rendering the placeholders of build inputs and arguments: {{ .Version }}, {{ .Image }} and
// {{ .BuildID }}, with any spaces or tabs inside the braces ("{{.Version}}" works too) — the
// grammar spec::CheckPlaceholders accepts, so whatever validated renders. Text outside
// placeholders is copied as is; nothing is evaluated, so a value cannot inject another
// placeholder.
//
//   act::PlaceholderValues values{.version = "v1.2.0", .image = "ghcr.io/a/app:v1.2.0",
//                                 .build_id = "sp-0123456789ab"};
//   act::RenderPlaceholders("build {{ .BuildID }} of {{.Version}}", values);
//   // "build sp-0123456789ab of v1.2.0"
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace spaceport::act {

struct PlaceholderValues {
  std::string version;
  std::string image;  // repository:version
  std::string build_id;
};

// kInvalidArgument (with spec::CheckPlaceholders' words) for an unknown or unclosed placeholder.
Result<std::string> RenderPlaceholders(std::string_view text, const PlaceholderValues& values);

}  // namespace spaceport::act
