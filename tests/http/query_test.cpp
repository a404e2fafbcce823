#include "http/query.h"

#include <gtest/gtest.h>

#include "http/http.h"

namespace spaceport::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(Query, ParseKeepsRepeatedKeysInOrderAndDecodes) {
  EXPECT_EQ(ParseQuery("service=reg&scope=repository%3Aa%3Apull&scope=b+c"),
            (Pairs{{"service", "reg"}, {"scope", "repository:a:pull"}, {"scope", "b c"}}));
}

TEST(Query, ParseTable) {
  const std::pair<const char*, Pairs> cases[] = {
      {"", {}},
      {"a", {{"a", ""}}},
      {"a=", {{"a", ""}}},
      {"a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
      {"k=v=w", {{"k", "v=w"}}},
      {"%41%42=%2b", {{"AB", "+"}}},
      {"bad=%zz%", {{"bad", "%zz%"}}},
  };
  for (const auto& [query, expected] : cases) {
    SCOPED_TRACE(std::string("query \"") + query + "\"");
    EXPECT_EQ(ParseQuery(query), expected);
  }
}

TEST(Query, PlusIsASpaceOnlyWhenAskedFor) {
  EXPECT_EQ(UrlDecode("a+b%20c", true), "a b c");
  EXPECT_EQ(UrlDecode("a+b%20c", false), "a+b c");
}

TEST(Query, EncodeThenDecodeRoundTripsAnyBytes) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(UrlDecode(UrlEncode(all), true), all);
}

TEST(Query, IncomingRequestReturnsEveryValueOfARepeatedKey) {
  Server::IncomingRequest req;
  req.query = "scope=a&service=x&scope=b";
  EXPECT_EQ(req.QueryValues("scope"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(req.QueryValue("scope"), "a");
  EXPECT_EQ(req.QueryValue("service"), "x");
  EXPECT_EQ(req.QueryValue("missing"), std::nullopt);
  EXPECT_TRUE(req.QueryValues("missing").empty());
}

}  // namespace
}  // namespace spaceport::http
