#include "emulators/hub/router.h"
#include "emulators/common/http_answers.h"

#include <vector>

namespace spaceport::hub_emulator {
namespace {

bool InList(std::string_view value, std::string_view list) {
  for (;;) {
    const size_t bar = list.find('|');
    if (list.substr(0, bar) == value) return true;
    if (bar == std::string_view::npos) return false;
    list = list.substr(bar + 1);
  }
}

}  // namespace

std::optional<RouteMatch> MatchPattern(std::string_view pattern, std::string_view path) {
  const std::vector<std::string_view> want = emulators::PathSegments(pattern);
  const std::vector<std::string_view> got = emulators::PathSegments(path);
  RouteMatch match;
  size_t i = 0;
  for (; i < want.size(); ++i) {
    const std::string_view w = want[i];
    const bool capture = w.size() >= 2 && w.front() == '{' && w.back() == '}';
    if (capture && w.size() > 3 && w[w.size() - 2] == '*') {  // {rest*}: must be last
      std::string rest;
      for (size_t k = i; k < got.size(); ++k) {
        if (!rest.empty()) rest += '/';
        rest += got[k];
      }
      match.params[std::string(w.substr(1, w.size() - 3))] = rest;
      match.label += "/" + std::string(w);
      return match;
    }
    if (i >= got.size()) return std::nullopt;
    if (!capture) {
      if (w != got[i]) return std::nullopt;
      match.label += "/" + std::string(w);
      continue;
    }
    const std::string_view inner = w.substr(1, w.size() - 2);
    const size_t colon = inner.find(':');
    if (colon == std::string_view::npos) {
      match.params[std::string(inner)] = std::string(got[i]);
      match.label += "/" + std::string(w);
      continue;
    }
    if (!InList(got[i], inner.substr(colon + 1))) return std::nullopt;
    match.params[std::string(inner.substr(0, colon))] = std::string(got[i]);
    match.label += "/" + std::string(got[i]);
  }
  if (i != got.size()) return std::nullopt;
  return match;
}

}  // namespace spaceport::hub_emulator
