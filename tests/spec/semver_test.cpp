// Table tests for semver.h: version parsing and precedence, and npm-style range matching.
#include "spec/semver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spaceport::spec {
namespace {

struct ParseCase {
  std::string name;
  std::string text;
  bool ok;
};

TEST(SemverParseVersion, AcceptsExactlySemverWithOptionalV) {
  const std::vector<ParseCase> cases = {
      {"a plain version parses", "1.2.3", true},
      {"a leading v is accepted", "v1.2.3", true},
      {"a prerelease and build parse", "1.2.3-rc.1+build.5", true},
      {"zeros parse", "0.0.0", true},
      {"two numbers are not a version", "1.2", false},
      {"four numbers are not a version", "1.2.3.4", false},
      {"leading zeros are rejected", "01.2.3", false},
      {"a wildcard is not a version", "1.2.x", false},
      {"an empty prerelease is rejected", "1.2.3-", false},
      {"a prerelease with a leading zero number is rejected", "1.2.3-01", false},
      {"words are not versions", "latest", false},
      {"an empty string is not a version", "", false},
      {"a bare v is not a version", "v", false},
      {"a number too large for 64 bits is rejected", "99999999999999999999.0.0", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ParseVersion(c.text).has_value(), c.ok) << c.name << ": " << c.text;
  }
}

TEST(SemverParseVersion, KeepsEveryPart) {
  auto v = ParseVersion("v10.20.30-alpha.7+sha.abc");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major, 10);
  EXPECT_EQ(v->minor, 20);
  EXPECT_EQ(v->patch, 30);
  EXPECT_EQ(v->prerelease, (std::vector<std::string>{"alpha", "7"}));
  EXPECT_EQ(v->build, "sha.abc");
}

TEST(SemverCompare, FollowsSemverPrecedence) {
  // Each version is lower than the next (semver.org §11 example, plus numeric ordering).
  const std::vector<std::string> ordered = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                            "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                                            "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                                            "1.2.0",       "1.10.0",        "2.0.0",
                                            "10.0.0"};
  for (size_t i = 0; i + 1 < ordered.size(); ++i) {
    auto a = ParseVersion(ordered[i]);
    auto b = ParseVersion(ordered[i + 1]);
    ASSERT_TRUE(a && b) << ordered[i] << " / " << ordered[i + 1];
    EXPECT_LT(CompareVersions(*a, *b), 0) << ordered[i] << " < " << ordered[i + 1];
    EXPECT_GT(CompareVersions(*b, *a), 0) << ordered[i + 1] << " > " << ordered[i];
  }
}

TEST(SemverCompare, IgnoresBuildMetadataAndThePrefix) {
  EXPECT_EQ(CompareVersions(*ParseVersion("v1.2.3+a"), *ParseVersion("1.2.3+b")), 0);
}

struct MatchCase {
  std::string name;
  std::string range;
  std::string version;
  bool matches;
};

