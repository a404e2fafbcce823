#include <gtest/gtest.h>

#include "http/header_lists.h"
#include "http/http.h"

namespace spaceport::http {
namespace {

using Strings = std::vector<std::string>;

TEST(Headers, LookupIgnoresCaseAndKeepsRepeatsInOrder) {
  Headers h{{"Link", "<a>; rel=\"next\""}, {"content-type", "text/plain"}};
  h.Add("LINK", "<b>; rel=\"other\"");
  EXPECT_EQ(h.Get("CONTENT-TYPE"), "text/plain");
  EXPECT_EQ(h.Get("link"), "<a>; rel=\"next\"");
  EXPECT_EQ(h.GetAll("Link"), (Strings{"<a>; rel=\"next\"", "<b>; rel=\"other\""}));
  EXPECT_TRUE(h.Has("Content-Type"));
  EXPECT_FALSE(h.Has("Location"));
  EXPECT_EQ(h.Get("Location"), std::nullopt);
  EXPECT_TRUE(h.GetAll("Location").empty());
}

TEST(Headers, SetReplacesEveryValueOfThatNameAndRemoveDeletesThemAll) {
  Headers h{{"Accept", "a"}, {"X", "1"}, {"accept", "b"}};
  h.Set("ACCEPT", "c");
  EXPECT_EQ(h.GetAll("accept"), Strings{"c"});
  ASSERT_EQ(h.items().size(), 2u);
  EXPECT_EQ(h.items()[0].first, "X");
  h.Remove("x");
  h.Remove("not-there");
  EXPECT_FALSE(h.Has("X"));
  EXPECT_EQ(h.items().size(), 1u);
}

TEST(HeaderLists, SplitKeepsCommasInsideQuotesAndUriBrackets) {
  const std::pair<const char*, Strings> cases[] = {
      {R"(</v2/x/tags/list?n=2&last=b,c>; rel="next", <https://y>; rel="other")",
       {R"(</v2/x/tags/list?n=2&last=b,c>; rel="next")", R"(<https://y>; rel="other")"}},
      {R"(a, "b,c" , d)", {"a", R"("b,c")", "d"}},
      {R"(x="quoted \" comma, inside", y)", {R"(x="quoted \" comma, inside")", "y"}},
      {" , ,a,,", {"a"}},
      {"", {}},
  };
  for (const auto& [value, expected] : cases) {
    SCOPED_TRACE(value);
    EXPECT_EQ(SplitHeaderList(value), expected);
  }
}

TEST(HeaderLists, SplitChallengesGroupsParametersWithTheirScheme) {
  EXPECT_EQ(
      SplitChallenges(
          R"(Bearer realm="https://auth/token",service="reg",scope="repository:a,b:pull", Basic realm="x")"),
      (Strings{R"(Bearer realm="https://auth/token",service="reg",scope="repository:a,b:pull")",
               R"(Basic realm="x")"}));
  EXPECT_EQ(SplitChallenges("Negotiate, Basic realm = \"r\", charset=\"UTF-8\""),
            (Strings{"Negotiate", "Basic realm = \"r\",charset=\"UTF-8\""}));
  EXPECT_EQ(SplitChallenges("Basic abc==, Bearer"), (Strings{"Basic abc==", "Bearer"}));
}

TEST(Redact, CredentialHeadersKeepOnlyTheirScheme) {
  const std::tuple<const char*, const char*, const char*> cases[] = {
      {"Authorization", "Bearer abc.def.ghi", "Bearer <redacted>"},
      {"authorization", "Basic dXNlcjpwYXNz", "Basic <redacted>"},
      {"Proxy-Authorization", "Basic dXNlcjpwYXNz", "Basic <redacted>"},
      {"Authorization", "rawtokenwithoutscheme", "<redacted>"},
      {"Cookie", "session=abc; theme=dark", "<redacted>"},
      {"Set-Cookie", "session=abc; HttpOnly", "<redacted>"},
      {"X-Api-Key", "k-123", "<redacted>"},
      {"X-Auth-Token", "t-123", "<redacted>"},
      {"X-Client-Secret", "s", "<redacted>"},
      {"Accept", "application/json", "application/json"},
      {"Location", "https://cdn/x?sig=1", "https://cdn/x?sig=1"},
  };
  for (const auto& [name, value, expected] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(Redact(name, value), expected);
  }
}

TEST(Redact, RedactedCopiesAllHeadersWithSecretsRemoved) {
  const Headers h{{"Authorization", "Bearer SECRET"}, {"Accept", "*/*"}};
  const Headers r = Redacted(h);
  EXPECT_EQ(r.Get("Authorization"), "Bearer <redacted>");
  EXPECT_EQ(r.Get("Accept"), "*/*");
  EXPECT_EQ(h.Get("Authorization"), "Bearer SECRET");
}

}  // namespace
}  // namespace spaceport::http
