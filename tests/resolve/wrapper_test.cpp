// Wrapper conventions (resolve/wrapper.h): names, env merging, the spec hash, and the up-to-date
// check.
#include "resolve/wrapper.h"

#include <gtest/gtest.h>

#include "base/digest.h"
#include "plan/plan_builders.h"

namespace spaceport::resolve {
namespace {

TEST(WrapperTag, JoinsPlatformAndVersionWithSlashesAsDashes) {
  EXPECT_EQ(WrapperTag("amd64", "v1.0.0"), "hf-amd64-v1.0.0");
  EXPECT_EQ(WrapperTag("arm/v7", "v1.0.0-rc.1"), "hf-arm-v7-v1.0.0-rc.1");
}

TEST(SpacePlatform, PrefersAmd64AndOtherwiseTakesTheFirst) {
  spec::WrapperSpec w;
  w.platforms = {"arm64", "amd64"};
  EXPECT_EQ(SpacePlatform(w), "amd64");
  w.platforms = {"arm64", "arm/v7"};
  EXPECT_EQ(SpacePlatform(w), "arm64");
  w.platforms = {};
  EXPECT_EQ(SpacePlatform(w), "amd64");
}

TEST(DesiredWrapperEnv, ReplacesInPlaceAndAppendsNewEntries) {
  EXPECT_EQ(DesiredWrapperEnv({"PATH=/bin", "PORT=3000", "LANG=C"},
                              {{"HOST", "0.0.0.0"}, {"PORT", "7860"}}),
            (std::vector<std::string>{"PATH=/bin", "PORT=7860", "LANG=C", "HOST=0.0.0.0"}));
  EXPECT_EQ(DesiredWrapperEnv({}, {{"A", "x=y"}}), (std::vector<std::string>{"A=x=y"}));
  // A base entry whose name is a prefix of the spec's is a different variable.
  EXPECT_EQ(DesiredWrapperEnv({"PORTS=1"}, {{"PORT", "2"}}),
            (std::vector<std::string>{"PORTS=1", "PORT=2"}));
}

TEST(WrapperSpecHash, IsTheSha256OfTheDocumentedCanonicalText) {
  spec::WrapperSpec w;
  w.env = {{"HOST", "0.0.0.0"}, {"PORT", "7860"}};
  w.port = 7860;
  EXPECT_EQ(WrapperSpecCanonicalText(w),
            "spaceport.wrapper/v1\nenv HOST=0.0.0.0\nenv PORT=7860\nport 7860\n");
  EXPECT_EQ(WrapperSpecHash(w), Sha256Hex(WrapperSpecCanonicalText(w)));
  EXPECT_EQ(WrapperSpecHash(w).size(), 64u);
}

TEST(WrapperSpecHash, ChangesWithOrderValuesAndPortAndEscapesNewlines) {
  spec::WrapperSpec a;
  a.env = {{"A", "1"}, {"B", "2"}};
  spec::WrapperSpec b = a;
  b.env = {{"B", "2"}, {"A", "1"}};
  spec::WrapperSpec c = a;
  c.port = 8080;
  EXPECT_NE(WrapperSpecHash(a), WrapperSpecHash(b));
  EXPECT_NE(WrapperSpecHash(a), WrapperSpecHash(c));
  // "1\nenv B=2" in one value must not read like two entries.
  spec::WrapperSpec d;
  d.env = {{"A", "1\nenv B=2"}};
  EXPECT_NE(WrapperSpecHash(a), WrapperSpecHash(d));
  EXPECT_EQ(WrapperSpecCanonicalText(d), "spaceport.wrapper/v1\nenv A=1\\nenv B=2\nport 7860\n");
}

observe::TagInfo Index() {
  observe::TagInfo t;
  t.digest = "sha256:index";
  t.platforms = {{"amd64", "sha256:amd", {}, {}, {}}, {"arm64", "sha256:arm", {}, {}, {}}};
  return t;
}

TEST(BasePlatformDigest, TakesThePlatformEntryOfAnIndex) {
  EXPECT_EQ(BasePlatformDigest(Index(), "arm64"), "sha256:arm");
  EXPECT_EQ(BasePlatformDigest(Index(), "arm/v7"), std::nullopt);
}

TEST(BasePlatformDigest, UsesTheTagDigestWhenPlatformsWereNotObserved) {
  observe::TagInfo t;
  t.digest = "sha256:single";
  EXPECT_EQ(BasePlatformDigest(t, "amd64"), "sha256:single");
  t.platforms = {{"amd64", "sha256:single", {}, {}, {}}};
  EXPECT_EQ(BasePlatformDigest(t, "amd64"), "sha256:single");
  EXPECT_EQ(BasePlatformDigest(t, "arm64"), std::nullopt);
}

// A wrapper exactly as act/ must publish it.
observe::TagInfo GoodWrapper(const spec::WrapperSpec& w, const std::string& base_digest) {
  observe::TagInfo t;
  t.digest = "sha256:wrapper";
  observe::PlatformImage p;
  p.platform = "amd64";
  p.digest = t.digest;
  p.env = DesiredWrapperEnv({"PATH=/bin"}, w.env);
  p.exposed_ports = {std::to_string(w.port) + "/tcp"};
  p.labels = {{std::string(kLabelBaseName), "ghcr.io/o/app:v1"},
              {std::string(kLabelBaseDigest), base_digest},
              {std::string(kLabelSpecHash), WrapperSpecHash(w)}};
  t.platforms.push_back(p);
  return t;
}

using plan::testing::DefaultWrapper;

std::vector<std::string> Fields(const WrapperCheck& check) {
  std::vector<std::string> out;
  for (const auto& d : check.differences) out.push_back(d.field + "=" + d.observed);
  return out;
}

TEST(CheckWrapper, AcceptsAWrapperWithMatchingLabelsEnvAndPort) {
  auto w = DefaultWrapper();
  auto tag = GoodWrapper(w, "sha256:base");
  EXPECT_TRUE(CheckWrapper(w, "amd64", "sha256:base", &tag).up_to_date());
}

TEST(CheckWrapper, ReportsAMissingTagAlone) {
  auto check = CheckWrapper(DefaultWrapper(), "amd64", "sha256:base", nullptr);
  EXPECT_EQ(Fields(check), (std::vector<std::string>{"wrapper.tag=<absent>"}));
  EXPECT_EQ(check.differences[0].summary, "wrapper tag is missing");
}

TEST(CheckWrapper, ReportsEveryDifferenceOfAForeignImage) {
  auto w = DefaultWrapper();
  observe::TagInfo foreign;
  foreign.platforms = {{"amd64", "sha256:x", {"PORT=80"}, {"80/tcp"}, {}}};
  EXPECT_EQ(Fields(CheckWrapper(w, "amd64", "sha256:base", &foreign)),
            (std::vector<std::string>{"wrapper.base=<absent>", "wrapper.spec-hash=<absent>",
                                      "wrapper.env.HOST=<absent>", "wrapper.env.PORT=80",
                                      "wrapper.port=80/tcp"}));
}

TEST(CheckWrapper, TreatsAnyWrapperAsStaleWhileTheBaseIsNotBuilt) {
  auto w = DefaultWrapper();
  auto tag = GoodWrapper(w, "sha256:old");
  auto check = CheckWrapper(w, "amd64", std::nullopt, &tag);
  ASSERT_EQ(check.differences.size(), 1u);
  EXPECT_EQ(check.differences[0].field, "wrapper.base");
  EXPECT_EQ(check.differences[0].summary, "stale: base moved from sha256:old to <not built yet>");
}

TEST(CheckWrapper, AcceptsAnEmptyEnvValueOnlyWhenTheSpecWantsIt) {
  auto w = DefaultWrapper();
  w.env.push_back({"EMPTY", ""});
  auto tag = GoodWrapper(w, "sha256:base");
  EXPECT_TRUE(CheckWrapper(w, "amd64", "sha256:base", &tag).up_to_date());
  w.env.back().second = "set";
  tag.platforms[0].labels[std::string(kLabelSpecHash)] = WrapperSpecHash(w);
  EXPECT_EQ(Fields(CheckWrapper(w, "amd64", "sha256:base", &tag)),
            (std::vector<std::string>{"wrapper.env.EMPTY="}));
}

}  // namespace
}  // namespace spaceport::resolve
