#include "resolve/space_image.h"

#include <algorithm>

#include "base/ascii.h"
#include "resolve/wrapper.h"
#include "spec/defaults.h"

namespace spaceport::resolve {
namespace {

// Dockerfile words are separated by blanks; a CR of a CRLF file ends the last one.
std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string_view NextWord(std::string_view& rest) {
  rest = Trim(rest);
  size_t end = rest.find_first_of(" \t");
  std::string_view word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  return word;
}

}  // namespace

std::string WrapperRef(std::string_view repository, std::string_view platform,
                       std::string_view version, std::string_view digest) {
  std::string ref(repository);
  ref += ':';
  ref += WrapperTag(platform, version);
  ref += '@';
  ref += digest;
  return ref;
}

std::optional<std::string> ParseFromLine(std::string_view dockerfile) {
  std::optional<std::string> image;
  while (!dockerfile.empty()) {
    size_t eol = dockerfile.find('\n');
    std::string_view line = dockerfile.substr(0, eol);
    dockerfile = eol == std::string_view::npos ? std::string_view() : dockerfile.substr(eol + 1);
    std::string_view rest = line;
    if (!EqualsIgnoreCase(NextWord(rest), "FROM")) continue;
    std::string_view word = NextWord(rest);
    while (word.size() > 2 && word.substr(0, 2) == "--") word = NextWord(rest);
    if (!word.empty()) image = std::string(word);
  }
  return image;
}

std::optional<std::string> RunningVersion(std::string_view dockerfile,
                                          std::string_view repository) {
  auto from = ParseFromLine(dockerfile);
  if (!from) return std::nullopt;
  std::string_view ref = *from;
  ref = ref.substr(0, ref.find('@'));
  size_t colon = ref.rfind(':');
  if (colon == std::string_view::npos || ref.find('/', colon) != std::string_view::npos)
    return std::nullopt;  // no tag (a colon before the last '/' is a registry port)
  if (ref.substr(0, colon) != repository) return std::nullopt;
  std::string_view tag = ref.substr(colon + 1);
  if (tag.substr(0, 3) != "hf-") return std::nullopt;
  // Platforms may contain '-' (arm-v7) and so may versions (v1.0.0-rc.1): match a known platform
  // first, the longest one winning; an unknown platform is taken to be one word.
  size_t best = 0;
  for (auto platform : spec::kPlatforms) {
    std::string prefix = WrapperTag(platform, "");
    if (tag.size() > prefix.size() && tag.substr(0, prefix.size()) == prefix)
      best = std::max(best, prefix.size());
  }
  if (best > 0) return std::string(tag.substr(best));
  size_t dash = tag.find('-', 3);
  if (dash == std::string_view::npos || dash + 1 == tag.size()) return std::nullopt;
  return std::string(tag.substr(dash + 1));
}

}  // namespace spaceport::resolve
