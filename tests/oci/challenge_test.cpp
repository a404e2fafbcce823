#include "clients/oci/challenge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace spaceport::oci {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(Challenge, ParsesTheChallengesRegistriesSend) {
  struct Case {
    std::string name;
    std::string header;
    std::vector<std::string> schemes;
    Params first_params;
  };
  const Case cases[] = {
      {"a GHCR bearer challenge keeps the comma inside the quoted scope",
       R"(Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push")",
       {"Bearer"},
       {{"realm", "https://ghcr.io/token"},
        {"service", "ghcr.io"},
        {"scope", "repository:a/b:pull,push"}}},
      {"an insufficient_scope error is a parameter like the others",
       R"(Bearer realm="http://127.0.0.1:9/token",service="test-registry",scope="repository:o/a:pull,push",error="insufficient_scope")",
       {"Bearer"},
       {{"realm", "http://127.0.0.1:9/token"},
        {"service", "test-registry"},
        {"scope", "repository:o/a:pull,push"},
        {"error", "insufficient_scope"}}},
      {"a Basic challenge from htpasswd has one realm",
       R"(Basic realm="test-basic-realm")",
       {"Basic"},
       {{"realm", "test-basic-realm"}}},
      {"two challenges joined by cpprestsdk's comma are both found",
       R"(Bearer realm="https://a/token",service="r", Basic realm="x")",
       {"Bearer", "Basic"},
       {{"realm", "https://a/token"}, {"service", "r"}}},
      {"parameter names are lower-cased and spaces around '=' are allowed",
       R"(bearer Realm = "https://a/t" , Service=reg)",
       {"bearer"},
       {{"realm", "https://a/t"}, {"service", "reg"}}},
      {"backslash escapes inside quotes are undone",
       R"(Bearer realm="a\"b\\c")",
       {"Bearer"},
       {{"realm", "a\"b\\c"}}},
      {"a token68 challenge is followed by another challenge",
       R"(Negotiate abc123==, Basic realm="r")",
       {"Negotiate", "Basic"},
       {}},
      {"a scheme without parameters is a challenge", "Basic", {"Basic"}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto parsed = ParseChallenges(c.header);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    std::vector<std::string> schemes;
    for (const Challenge& ch : *parsed) schemes.push_back(ch.scheme);
    EXPECT_EQ(schemes, c.schemes);
    EXPECT_EQ(parsed->front().params, c.first_params);
  }
}

TEST(Challenge, Token68AndLookupsAreCaseInsensitive) {
  auto parsed = ParseChallenges(R"(Negotiate abc123==, Basic realm="r")");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->at(0).token68, "abc123==");
  EXPECT_TRUE(parsed->at(1).Is("basic"));
  EXPECT_EQ(parsed->at(1).Param("REALM"), "r");
  EXPECT_EQ(parsed->at(1).Param("missing"), "");
}

TEST(Challenge, RejectsHeadersThatAreNotChallenges) {
  for (const std::string header : {R"(Bearer realm="unterminated)", "", " , ", R"(="x")"}) {
    SCOPED_TRACE(header);
    EXPECT_EQ(ParseChallenges(header).status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace spaceport::oci
