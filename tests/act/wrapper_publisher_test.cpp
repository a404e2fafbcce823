// PublishWrapper against the real CNCF Distribution registry (Debian's docker-registry 2.8), with
// every result checked by an independent client: skopeo reads the wrapper back, `skopeo copy`
// re-verifies every digest, and the registry's own access log says what was written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "act/registry_world.h"
#include "base/digest.h"
#include "clients/oci/media_types.h"
#include "clients/oci/registry_error.h"
#include "resolve/wrapper.h"

namespace spaceport::act::testing {
namespace {

using ::testing::IsEmpty;
using ::testing::IsSupersetOf;

std::vector<std::string> Strings(const Json* array) {
  std::vector<std::string> out;
  if (array == nullptr || !array->is_array()) return out;
  for (size_t i = 0; i < array->size(); ++i) out.push_back(array->At(i).AsString());
  return out;
}

// The label the wrapper carries under `key` ("" when absent).
std::string Label(const Json& config, std::string_view key) {
  const Json* inner = config.Find("config");
  const Json* labels = inner != nullptr ? inner->Find("Labels") : nullptr;
  return labels != nullptr ? labels->GetString(key) : "";
}

class WrapperPublisherTest : public RealRegistryTest {
 protected:
  // The checks every published wrapper must pass, whatever its base and registry.
  static void ExpectIsWrapperOf(const support::RegistryProcess& r, const std::string& repo_tag,
                                const PublishedWrapper& out, const std::string& base_repo_tag,
                                const std::string& base_platform_digest,
                                const std::string& architecture) {
    SCOPED_TRACE(repo_tag);
    // The digest we returned is the sha256 of the bytes the registry serves.
    std::string raw = SkopeoInspect(r, repo_tag, "--raw");
    EXPECT_EQ("sha256:" + Sha256Hex(raw), out.digest);
    EXPECT_EQ(out.base_digest, base_platform_digest);

    auto manifest = Json::Parse(raw);
    ASSERT_TRUE(manifest.ok());
    EXPECT_EQ(manifest->Find("manifests"), nullptr) << "a single-platform manifest, not an index";
    // The layers are the base's, descriptor for descriptor.
    Json base_manifest = SkopeoJson(r, base_repo_tag.substr(0, base_repo_tag.find(':')) + "@" +
                                           base_platform_digest);
    ASSERT_NE(manifest->Find("layers"), nullptr);
    EXPECT_EQ(manifest->Find("layers")->Dump(), base_manifest.Find("layers")->Dump());

    Json config = SkopeoJson(r, repo_tag, "--config");
    const Json* inner = config.Find("config");
    ASSERT_NE(inner, nullptr);
    EXPECT_THAT(Strings(inner->Find("Env")), IsSupersetOf({"HOST=0.0.0.0", "PORT=7860"}));
    ASSERT_NE(inner->Find("ExposedPorts"), nullptr);
    EXPECT_NE(inner->Find("ExposedPorts")->Find("7860/tcp"), nullptr);
    EXPECT_EQ(Label(config, resolve::kLabelBaseName), r.host() + "/" + base_repo_tag);
    EXPECT_EQ(Label(config, resolve::kLabelBaseDigest), base_platform_digest);
    EXPECT_EQ(Label(config, resolve::kLabelSpecHash), resolve::WrapperSpecHash(HfWrapper()));
    EXPECT_EQ(Label(config, "org.example.base"), "yes") << "base labels are kept";
    EXPECT_EQ(config.GetString("architecture"), architecture);

    // History: the wrapper's entries add no layer, so non-empty entries still match diff_ids.
    const Json* history = config.Find("history");
    ASSERT_NE(history, nullptr);
    size_t non_empty = 0, wrapper_entries = 0;
    for (size_t i = 0; i < history->size(); ++i) {
      const Json* empty = history->At(i).Find("empty_layer");
      bool is_empty = empty != nullptr && empty->is_bool() && empty->AsBool();
      non_empty += is_empty ? 0 : 1;
      wrapper_entries += history->At(i).GetString("comment") == "spaceport hf-wrapper" ? 1 : 0;
      if (history->At(i).GetString("comment") == "spaceport hf-wrapper") {
        EXPECT_TRUE(is_empty);
      }
    }
    EXPECT_GE(wrapper_entries, 2u);
    EXPECT_EQ(non_empty, config.Find("rootfs")->Find("diff_ids")->size());

    // skopeo copy fetches every blob and verifies each digest.
    support::TempDir copy("act-copy");
    support::CommandResult copied = SkopeoCopyToDir(r, repo_tag, copy.path() / "x");
    EXPECT_EQ(copied.exit_code, 0) << copied.output;
  }

