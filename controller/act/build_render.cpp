#include "act/build_render.h"

#include "spec/grammar.h"

namespace spaceport::act {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

Result<std::string> RenderPlaceholders(std::string_view text, const PlaceholderValues& values) {
  if (auto errors = spec::CheckPlaceholders(text); !errors.empty()) {
    return InvalidArgument(errors.front());
  }
  std::string out;
  size_t pos = 0;
  for (;;) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = text.find("}}", open + 2);  // CheckPlaceholders saw it closed
    out.append(text.substr(pos, open - pos));
    const std::string_view name = Trim(text.substr(open + 2, close - open - 2));
    if (name == ".Version") out += values.version;
    if (name == ".Image") out += values.image;
    if (name == ".BuildID") out += values.build_id;
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}


}  // namespace spaceport::act
