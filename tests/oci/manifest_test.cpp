#include "clients/oci/manifest.h"

#include <gtest/gtest.h>

#include "base/digest.h"
#include "clients/oci/media_types.h"

namespace spaceport::oci {
namespace {

std::string D(char c) { return "sha256:" + std::string(64, c); }

std::string Entry(const std::string& digest, const std::string& platform_json,
                  const std::string& extra = "") {
  std::string e = R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                  digest + R"(","size":500)";
  if (!platform_json.empty()) e += R"(,"platform":)" + platform_json;
  return e + extra + "}";
}

std::string Index(const std::vector<std::string>& entries) {
  std::string out =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)";
  for (size_t i = 0; i < entries.size(); ++i) out += (i ? "," : "") + entries[i];
  return out + "]}";
}

const std::string kImage =
    R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
    D('c') +
    R"(","size":123},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
    D('1') + R"(","size":1000}]})";

TEST(Manifest, DigestIsOverTheExactBytesAndMediaTypeFallsBackToContentType) {
  auto m = ParseManifest(kImage, "application/vnd.oci.image.manifest.v1+json; charset=utf-8");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->digest, "sha256:" + Sha256Hex(kImage));
  EXPECT_EQ(m->media_type, kOciManifest) << "umoci omits mediaType; the Content-Type fills in";
  EXPECT_EQ(m->bytes, kImage);
  EXPECT_EQ(m->Config()->digest, D('c'));
  EXPECT_EQ(m->Config()->size, 123);
  ASSERT_EQ(m->Layers()->size(), 1u);
  EXPECT_EQ(m->Layers()->at(0).digest, D('1'));
}

TEST(Manifest, TheBodysMediaTypeWinsOverAGenericContentType) {
  std::string docker =
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":")" +
      D('c') + R"(","size":1},"layers":[]})";
  auto m = ParseManifest(docker, "application/json");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->media_type, kDockerManifest);
  EXPECT_FALSE(m->IsIndex());
}

TEST(Manifest, BadManifestsAreClearErrors) {
  struct Case {
    std::string name;
    std::string bytes;
    std::string content_type;
    StatusCode code;
  };
  const Case cases[] = {
      {"bytes that are not JSON are invalid", "{not json",
       "application/vnd.oci.image.manifest.v1+json", StatusCode::kInvalidArgument},
      {"schema 1 is refused as unsupported", R"({"schemaVersion":1,"fsLayers":[]})",
       "application/vnd.docker.distribution.manifest.v1+prettyjws", StatusCode::kUnimplemented},
      {"an unknown media type with no recognisable shape is invalid", R"({"schemaVersion":2})",
       "text/plain", StatusCode::kInvalidArgument},
      {"a config descriptor with a bad digest is invalid",
       R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"sha256:xyz","size":1},"layers":[]})",
       "", StatusCode::kInvalidArgument},
      {"a layer without size is invalid",
       R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":")" +
           D('c') + R"(","size":1},"layers":[{"digest":")" + D('1') + R"("}]})",
       "", StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto m = ParseManifest(c.bytes, c.content_type);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), c.code) << m.status().ToString();
  }
}

TEST(Manifest, PlatformSelectionFollowsTheSpecAndSkipsAttestations) {
  const std::string attestation =
      Entry(D('9'), R"({"architecture":"unknown","os":"unknown"})",
            R"(,"annotations":{"vnd.docker.reference.type":"attestation-manifest"})");
  struct Case {
    std::string name;
    std::vector<std::string> entries;
    std::string want;
    std::optional<std::string> picked;
  };
  const Case cases[] = {
      {"the amd64 entry is picked after skipping an attestation listed first",
       {attestation, Entry(D('a'), R"({"architecture":"amd64","os":"linux"})"),
        Entry(D('b'), R"({"architecture":"arm64","os":"linux"})")},
       "linux/amd64",
       D('a')},
      {"arm64 is found second",
       {Entry(D('a'), R"({"architecture":"amd64","os":"linux"})"),
        Entry(D('b'), R"({"architecture":"arm64","os":"linux"})")},
       "arm64",
       D('b')},
      {"an entry without platform counts as linux/amd64", {Entry(D('a'), "")}, "amd64", D('a')},
      {"the first of two matching entries wins",
       {Entry(D('a'), R"({"architecture":"amd64","os":"linux"})"),
        Entry(D('b'), R"({"architecture":"amd64","os":"linux"})")},
       "amd64",
       D('a')},
      {"a requested variant must match",
       {Entry(D('a'), R"({"architecture":"arm","os":"linux","variant":"v6"})"),
        Entry(D('b'), R"({"architecture":"arm","os":"linux","variant":"v7"})")},
       "linux/arm/v7",
       D('b')},
      {"arm64/v8 matches an arm64 entry that does not state a variant",
       {Entry(D('b'), R"({"architecture":"arm64","os":"linux"})")},
       "linux/arm64/v8",
       D('b')},
      {"no variant asked means any variant",
       {Entry(D('b'), R"({"architecture":"arm","os":"linux","variant":"v7"})")},
       "linux/arm",
       D('b')},
      {"a windows entry is not linux",
       {Entry(D('a'), R"({"architecture":"amd64","os":"windows"})")},
       "amd64",
       std::nullopt},
      {"an index holding only an attestation offers nothing", {attestation}, "amd64", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto index = ParseManifest(Index(c.entries), "");
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    ASSERT_TRUE(index->IsIndex());
    auto children = index->Children();
    ASSERT_TRUE(children.ok());
    auto want = Platform::Parse(c.want);
    ASSERT_TRUE(want.ok());
    auto picked = SelectPlatform(*children, *want);
    if (c.picked) {
      ASSERT_TRUE(picked.ok()) << picked.status().ToString();
      EXPECT_EQ(picked->digest, *c.picked);
    } else {
      ASSERT_FALSE(picked.ok());
      EXPECT_EQ(picked.status().code(), StatusCode::kNotFound);
    }
  }
}

TEST(Manifest, AMissingPlatformErrorListsWhatTheIndexOffers) {
  auto index =
      ParseManifest(Index({Entry(D('a'), R"({"architecture":"amd64","os":"linux"})"),
                           Entry(D('b'), R"({"architecture":"arm","os":"linux","variant":"v7"})")}),
                    "");
  ASSERT_TRUE(index.ok());
  auto picked = SelectPlatform(*index->Children(), *Platform::Parse("s390x"));
  EXPECT_EQ(
      picked.status().message(),
      "no manifest for platform linux/s390x in the index (it offers: linux/amd64, linux/arm/v7)");
}

TEST(Manifest, PlatformTextForms) {
  EXPECT_EQ(Platform::Parse("amd64")->ToString(), "linux/amd64");
  EXPECT_EQ(Platform::Parse("linux/arm/v7")->variant, "v7");
  EXPECT_FALSE(Platform::Parse("linux//v7").ok());
  EXPECT_FALSE(Platform::Parse("a/b/c/d").ok());
}

}  // namespace
}  // namespace spaceport::oci
