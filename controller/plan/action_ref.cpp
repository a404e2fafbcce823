#include "plan/action_ref.h"

#include <charconv>

namespace spaceport::plan {
namespace {

constexpr std::string_view kOpen = "<from action ";

}  // namespace

std::string ActionRef(int id) { return std::string(kOpen) + std::to_string(id) + ">"; }

std::string SubstituteActionRefs(std::string_view text,
                                 const std::function<std::optional<std::string>(int id)>& value_of) {
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find(kOpen, at);
    if (open == std::string_view::npos) break;
    const size_t digits = open + kOpen.size();
    const size_t close = text.find('>', digits);
    int id = 0;
    std::optional<std::string> value;
    if (close != std::string_view::npos && close > digits) {
      const auto [end, error] = std::from_chars(text.data() + digits, text.data() + close, id);
      if (error == std::errc() && end == text.data() + close) value = value_of(id);
    }
    if (!value) {  // not a reference we can fill: keep its first character and look further
      out.append(text.substr(at, open + 1 - at));
      at = open + 1;
      continue;
    }
    out.append(text.substr(at, open - at));
    out.append(*value);
    at = close + 1;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace spaceport::plan
