// Matching request paths against route patterns.
//
// A pattern is a path of literal segments and captures: `{ns}` takes one segment,
// `{type:models|datasets|spaces}` one segment from a list, and a final `{path*}` the rest of the
// path (zero or more segments, joined with '/'). Empty segments are ignored, so a trailing
// slash does not matter. The label of a match is the pattern with list captures replaced by
// the value they matched ("GET /api/spaces/{ns}/{name}/runtime"): it is what request
// statistics count by.
//
//   auto m = MatchPattern("/api/{type:models|spaces}/{ns}/{name}/tree/{rev}/{path*}",
//                         "/api/spaces/alice/demo/tree/main/src/app");
//   m->params["path"] == "src/app";  m->label == "/api/spaces/{ns}/{name}/tree/{rev}/{path*}"
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace spaceport::hub_emulator {

struct RouteMatch {
  std::map<std::string, std::string> params;
  std::string label;
};

std::optional<RouteMatch> MatchPattern(std::string_view pattern, std::string_view path);

}  // namespace spaceport::hub_emulator