TEST(SemverRange, MatchesLikeNpm) {
  const std::vector<MatchCase> cases = {
      // Comparators and AND.
      {"a bound pair admits a version inside", ">=1.0.0 <2.0.0", "1.5.0", true},
      {"a bound pair admits its inclusive lower end", ">=1.0.0 <2.0.0", "1.0.0", true},
      {"a bound pair excludes its exclusive upper end", ">=1.0.0 <2.0.0", "2.0.0", false},
      {"a bound pair excludes a version below", ">=1.0.0 <2.0.0", "0.9.9", false},
      {"commas work as AND", ">=1.0.0, <2.0.0", "2.1.0", false},
      {"a space after the operator is allowed", ">= 1.0.0 < 2.0.0", "1.9.0", true},
      {"an exact version matches itself", "1.2.3", "1.2.3", true},
      {"an exact version rejects its neighbour", "=1.2.3", "1.2.4", false},
      {"greater-than is strict", ">1.2.3", "1.2.3", false},
      {"less-or-equal is inclusive", "<=1.2.3", "1.2.3", true},
      {"a v prefix in the range is accepted", ">=v1.0.0", "1.0.1", true},
      {"a v prefix on the tag is accepted", ">=1.0.0", "v1.0.1", true},
      // OR.
      {"OR matches the first alternative", "1.x || >=3.0.0", "1.4.0", true},
      {"OR matches the second alternative", "1.x || >=3.0.0", "3.1.0", true},
      {"OR rejects what neither alternative admits", "1.x || >=3.0.0", "2.0.0", false},
      // Hyphen ranges.
      {"a hyphen range includes its upper end", "1.0.0 - 2.0.0", "2.0.0", true},
      {"a hyphen range with a partial upper end includes that minor", "1.0.0 - 2.3", "2.3.9", true},
      {"a hyphen range with a partial upper end excludes the next minor", "1.0.0 - 2.3", "2.4.0",
       false},
      {"a hyphen range with a partial lower end starts at zero", "1.2 - 2.0.0", "1.2.0", true},
      // X-ranges.
      {"a star matches any release", "*", "7.8.9", true},
      {"1.x matches within the major", "1.x", "1.99.0", true},
      {"1.x excludes the next major", "1.x", "2.0.0", false},
      {"1.2.* matches a patch", "1.2.*", "1.2.9", true},
      {"1.2.* excludes the next minor", "1.2.*", "1.3.0", false},
      {"a bare major is an x-range", "1", "1.4.2", true},
      {">1.2 means from the next minor", ">1.2", "1.2.9", false},
      {">1.2 admits the next minor", ">1.2", "1.3.0", true},
      {"<=1.2 admits the whole minor", "<=1.2", "1.2.9", true},
      {"<1.2 excludes the minor itself", "<1.2", "1.2.0", false},
      {">* matches nothing", ">*", "1.0.0", false},
      // Tilde.
      {"tilde allows patch updates", "~1.2.3", "1.2.9", true},
      {"tilde refuses minor updates", "~1.2.3", "1.3.0", false},
      {"tilde refuses a lower patch", "~1.2.3", "1.2.2", false},
      {"tilde on a major allows minor updates", "~1", "1.9.0", true},
      // Caret.
      {"caret allows minor updates", "^1.2.3", "1.9.0", true},
      {"caret refuses the next major", "^1.2.3", "2.0.0", false},
      {"caret on 0.x fixes the minor", "^0.2.3", "0.2.9", true},
      {"caret on 0.x refuses the next minor", "^0.2.3", "0.3.0", false},
      {"caret on 0.0.x fixes the patch", "^0.0.3", "0.0.4", false},
      {"caret on 0.0.x admits the patch itself", "^0.0.3", "0.0.3", true},
      {"caret on a partial 0.0 allows patches", "^0.0", "0.0.7", true},
      // Prereleases (npm's rule).
      {"a prerelease is refused by a release-only range", ">=1.0.0", "2.0.0-rc.1", false},
      {"a star refuses prereleases", "*", "1.0.0-rc.1", false},
      {"a prerelease on the named version matches", ">=1.0.0-rc.1", "1.0.0-rc.2", true},
      {"a prerelease of another version is refused", ">=1.0.0-rc.1", "1.0.1-rc.1", false},
      {"the release after a named prerelease matches", ">=1.0.0-rc.1", "1.0.0", true},
      {"the next major's prerelease is excluded by a caret", "^1.0.0-0", "2.0.0-rc.1", false},
      {"tilde with a prerelease admits a later prerelease of it", "~1.2.3-beta.2", "1.2.3-beta.4",
       true},
  };
  for (const auto& c : cases) {
    auto range = SemverRange::Parse(c.range);
    ASSERT_TRUE(range.ok()) << c.name << ": " << range.status().ToString();
    auto version = ParseVersion(c.version);
    ASSERT_TRUE(version.has_value()) << c.name << ": " << c.version;
    EXPECT_EQ(range->Matches(*version), c.matches)
        << c.name << ": " << c.range << " vs " << c.version;
  }
}

struct BadRangeCase {
  std::string name;
  std::string range;
  std::string message;
};

TEST(SemverRange, RejectsBadSyntaxSayingWhatAndWhere) {
  const std::vector<BadRangeCase> cases = {
      {"an empty range is refused", "", "the range is empty; write \"*\" to accept every version"},
      {"a word is not a version", ">=1.0.0 <two",
       "\"two\" is not a version (expected numbers such as 1.2.3, or x wildcards) (at character "
       "10)"},
      {"four numbers are refused", "1.2.3.4",
       "\"1.2.3.4\" has more than three numbers (at character 1)"},
      {"an unknown operator is named", "=>1.0.0",
       "unknown operator \"=>\" (at character 1); use =, <, <=, >, >=, ~ or ^"},
      {"a dangling operator is refused", ">= ", "\">=\" needs a version after it (at character 1)"},
      {"an empty alternative is refused", "1.x ||",
       "empty alternative around \"||\" (at character 5)"},
      {"a lone hyphen is refused", "1.0.0 - 2.0.0 - 3.0.0",
       "\"-\" must stand between two versions, as in \"1.0.0 - 2.0.0\" (at character 7)"},
      {"a number after a wildcard is refused", "1.x.3",
       "\"1.x.3\" has a number after a wildcard (at character 1)"},
      {"a prerelease on a partial version is refused", "1.2-rc.1",
       "\"1.2-rc.1\" has a prerelease or build suffix but not all three numbers (at character 1)"},
      {"leading zeros are refused", "^01.2.3",
       "\"01.2.3\" is not a version (expected numbers such as 1.2.3, or x wildcards) (at character "
       "2)"},
  };
  for (const auto& c : cases) {
    auto range = SemverRange::Parse(c.range);
    ASSERT_FALSE(range.ok()) << c.name;
    EXPECT_EQ(range.status().message(), c.message) << c.name;
  }
}

TEST(SemverRange, KeepsTheTextAsWritten) {
  auto range = SemverRange::Parse(">=1.0.0 <2.0.0");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->text(), ">=1.0.0 <2.0.0");
}

}  // namespace
}  // namespace spaceport::spec
