// README front matter becomes cardData with the JSON types the Hub gives it.
#include <gtest/gtest.h>

#include "emulators/hub/front_matter.h"

namespace spaceport::hub_emulator {
namespace {

TEST(FrontMatter, PlainScalarsBecomeNumbersAndBooleansQuotedOnesStayStrings) {
  const FrontMatter fm = ParseFrontMatter(
      "---\ntitle: Demo\nsdk: docker\napp_port: 7860\npinned: false\nversion: \"7860\"\n"
      "ratio: 0.5\ntags:\n  - a\n  - b\n---\n# Body\n");
  ASSERT_TRUE(fm.present);
  EXPECT_EQ(fm.error, "");
  EXPECT_EQ(fm.data.Dump(),
            R"({"title":"Demo","sdk":"docker","app_port":7860,"pinned":false,"version":"7860",)"
            R"("ratio":0.5,"tags":["a","b"]})");
}

TEST(FrontMatter, AReadmeWithoutALeadingBlockHasNone) {
  EXPECT_FALSE(ParseFrontMatter("# Title\n---\nsdk: docker\n---\n").present);
  EXPECT_FALSE(ParseFrontMatter("---\nsdk: docker\n").present);  // never closed
}

TEST(FrontMatter, WindowsLineEndingsAreAccepted) {
  const FrontMatter fm = ParseFrontMatter("---\r\nsdk: docker\r\n---\r\nbody\r\n");
  ASSERT_TRUE(fm.present);
  EXPECT_EQ(fm.data.GetString("sdk"), "docker");
}

TEST(FrontMatter, InvalidYamlIsReportedNotThrown) {
  const FrontMatter fm = ParseFrontMatter("---\nsdk: [docker\n---\n");
  EXPECT_TRUE(fm.present);
  EXPECT_NE(fm.error, "");
}

TEST(FrontMatter, AListIsNotAValidCard) {
  EXPECT_NE(ParseFrontMatter("---\n- a\n- b\n---\n").error, "");
}

TEST(FrontMatter, AnEmptyBlockIsAnEmptyCard) {
  const FrontMatter fm = ParseFrontMatter("---\n---\n");
  EXPECT_TRUE(fm.present);
  EXPECT_EQ(fm.data.Dump(), "{}");
}

}  // namespace
}  // namespace spaceport::hub_emulator
