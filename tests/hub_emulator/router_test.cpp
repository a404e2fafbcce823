// Route patterns: captures, constrained captures, the rest-of-path capture, labels.
#include <gtest/gtest.h>

#include "base/base64.h"
#include "emulators/hub/router.h"

#include <vector>

namespace spaceport::hub_emulator {
namespace {

TEST(Router, CapturesSegmentsAndLabelsWithTheConstrainedValue) {
  auto m = MatchPattern("/api/{type:models|datasets|spaces}/{ns}/{name}/runtime", "/api/spaces/alice/demo/runtime");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params.at("type"), "spaces");
  EXPECT_EQ(m->params.at("ns"), "alice");
  EXPECT_EQ(m->params.at("name"), "demo");
  EXPECT_EQ(m->label, "/api/spaces/{ns}/{name}/runtime");
}

TEST(Router, AConstrainedCaptureRefusesOtherValues) {
  EXPECT_FALSE(MatchPattern("/api/{type:models|spaces}/{ns}/{name}", "/api/buckets/a/b"));
}

TEST(Router, TheRestCaptureTakesZeroOrMoreSegments) {
  const char* pattern = "/{ns}/{name}/{kind:resolve|raw}/{rev}/{path*}";
  EXPECT_EQ(MatchPattern(pattern, "/a/b/resolve/main/x/y/z.txt")->params.at("path"), "x/y/z.txt");
  EXPECT_EQ(MatchPattern(pattern, "/a/b/raw/main")->params.at("path"), "");
}

TEST(Router, LengthMustMatchAndTrailingSlashesDoNotMatter) {
  EXPECT_FALSE(MatchPattern("/api/whoami-v2", "/api/whoami-v2/extra"));
  EXPECT_FALSE(MatchPattern("/api/{type:spaces}/{ns}/{name}", "/api/spaces/alice"));
  EXPECT_TRUE(MatchPattern("/api/whoami-v2", "/api/whoami-v2/"));
}

}  // namespace
}  // namespace spaceport::hub_emulator
