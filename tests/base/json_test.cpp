#include "base/json.h"

#include <gtest/gtest.h>

#include <string>

namespace spaceport {
namespace {

TEST(JsonParse, RoundTripKeepsKeyOrderAndNumberText) {
  const std::string text = R"({"z":1,"a":[1.50,-0,2e10,"x"],"m":{"k":null,"t":true}})";
  auto j = Json::Parse(text);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->Dump(), text);
  EXPECT_EQ(j->Find("a")->At(0).Lexeme(), "1.50");
}

TEST(JsonParse, DecodesEscapesAndSurrogatePairs) {
  auto j = Json::Parse(R"(["a\"b\\c\/\n\t", "\u00e9\ud83d\ude00"])");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->At(0).AsString(), "a\"b\\c/\n\t");
  EXPECT_EQ(j->At(1).AsString(), "\xC3\xA9\xF0\x9F\x98\x80");
}

struct BadJsonCase {
  const char* name;
  const char* text;
  const char* message;  // expected substring
};

const std::string kDeep(5000, '[');

class JsonRejects : public ::testing::TestWithParam<BadJsonCase> {};

TEST_P(JsonRejects, WithPositionedMessage) {
  auto j = Json::Parse(GetParam().text);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find(GetParam().message), std::string::npos)
      << j.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonRejects,
    ::testing::Values(
        BadJsonCase{"trailing_comma_is_an_error", "[1,]", "line 1, column 4: unexpected character"},
        BadJsonCase{"unterminated_string_is_an_error", "\"abc", "unterminated string"},
        BadJsonCase{"text_after_value_is_an_error", "{} x", "unexpected text after"},
        BadJsonCase{"leading_zero_is_an_error", "01", "unexpected text after"},
        BadJsonCase{"error_position_counts_lines", "{\n\"a\": tru}", "line 2, column 6"},
        BadJsonCase{"control_character_in_string_is_an_error", "\"a\x01\"", "control character"},
        BadJsonCase{"lone_low_surrogate_is_an_error", R"("\udc00")", "unpaired surrogate"},
        BadJsonCase{"deep_nesting_is_bounded", kDeep.c_str(), "nesting deeper"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(JsonBuild, SetReplacesInPlaceAndEraseRemoves) {
  Json o = Json::Object();
  o.Set("a", 1);
  o.Set("b", "x");
  o.Set("a", 2);
  EXPECT_EQ(o.Dump(), R"({"a":2,"b":"x"})");
  EXPECT_TRUE(o.Erase("a"));
  EXPECT_FALSE(o.Erase("a"));
  EXPECT_EQ(o.Dump(), R"({"b":"x"})");
}

TEST(JsonBuild, AppendAddsWithoutLookingForTheKey) {
  Json o;
  o.Append("a", 1);
  o.Append("b", 2);
  EXPECT_TRUE(o.is_object());
  EXPECT_EQ(o.Dump(), R"({"a":1,"b":2})");
}

TEST(JsonBuild, PrettyPrintIsStable) {
  Json o = Json::Object();
  o.Set("list", Json::Array());
  o.Find("list")->Push(1);
  o.Set("empty", Json::Object());
  EXPECT_EQ(o.Dump(2), "{\n  \"list\": [\n    1\n  ],\n  \"empty\": {}\n}");
}

TEST(JsonNumbers, AsIntRejectsFractionsAndOverflow) {
  EXPECT_EQ(Json::Parse("42")->AsInt(), 42);
  EXPECT_EQ(Json::Parse("1.5")->AsInt(), std::nullopt);
  EXPECT_EQ(Json::Parse("99999999999999999999")->AsInt(), std::nullopt);
  EXPECT_EQ(Json(int64_t{-7}).Dump(), "-7");
}

TEST(JsonEquality, NumbersCompareByValue) {
  EXPECT_EQ(*Json::Parse("[1.0]"), *Json::Parse("[1]"));
  EXPECT_NE(*Json::Parse(R"({"a":1})"), *Json::Parse(R"({"a":2})"));
}

}  // namespace
}  // namespace spaceport