  // Requests that changed something since `mark` (waits for the log to settle).
  static std::vector<std::string> WritesSince(const support::RegistryProcess& r, size_t mark) {
    SettleLog();
    std::vector<std::string> lines;
    for (const LoggedRequest& w : WritesInLog(r.Log(), mark)) lines.push_back(w.Line());
    return lines;
  }
};

TEST_F(WrapperPublisherTest, AFreshPublishIsAtMostSixRequestsAndSkopeoSeesHfDockerfilesConfig) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0"}));
  auto client = ClientFor(Reg("open"));
  ASSERT_TRUE(client->HeadManifest("owner/app", "v1.0.0").ok()) << "warms the client";
  int64_t before = client->requests_sent();

  auto out = Publish(*client, Reg("open"), "owner/app", "v1.0.0", "amd64");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->skipped);
  EXPECT_EQ(out->reference, Reg("open").host() + "/owner/app:hf-amd64-v1.0.0");
  EXPECT_LE(out->requests, 6);
  EXPECT_EQ(out->requests, client->requests_sent() - before);

  const auto& base = Seeded("open:owner/app:v1.0.0");
  ExpectIsWrapperOf(Reg("open"), "owner/app:hf-amd64-v1.0.0", *out, "owner/app:v1.0.0",
                    base.digest, "amd64");
  // The base's Env entries survive, in order, with hf/Dockerfile's appended.
  Json config = SkopeoJson(Reg("open"), "owner/app:hf-amd64-v1.0.0", "--config");
  EXPECT_EQ(Strings(config.Find("config")->Find("Env")),
            (std::vector<std::string>{
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "APP_MODE=prod", "HOST=0.0.0.0", "PORT=7860"}));
  // OCI manifests also carry the base annotations.
  Json manifest = SkopeoJson(Reg("open"), "owner/app:hf-amd64-v1.0.0");
  EXPECT_EQ(manifest.GetString("mediaType"), oci::kOciManifest);
  ASSERT_NE(manifest.Find("annotations"), nullptr);
  EXPECT_EQ(manifest.Find("annotations")->GetString(resolve::kLabelBaseDigest), base.digest);
}

TEST_F(WrapperPublisherTest, ASecondPublishOfAnUnchangedBaseIsSkippedInThreeRequestsAndNoWrites) {
  ASSERT_TRUE(Need({"open:owner/skip:v1.0.0"}));
  auto client = ClientFor(Reg("open"));
  auto first = Publish(*client, Reg("open"), "owner/skip", "v1.0.0", "amd64");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_FALSE(first->skipped);

  SettleLog();
  size_t mark = Reg("open").Log().size();
  auto second = Publish(*client, Reg("open"), "owner/skip", "v1.0.0", "amd64");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->skipped);
  EXPECT_LE(second->requests, 3);
  EXPECT_EQ(second->digest, first->digest);
  EXPECT_THAT(WritesSince(Reg("open"), mark), IsEmpty());
  EXPECT_EQ("sha256:" + Sha256Hex(SkopeoInspect(Reg("open"), "owner/skip:hf-amd64-v1.0.0")),
            first->digest);
  // A new client (cold) derives the same bytes: the wrapper is a function of base and spec.
  auto cold = Publish(*ClientFor(Reg("open")), Reg("open"), "owner/skip", "v1.0.0", "amd64");
  ASSERT_TRUE(cold.ok()) << cold.status().ToString();
  EXPECT_TRUE(cold->skipped);
}

