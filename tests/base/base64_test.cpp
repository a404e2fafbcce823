#include "base/base64.h"

#include <gtest/gtest.h>

namespace spaceport {
namespace {

TEST(Base64, MatchesRfc4648TestVectorsBothWays) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), plain);
  }
}

TEST(Base64, DecodingRejectsCharactersOutsideTheAlphabet) {
  EXPECT_EQ(Base64Decode("Zm9v!"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm 9v"), std::nullopt);
  EXPECT_EQ(Base64Decode("ab=c"), std::nullopt);  // padding inside
  EXPECT_EQ(Base64Decode(Base64Encode(std::string("\0\xff", 2))), std::string("\0\xff", 2));
}

}  // namespace
}  // namespace spaceport
