// Semantic versions (semver.org 2.0.0) and ranges, for tag policies.
//
// Tags may carry a leading "v" (v1.2.3). Ranges use the npm/Masterminds syntax that Flux's
// ImagePolicy users know: comparators (=, >, >=, <, <=), space-separated AND, "||" OR, hyphen
// ranges (1.0.0 - 2.0.0), x-ranges (1.x, 1.2.*), tilde (~1.2) and caret (^1.2.3). Prereleases
// match only when the range names a prerelease on the same major.minor.patch (npm's rule).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace spaceport::spec {

struct Version {
  int64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers
  std::string build;                    // ignored for ordering
};

// Parses "1.2.3", "v1.2.3", "1.2.3-rc.1+build". Returns nullopt for anything else.
std::optional<Version> ParseVersion(std::string_view text);
// <0, 0, >0 by semver precedence.
int CompareVersions(const Version& a, const Version& b);

class SemverRange {
 public:
  // Parses a range; the error message says what is wrong and where.
  static Result<SemverRange> Parse(std::string_view text);
  bool Matches(const Version& v) const;
  const std::string& text() const { return text_; }

  struct Comparator {
    enum class Op { kEq, kLt, kLe, kGt, kGe } op;
    Version version;
  };

 private:
  std::string text_;
  std::vector<std::vector<Comparator>> sets_;  // OR of ANDs
};

}  // namespace spaceport::spec