TEST_F(WrapperPublisherTest, EachPlatformOfAnOciIndexWithAnAttestationGetsASinglePlatformWrapper) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0-multi"}));
  const auto& base = Seeded("open:owner/app:v1.0.0-multi");
  auto client = ClientFor(Reg("open"));
  for (const std::string arch : {"amd64", "arm64"}) {
    SCOPED_TRACE(arch);
    auto out = Publish(*client, Reg("open"), "owner/app", "v1.0.0-multi", arch);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_FALSE(out->skipped);
    std::string tag = "owner/app:hf-" + arch + "-v1.0.0-multi";
    ExpectIsWrapperOf(Reg("open"), tag, *out, "owner/app:v1.0.0-multi",
                      base.platform_digests.at(arch), arch);
    EXPECT_EQ(SkopeoJson(Reg("open"), tag).GetString("mediaType"), oci::kOciManifest);
  }
}

TEST_F(WrapperPublisherTest, DockerBasesKeepTheDockerMediaTypeAndGetNoAnnotations) {
  struct Case {
    std::string tag, arch;
  };
  const Case cases[] = {
      {"v1.0.0-docker", "amd64"},        // Docker schema 2
      {"v1.0.0-multi-docker", "amd64"},  // Docker manifest list
      {"v1.0.0-multi-docker", "arm64"},
  };
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0-docker", "open:owner/app:v1.0.0-multi-docker"}));
  auto client = ClientFor(Reg("open"));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tag + " " + c.arch);
    const auto& base = Seeded("open:owner/app:" + c.tag);
    auto out = Publish(*client, Reg("open"), "owner/app", c.tag, c.arch);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    std::string tag = "owner/app:hf-" + c.arch + "-" + c.tag;
    ExpectIsWrapperOf(Reg("open"), tag, *out, "owner/app:" + c.tag,
                      base.platform_digests.at(c.arch), c.arch);
    Json manifest = SkopeoJson(Reg("open"), tag);
    EXPECT_EQ(manifest.GetString("mediaType"), oci::kDockerManifest);
    EXPECT_EQ(manifest.Find("config")->GetString("mediaType"), oci::kDockerConfig);
    EXPECT_EQ(manifest.Find("annotations"), nullptr) << manifest.Dump();
  }
}

TEST_F(WrapperPublisherTest, AnOciManifestWithoutMediaTypeAsUmociWritesItIsWrapped) {
  ASSERT_TRUE(Need({"open:owner/umoci:v1"}));
  const auto& base = Seeded("open:owner/umoci:v1");
  ASSERT_EQ(SkopeoJson(Reg("open"), "owner/umoci:v1").Find("mediaType"), nullptr)
      << "the base really has no mediaType";
  auto client = ClientFor(Reg("open"));
  auto out = Publish(*client, Reg("open"), "owner/umoci", "v1", "amd64");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectIsWrapperOf(Reg("open"), "owner/umoci:hf-amd64-v1", *out, "owner/umoci:v1", base.digest,
                    "amd64");
  EXPECT_EQ(SkopeoJson(Reg("open"), "owner/umoci:hf-amd64-v1").GetString("mediaType"),
            oci::kOciManifest);
}

TEST_F(WrapperPublisherTest, TokenAuthPublishesIntoAnotherRepositoryWithOneTokenAndMountedLayers) {
  ASSERT_TRUE(Need({"token:owner/app:v1.0.0"}));
  const auto& base = Seeded("token:owner/app:v1.0.0");
  auto client = ClientFor(Reg("token"), Ci());
  int tokens_before = World().tokens().request_count();
  size_t mark = Reg("token").Log().size();

  auto out = Publish(*client, Reg("token"), "owner/app", "v1.0.0", "amd64", "owner/app-hf");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->reference, Reg("token").host() + "/owner/app-hf:hf-amd64-v1.0.0");
  EXPECT_EQ(World().tokens().request_count() - tokens_before, 1)
      << "one token: pull on the base, pull+push on the target";
  EXPECT_THAT(World().tokens().requests().back().scopes,
              IsSupersetOf({"repository:owner/app:pull", "repository:owner/app-hf:pull,push"}));

  // The layer was mounted (201), never uploaded: the only finished upload is the config.
  SettleLog();
  std::vector<std::string> uploaded;
  bool mounted = false;
  for (const LoggedRequest& w : WritesInLog(Reg("token").Log(), mark)) {
    if (!w.UploadedDigest().empty()) uploaded.push_back(w.UploadedDigest());
    if (w.uri.find("mount=" + std::string("sha256%3A") + base.layer_digest.substr(7)) !=
        std::string::npos)
      mounted = w.status == 201;
    EXPECT_NE(w.method, "PATCH") << w.Line();
  }
  EXPECT_TRUE(mounted) << Reg("token").Log().substr(mark);
  ASSERT_EQ(uploaded.size(), 1u);
  EXPECT_NE(uploaded[0], base.layer_digest);

  ExpectIsWrapperOf(Reg("token"), "owner/app-hf:hf-amd64-v1.0.0", *out, "owner/app:v1.0.0",
                    base.digest, "amd64");
  auto again = Publish(*client, Reg("token"), "owner/app", "v1.0.0", "amd64", "owner/app-hf");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->skipped);
}

