#include "http/link_header.h"

#include "base/ascii.h"

namespace spaceport::http {
namespace {

bool RelHasNext(std::string_view rel) {
  while (!rel.empty()) {
    size_t space = rel.find(' ');
    if (EqualsIgnoreCase(rel.substr(0, space), "next")) return true;
    if (space == std::string_view::npos) break;
    rel.remove_prefix(space + 1);
  }
  return false;
}

// Scans one header value: <target> followed by ;-separated params, links separated by commas.
std::optional<std::string> NextInValue(std::string_view v) {
  size_t i = 0;
  while (i < v.size()) {
    size_t open = v.find('<', i);
    if (open == std::string_view::npos) return std::nullopt;
    size_t close = v.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    std::string target(v.substr(open + 1, close - open - 1));
    i = close + 1;
    bool next = false;
    // Parameters up to the next top-level comma.
    while (i < v.size() && v[i] != ',') {
      if (v[i] != ';') {
        ++i;
        continue;
      }
      ++i;
      size_t eq = v.find('=', i);
      size_t stop = v.find_first_of(";,", i);
      if (eq == std::string_view::npos || (stop != std::string_view::npos && stop < eq)) continue;
      std::string name = AsciiLower(AsciiTrim(v.substr(i, eq - i)));
      i = eq + 1;
      while (i < v.size() && IsAsciiSpace(v[i])) ++i;
      std::string value;
      if (i < v.size() && v[i] == '"') {
        size_t end = v.find('"', i + 1);
        if (end == std::string_view::npos) end = v.size();
        value = std::string(v.substr(i + 1, end - i - 1));
        i = end + 1;
      } else {
        size_t end = v.find_first_of(";,", i);
        if (end == std::string_view::npos) end = v.size();
        value = std::string(AsciiTrim(v.substr(i, end - i)));
        i = end;
      }
      if (name == "rel" && RelHasNext(value)) next = true;
    }
    if (next) return target;
    if (i < v.size()) ++i;  // the comma
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NextLink(const std::vector<std::string>& link_header_values) {
  for (const std::string& v : link_header_values) {
    if (auto next = NextInValue(v)) return next;
  }
  return std::nullopt;
}

}  // namespace spaceport::http
