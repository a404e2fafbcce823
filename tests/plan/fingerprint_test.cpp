// Secret fingerprints in Space secret descriptions (plan/fingerprint.h).
#include "plan/fingerprint.h"

#include <gtest/gtest.h>

#include <string>

namespace spaceport::plan {
namespace {

const std::string kHex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(Fingerprint, RoundTripsThroughTheDescription) {
  EXPECT_EQ(FormatFingerprintDescription(kHex), "spaceport:hmac-sha256=" + kHex);
  EXPECT_EQ(ParseFingerprint(FormatFingerprintDescription(kHex)), kHex);
}

TEST(Fingerprint, IsFoundAmongOtherWords) {
  EXPECT_EQ(ParseFingerprint("API key (spaceport:hmac-sha256=" + kHex + ") do not edit"), kHex);
}

TEST(Fingerprint, RejectsWhatIsNotExactlySixtyFourLowercaseHexDigits) {
  EXPECT_EQ(ParseFingerprint(""), std::nullopt);
  EXPECT_EQ(ParseFingerprint("set by hand"), std::nullopt);
  EXPECT_EQ(ParseFingerprint("spaceport:hmac-sha256=" + kHex.substr(1)), std::nullopt);
  EXPECT_EQ(ParseFingerprint("spaceport:hmac-sha256=" + kHex + "0"), std::nullopt);
  std::string upper = kHex;
  upper[10] = 'A';
  EXPECT_EQ(ParseFingerprint("spaceport:hmac-sha256=" + upper), std::nullopt);
}

TEST(Fingerprint, ShortFormShowsOnlyEightDigits) { EXPECT_EQ(ShortFingerprint(kHex), "01234567…"); }

}  // namespace
}  // namespace spaceport::plan