TEST_F(WrapperPublisherTest, HtpasswdPublishesIntoTheSameAndAnotherRepository) {
  ASSERT_TRUE(Need({"basic:owner/app:v1.0.0"}));
  const auto& base = Seeded("basic:owner/app:v1.0.0");
  auto client = ClientFor(Reg("basic"), Ci());
  for (const std::string target : {"owner/app", "owner/app-basic-hf"}) {
    SCOPED_TRACE(target);
    auto out = Publish(*client, Reg("basic"), "owner/app", "v1.0.0", "amd64", target);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_FALSE(out->skipped);
    ExpectIsWrapperOf(Reg("basic"), target + ":hf-amd64-v1.0.0", *out, "owner/app:v1.0.0",
                      base.digest, "amd64");
  }
  // Warm (the Basic challenge is known): a same-repository republish is a three-request no-op.
  auto again = Publish(*client, Reg("basic"), "owner/app", "v1.0.0", "amd64");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->skipped);
  EXPECT_LE(again->requests, 3);
}

TEST_F(WrapperPublisherTest, AMovedBaseTagIsRepublishedFromTheNewDigestAndAnUnchangedOneSkipped) {
  ASSERT_TRUE(Need({"open"}));
  support::ImageSpec spec;
  spec.seed = 11;
  auto v1 = World().Seed("open", "owner/moving", "v1.0.0", spec);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  auto client = ClientFor(Reg("open"));
  auto first = Publish(*client, Reg("open"), "owner/moving", "v1.0.0", "amd64");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->skipped);
  auto unchanged = Publish(*client, Reg("open"), "owner/moving", "v1.0.0", "amd64");
  ASSERT_TRUE(unchanged.ok()) << unchanged.status().ToString();
  EXPECT_TRUE(unchanged->skipped);

  // Someone pushes a new build under the same tag: another layer, another platform digest.
  spec.seed = 12;
  auto moved = World().Seed("open", "owner/moving", "v1.0.0", spec);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  ASSERT_NE(moved->digest, v1->digest);
  auto republished = Publish(*client, Reg("open"), "owner/moving", "v1.0.0", "amd64");
  ASSERT_TRUE(republished.ok()) << republished.status().ToString();
  EXPECT_FALSE(republished->skipped);
  EXPECT_NE(republished->digest, first->digest);
  EXPECT_EQ(republished->base_digest, moved->digest);
  ExpectIsWrapperOf(Reg("open"), "owner/moving:hf-amd64-v1.0.0", *republished,
                    "owner/moving:v1.0.0", moved->digest, "amd64");
  Json manifest = SkopeoJson(Reg("open"), "owner/moving:hf-amd64-v1.0.0");
  EXPECT_EQ(manifest.Find("layers")->At(0).GetString("digest"), moved->layer_digest);

  auto settled = Publish(*client, Reg("open"), "owner/moving", "v1.0.0", "amd64");
  ASSERT_TRUE(settled.ok()) << settled.status().ToString();
  EXPECT_TRUE(settled->skipped);
  EXPECT_EQ(settled->digest, republished->digest);
}

}  // namespace
}  // namespace spaceport::act::testing
