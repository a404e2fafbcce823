// Table tests for the string grammars (grammar.h) and did-you-mean suggestions (suggest.h).
#include "spec/grammar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spec/defaults.h"
#include "spec/quote.h"
#include "spec/suggest.h"

namespace spaceport::spec {
namespace {

struct GrammarCase {
  std::string name;
  GrammarError (*check)(std::string_view);
  std::string value;
  bool ok;
};

TEST(Grammar, AcceptsWellFormedValuesAndRefusesTheRest) {
  const std::vector<GrammarCase> cases = {
      {"a lower-case name is a label", CheckRfc1123Label, "grok2api", true},
      {"a name with a dash inside is a label", CheckRfc1123Label, "my-app-2", true},
      {"a name ending with a dash is not a label", CheckRfc1123Label, "app-", false},
      {"a name with a dot is not a label", CheckRfc1123Label, "my.app", false},
      {"an empty name is not a label", CheckRfc1123Label, "", false},
      {"63 characters are a label", CheckRfc1123Label, std::string(63, 'a'), true},
      {"a dotted Secret name is a subdomain", CheckDnsSubdomain, "my.secret-1", true},
      {"a Secret name with upper case is not a subdomain", CheckDnsSubdomain, "Secret", false},
      {"a Secret key may hold dots and dashes", CheckSecretKey, "api-key.txt", true},
      {"a Secret key may not hold a slash", CheckSecretKey, "a/b", false},
      {"a ghcr repository is valid", CheckImageRepository, "ghcr.io/gdtiti/grok2api-api", true},
      {"a registry with a port is valid", CheckImageRepository, "registry.local:5000/a/b", true},
      {"localhost counts as a host", CheckImageRepository, "localhost/app", true},
      {"double underscores separate components", CheckImageRepository, "ghcr.io/a__b/c", true},
      {"a host alone is no repository", CheckImageRepository, "ghcr.io", false},
      {"docker hub short names need the host", CheckImageRepository, "nginx", false},
      {"a bad port is refused", CheckImageRepository, "ghcr.io:99999/a", false},
      {"a trailing slash is refused", CheckImageRepository, "ghcr.io/a/", false},
      {"a component starting with a dash is refused", CheckImageRepository, "ghcr.io/-a", false},
      {"a semver tag is a tag", CheckTag, "v1.2.3-rc.1", true},
      {"an underscore may start a tag", CheckTag, "_latest", true},
      {"a plus is not allowed in a tag", CheckTag, "1.0.0+build", false},
      {"128 characters are a tag", CheckTag, std::string(128, 'a'), true},
      {"129 characters are too many", CheckTag, std::string(129, 'a'), false},
      {"an upper-case variable is a name", CheckEnvName, "LOG_LEVEL", true},
      {"a leading underscore is a name", CheckEnvName, "_X1", true},
      {"a dash is not allowed in a name", CheckEnvName, "LOG-LEVEL", false},
      {"a leading digit is not a name", CheckEnvName, "1X", false},
      {"a Space id has an owner and a name", CheckSpaceId, "your-username/grok2api-space", true},
      {"a Space name may hold dots and underscores", CheckSpaceId, "Org/My_Space.v2", true},
      {"a Space id with two slashes is refused", CheckSpaceId, "a/b/c", false},
      {"a Space name ending in a dot is refused", CheckSpaceId, "a/b.", false},
      {"a Space name of 96 characters is fine", CheckSpaceId, "a/" + std::string(96, 'b'), true},
      {"a Space name of 97 characters is refused", CheckSpaceId, "a/" + std::string(97, 'b'),
       false},
      {"a GitHub repository is OWNER/REPO", CheckGithubRepository, "gdtiti/grok2api", true},
      {"a GitHub owner may not hold a dot", CheckGithubRepository, "my.org/repo", false},
      {"a workflow file name is a workflow", CheckWorkflow, "docker.yaml", true},
      {"a numeric id is a workflow", CheckWorkflow, "161335", true},
      {"a bare name is not a workflow", CheckWorkflow, "docker", false},
      {"a branch with a slash is a ref", CheckGitRef, "release/v1", true},
      {"a ref with a space is refused", CheckGitRef, "my branch", false},
      {"a ref with two dots is refused", CheckGitRef, "a..b", false},
  };
  for (const auto& c : cases) {
    const GrammarError error = c.check(c.value);
    EXPECT_EQ(!error.has_value(), c.ok)
        << c.name << ": " << c.value << " -> " << error.value_or("(ok)");
  }
}

TEST(Grammar, ParsesGoStyleDurationsInWholeSeconds) {
  struct Case {
    std::string text;
    std::optional<int64_t> seconds;
  };
  const std::vector<Case> cases = {
      {"30s", 30},
      {"5m", 300},
      {"1h", 3600},
      {"1h30m", 5400},
      {"90s", 90},
      {"1h0m5s", 3605},
      {"0s", 0},
      {"", std::nullopt},
      {"5", std::nullopt},
      {"1.5h", std::nullopt},
      {"500ms", std::nullopt},
      {"1d", std::nullopt},
      {"5 m", std::nullopt},
      {"-5m", std::nullopt},
      {"m", std::nullopt},
      {"9999999999999h", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseDuration(c.text), c.seconds) << c.text;
}

TEST(Grammar, FindsEveryBadPlaceholderAndAcceptsTheKnownOnes) {
  EXPECT_THAT(CheckPlaceholders("{{ .Version }} {{.Image}} {{  .BuildID  }} plain }}"),
              ::testing::IsEmpty());
  EXPECT_THAT(CheckPlaceholders("{{ .Tag }}-{{ .image }}-{{ .Version"),
              ::testing::ElementsAre(
                  "unknown placeholder \"{{ .Tag }}\"; use {{ .Version }}, {{ .Image }} or "
                  "{{ .BuildID }}",
                  "unknown placeholder \"{{ .image }}\"; did you mean \"{{ .Image }}\"?",
                  "unclosed placeholder \"{{ .Version\"; placeholders look like {{ .Version }}"));
}

TEST(Grammar, CountsCharactersNotBytes) {
  EXPECT_EQ(CountCharacters("abc"), 3u);
  EXPECT_EQ(CountCharacters("🚀 café"), 6u);
}

TEST(Suggest, OffersTheClosestPlausibleCandidate) {
  constexpr std::string_view kFields[] = {"repository", "version", "policy", "build"};
  struct Case {
    std::string word;
    std::optional<std::string_view> suggestion;
  };
  const std::vector<Case> cases = {
      {"reposiotry", "repository"},  // a swap of two letters is one edit
      {"Version", "version"},        // case does not count
      {"polcy", "policy"},          {"biuld", "build"}, {"colour", std::nullopt},  // nothing close
      {"v", std::nullopt},          {"", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(Suggest(c.word, kFields), c.suggestion) << c.word;
  EXPECT_EQ(Suggest("cpu-basci", kHardwareFlavours), "cpu-basic");
  EXPECT_EQ(Suggest("a10g-smal", kHardwareFlavours), "a10g-small");
}

TEST(Suggest, MeasuresEditsCaseInsensitively) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("ab", "ba"), 1);
  EXPECT_EQ(EditDistance("ABC", "abc"), 0);
  EXPECT_EQ(EditDistance("", "abc"), 3);
}

TEST(Quote, KeepsMessagesOnOneBoundedLine) {
  EXPECT_EQ(Quote("a\"b\nc"), "\"a\\\"b\\nc\"");
  const std::string quoted = Quote(std::string(300, 'x'));
  EXPECT_EQ(quoted, std::string("\"").append(80, 'x').append("...\" (300 characters)"));
  // Never cut inside a multi-byte character.
  const std::string cut = Quote(std::string(79, 'x') + "é" + std::string(10, 'y'));
  EXPECT_EQ(cut, std::string("\"").append(79, 'x').append("...\" (91 characters)"));
}

}  // namespace
}  // namespace spaceport::spec
