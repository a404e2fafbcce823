// RegistryClient against the real CNCF Distribution registry (Debian's docker-registry 2.8) on
// loopback, in its three auth modes, with images seeded by skopeo and checked back with skopeo.
// Nothing here is skipped: a missing docker-registry or skopeo fails every test with a pointer to
// scripts/setup.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "base/digest.h"
#include "base/json.h"
#include "clients/oci/media_types.h"
#include "clients/oci/reference.h"
#include "clients/oci/registries.h"
#include "clients/oci/registry_client.h"
#include "clients/oci/registry_error.h"
#include "support/image_seeder.h"
#include "support/registry_process.h"
#include "support/registry_world.h"
#include "support/temp_dir.h"
#include "support/token_server.h"

namespace spaceport::oci {
namespace {

using ::testing::IsSupersetOf;

constexpr const char* kUser = support::kRegistryUser;
constexpr const char* kPassword = support::kRegistryPassword;

std::string ReplaceOnce(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// The registries, the token server and the seeded images are made on first use and shared by
// the tests of one process; each test uses its own repositories for what it pushes.
using World = support::RegistryWorld;

World* world = nullptr;

class RealRegistry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { world = new World("oci-real"); }
  static void TearDownTestSuite() {
    delete world;
    world = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << world->LogTails();
  }

  static std::unique_ptr<RegistryClient> Client(
      const support::RegistryProcess& r, std::optional<Credentials> credentials = std::nullopt) {
    RegistryConfig config;
    config.host = r.host();
    config.endpoint = r.endpoint();
    config.insecure = true;
    config.credentials = std::move(credentials);
    auto c = RegistryClient::Create(config, RealClock::Instance());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }
  static Credentials Ci() { return Credentials{kUser, kPassword, "test"}; }
  static const support::SeededImage& Seeded(const std::string& key) { return world->Seeded(key); }
  // A registry already started by Need().
  static support::RegistryProcess& Reg(const std::string& name) { return (*world)[name]; }
  // Fails the test (never skips it) when a registry cannot start or an image cannot be seeded.
  static ::testing::AssertionResult Need(std::initializer_list<std::string> keys) {
    Status s = world->Need(keys);
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << s.ToString();
  }

  // `skopeo inspect --raw` of a reference: the registry's bytes, as an independent client sees
  // them.
  static std::string SkopeoRaw(const support::RegistryProcess& r, const std::string& repo_tag,
                               const std::string& extra = "--raw") {
    std::vector<std::string> argv = {"skopeo", "inspect", extra, "--tls-verify=false"};
    for (const std::string& a : support::SkopeoCreds(r, "--creds")) argv.push_back(a);
    argv.push_back("docker://" + r.host() + "/" + repo_tag);
    support::CommandResult result = support::RunCommand(argv);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }

  // Publishes a config-only variant of `base_tag` as `new_tag` (in `dst`, mounting layers when
  // dst differs): the wrapper publisher's request sequence, built from this client's API.
  static Result<std::string> Derive(RegistryClient& client, const std::string& src,
                                    const std::string& base_tag, const std::string& dst,
                                    const std::string& new_tag, const std::string& arch) {
    client.ExpectAccess(ScopeSet{Scope::Pull(src), Scope::Push(dst)});
    auto image = client.ResolveImage(src, base_tag, *Platform::Parse(arch));
    if (!image.ok()) return image.status();
    auto config_descriptor = image->image.Config();
    if (!config_descriptor.ok()) return config_descriptor.status();
    auto config = client.GetBlob(src, config_descriptor->digest, config_descriptor->size);
    if (!config.ok()) return config.status();
    std::string edited = ReplaceOnce(*config, "APP_MODE=prod", "APP_MODE=wrapped");
    if (edited == *config) return Internal("config did not contain APP_MODE=prod");
    if (dst != src) {
      auto layers = image->image.Layers();
      if (!layers.ok()) return layers.status();
      for (const Descriptor& layer : *layers) {
        auto mounted = client.MountBlob(dst, layer.digest, src);
        if (!mounted.ok()) return mounted.status();
        if (!mounted->mounted) return Internal("layer was not mounted");
      }
    }
    std::string new_digest = "sha256:" + Sha256Hex(edited);
    auto present = client.StatBlob(dst, new_digest);
    if (!present.ok()) return present.status();
    if (!present->has_value()) {
      auto pushed = client.PushBlob(dst, edited, config_descriptor->media_type);
      if (!pushed.ok()) return pushed.status();
    }
    std::string manifest = ReplaceOnce(image->image.bytes, config_descriptor->digest, new_digest);
    manifest = ReplaceOnce(manifest, "\"size\":" + std::to_string(config_descriptor->size),
                           "\"size\":" + std::to_string(edited.size()));
    return client.PutManifest(dst, new_tag, manifest, image->image.media_type);
  }
};

TEST_F(RealRegistry, TagListsHoldEverySeededTagSorted) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0", "open:owner/app:v1.0.0-multi",
                    "open:owner/app:v1.0.0-docker", "open:owner/app:v1.0.0-multi-docker"}));
  auto client = Client(Reg("open"));
  auto tags = client->ListTags("owner/app");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_THAT(*tags,
              IsSupersetOf({"v1.0.0", "v1.0.0-docker", "v1.0.0-multi", "v1.0.0-multi-docker"}));
  EXPECT_TRUE(std::is_sorted(tags->begin(), tags->end()));
  auto missing = client->ListTags("owner/never-pushed");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
}

TEST_F(RealRegistry, EveryManifestKindIsFetchedVerifiedAndClassified) {
  struct Case {
    std::string name, tag;
    std::string_view media_type;
  };
  const Case cases[] = {
      {"an OCI image manifest", "v1.0.0", kOciManifest},
      {"an OCI index (with an attestation entry)", "v1.0.0-multi", kOciIndex},
      {"a Docker schema 2 manifest", "v1.0.0-docker", kDockerManifest},
      {"a Docker manifest list, not its amd64 child", "v1.0.0-multi-docker", kDockerManifestList},
  };
  ASSERT_TRUE(Need({"open"}));
  auto client = Client(Reg("open"));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(Need({"open:owner/app:" + c.tag}));
    auto m = client->GetManifest("owner/app", c.tag);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->media_type, c.media_type);
    EXPECT_EQ(m->digest, Seeded("open:owner/app:" + c.tag).digest);
    auto head = client->HeadManifest("owner/app", c.tag);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->digest, m->digest);
    EXPECT_EQ(head->media_type, c.media_type);
    EXPECT_EQ(head->size, static_cast<int64_t>(m->bytes.size()));
  }
}

TEST_F(RealRegistry, EachPlatformIsPickedFromOciIndexesAndDockerLists) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0-multi", "open:owner/app:v1.0.0-multi-docker"}));
  auto client = Client(Reg("open"));
  for (const std::string tag : {"v1.0.0-multi", "v1.0.0-multi-docker"}) {
    for (const std::string arch : {"amd64", "arm64"}) {
      SCOPED_TRACE(tag + " " + arch);
      auto image = client->ResolveImage("owner/app", tag, *Platform::Parse(arch));
      ASSERT_TRUE(image.ok()) << image.status().ToString();
      EXPECT_EQ(image->image.digest, Seeded("open:owner/app:" + tag).platform_digests.at(arch));
      auto cfg = image->image.Config();
      ASSERT_TRUE(cfg.ok());
      auto blob = client->GetBlob("owner/app", cfg->digest, cfg->size);
      ASSERT_TRUE(blob.ok()) << blob.status().ToString();
      auto doc = Json::Parse(*blob);
      ASSERT_TRUE(doc.ok());
      EXPECT_EQ(doc->GetString("architecture"), arch);
    }
  }
  auto none = client->ResolveImage("owner/app", "v1.0.0-multi", *Platform::Parse("s390x"));
  EXPECT_EQ(ConditionReasonFor(none.status()), reason::kImageMissing) << none.status().ToString();
}

TEST_F(RealRegistry, AManifestWithoutMediaTypeTakesItFromContentTypeLikeUmociImages) {
  ASSERT_TRUE(Need({"open:owner/umoci:v1"}));
  auto client = Client(Reg("open"));
  auto m = client->GetManifest("owner/umoci", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->doc.Find("mediaType"), nullptr) << "the seeded manifest really has no mediaType";
  EXPECT_EQ(m->media_type, kOciManifest);
}

TEST_F(RealRegistry, AMissingTagIsNotFoundWithReasonImageMissing) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0"}));
  auto client = Client(Reg("open"));
  auto m = client->GetManifest("owner/app", "v9.9.9");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ConditionReasonFor(m.status()), reason::kImageMissing);
  EXPECT_NE(m.status().message().find("MANIFEST_UNKNOWN"), std::string::npos)
      << m.status().message();
  EXPECT_EQ(client->HeadManifest("owner/app", "v9.9.9").status().code(), StatusCode::kNotFound);
}

TEST_F(RealRegistry, AConfigOnlyPublishIsSixRequestsAndSkopeoSeesTheResult) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0"}));
  auto client = Client(Reg("open"));
  int64_t before = client->requests_sent();
  auto digest = Derive(*client, "owner/app", "v1.0.0", "owner/app", "hf-amd64-v1.0.0", "amd64");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  // GET manifest, GET config, HEAD new config, POST + PUT upload, PUT manifest.
  EXPECT_EQ(client->requests_sent() - before, 6);

  std::string raw = SkopeoRaw(Reg("open"), "owner/app:hf-amd64-v1.0.0");
  EXPECT_EQ("sha256:" + Sha256Hex(raw), *digest);
  std::string config = SkopeoRaw(Reg("open"), "owner/app:hf-amd64-v1.0.0", "--config");
  EXPECT_NE(config.find("APP_MODE=wrapped"), std::string::npos) << config;
  auto again = client->GetManifest("owner/app", "hf-amd64-v1.0.0");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Layers()->at(0).digest, Seeded("open:owner/app:v1.0.0").layer_digest);

  // Deterministic: a second publish of the same edit finds the config present and skips the upload.
  int64_t second = client->requests_sent();
  auto same = Derive(*client, "owner/app", "v1.0.0", "owner/app", "hf-amd64-v1.0.0", "amd64");
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(*same, *digest);
  EXPECT_EQ(client->requests_sent() - second, 4);
}

TEST_F(RealRegistry, DockerListsArePublishedPerPlatformAsDockerManifests) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0-multi-docker"}));
  auto client = Client(Reg("open"));
  auto digest = Derive(*client, "owner/app", "v1.0.0-multi-docker", "owner/app",
                       "hf-arm64-v1.0.0-multi-docker", "arm64");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  auto m = client->GetManifest("owner/app", "hf-arm64-v1.0.0-multi-docker");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->media_type, kDockerManifest);
  auto config =
      Json::Parse(SkopeoRaw(Reg("open"), "owner/app:hf-arm64-v1.0.0-multi-docker", "--config"));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->GetString("architecture"), "arm64");
}

TEST_F(RealRegistry, MountsSucceedForKnownBlobsAndAreReportedDeclinedForUnknownOnes) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0"}));
  auto client = Client(Reg("open"));
  const std::string layer = Seeded("open:owner/app:v1.0.0").layer_digest;
  auto mounted = client->MountBlob("owner/mounted", layer, "owner/app");
  ASSERT_TRUE(mounted.ok()) << mounted.status().ToString();
  EXPECT_TRUE(mounted->mounted);
  auto present = client->StatBlob("owner/mounted", layer);
  ASSERT_TRUE(present.ok() && present->has_value());
  EXPECT_EQ((*present)->size, Seeded("open:owner/app:v1.0.0").layer_size);

  auto declined = client->MountBlob("owner/mounted", "sha256:" + std::string(64, 'e'), "owner/app");
  ASSERT_TRUE(declined.ok()) << declined.status().ToString();
  EXPECT_FALSE(declined->mounted);
  EXPECT_TRUE(declined->upload_cancelled);
}

TEST_F(RealRegistry, HtpasswdRegistryAcceptsRightCredentialsForPullAndPush) {
  ASSERT_TRUE(Need({"basic:owner/app:v1.0.0"}));
  auto client = Client(Reg("basic"), Ci());
  auto digest = Derive(*client, "owner/app", "v1.0.0", "owner/app", "hf-amd64-v1.0.0", "amd64");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ("sha256:" + Sha256Hex(SkopeoRaw(Reg("basic"), "owner/app:hf-amd64-v1.0.0")), *digest);
}

TEST_F(RealRegistry, AWrongPasswordIsUnauthenticatedWithReasonAuthFailed) {
  ASSERT_TRUE(Need({"basic:owner/app:v1.0.0", "token:owner/app:v1.0.0"}));
  for (const std::string name : {"basic", "token"}) {
    SCOPED_TRACE(name);
    auto client = Client(Reg(name), Credentials{kUser, "wrong-password", "test"});
    auto m = client->GetManifest("owner/app", "v1.0.0");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), StatusCode::kUnauthenticated) << m.status().ToString();
    EXPECT_EQ(ConditionReasonFor(m.status()), reason::kAuthFailed);
    EXPECT_EQ(m.status().message().find("wrong-password"), std::string::npos);
  }
  auto anonymous = Client(Reg("basic"));
  auto m = anonymous->GetManifest("owner/app", "v1.0.0");
  EXPECT_EQ(ConditionReasonFor(m.status()), reason::kAuthFailed) << m.status().ToString();
}

TEST_F(RealRegistry, TokenAuthPublishesAcrossRepositoriesWithOneTokenAndAMount) {
  ASSERT_TRUE(Need({"token:owner/app:v1.0.0"}));
  auto client = Client(Reg("token"), Ci());
  int before = world->tokens().request_count();
  auto digest = Derive(*client, "owner/app", "v1.0.0", "owner/app-hf", "hf-amd64-v1.0.0", "amd64");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(world->tokens().request_count() - before, 1) << "one token for src pull + dst push";
  support::TokenServer::Seen seen = world->tokens().requests().back();
  EXPECT_EQ(seen.user, kUser);
  EXPECT_THAT(seen.scopes,
              IsSupersetOf({"repository:owner/app:pull", "repository:owner/app-hf:pull,push"}));
  EXPECT_EQ("sha256:" + Sha256Hex(SkopeoRaw(Reg("token"), "owner/app-hf:hf-amd64-v1.0.0")),
            *digest);

  // With the token warm, a publish under another tag needs no token request and at most six
  // requests: GET manifest, GET config, mount, HEAD config (present), PUT manifest.
  int tokens_before = world->tokens().request_count();
  int64_t requests_before = client->requests_sent();
  auto again = Derive(*client, "owner/app", "v1.0.0", "owner/app-hf", "hf-amd64-v1.0.0-b", "amd64");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(world->tokens().request_count(), tokens_before);
  EXPECT_LE(client->requests_sent() - requests_before, 6);
}

TEST_F(RealRegistry, APublicRepositoryIsPulledWithAnAnonymousToken) {
  ASSERT_TRUE(Need({"token:owner/public:v1", "token:owner/app:v1.0.0"}));
  auto client = Client(Reg("token"));
  auto m = client->GetManifest("owner/public", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->digest, Seeded("token:owner/public:v1").digest);
  EXPECT_EQ(world->tokens().requests().back().user, "");

  auto private_repo = client->GetManifest("owner/app", "v1.0.0");
  ASSERT_FALSE(private_repo.ok());
  EXPECT_EQ(ConditionReasonFor(private_repo.status()), reason::kAuthFailed)
      << private_repo.status().ToString();
}

TEST_F(RealRegistry, InsufficientScopeReauthenticatesOnceAndThenSucceeds) {
  ASSERT_TRUE(Need({"token:owner/public:v1"}));
  world->tokens().SetAllowedActions("limited", {"pull"});
  auto client = Client(Reg("token"), Credentials{"limited", "limited-pass", "test"});
  client->ExpectAccess(ScopeSet{Scope::Push("owner/limited")});
  auto m = client->GetManifest("owner/public", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // The permission is granted after the first token was minted; that token still lacks push.
  world->tokens().SetAllowedActions("limited", {"pull", "push"});
  int before = world->tokens().request_count();
  auto pushed = client->PushBlob("owner/limited", "{\"n\":1}");
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(world->tokens().request_count() - before, 1)
      << "exactly one re-auth after insufficient_scope";
}

TEST_F(RealRegistry, AReadOnlyUserIsRefusedAPushAfterExactlyOneReauth) {
  ASSERT_TRUE(Need({"token:owner/public:v1"}));
  world->tokens().SetAllowedActions("limited", {"pull"});
  auto client = Client(Reg("token"), Credentials{"limited", "limited-pass", "test"});
  ASSERT_TRUE(client->GetManifest("owner/public", "v1").ok()) << "learns the token realm";
  // Now: a token for push is fetched up front (granted pull only), the POST is refused with
  // insufficient_scope, one more token is fetched, and the second refusal is final.
  int before = world->tokens().request_count();
  auto pushed = client->PushBlob("owner/readonly", "{\"n\":2}");
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(ConditionReasonFor(pushed.status()), reason::kAuthFailed) << pushed.status().ToString();
  EXPECT_EQ(world->tokens().request_count() - before, 2);
}

TEST_F(RealRegistry, AMissingTagBehindTokenAuthIsStillImageMissing) {
  ASSERT_TRUE(Need({"token:owner/app:v1.0.0"}));
  auto client = Client(Reg("token"), Ci());
  auto m = client->GetManifest("owner/app", "v404");
  EXPECT_EQ(ConditionReasonFor(m.status()), reason::kImageMissing) << m.status().ToString();
}

TEST_F(RealRegistry, GhcrMappedToALocalRegistryUsesDockerConfigCredentials) {
  ASSERT_TRUE(Need({"basic:owner/app:v1.0.0"}));
  support::TempDir docker_dir("oci-docker-config");
  // base64("ciuser:s3cret-pass"), as `docker login` writes it.
  ASSERT_TRUE(support::WriteFile(docker_dir.path() / "config.json",
                                 R"({"auths":{"ghcr.io":{"auth":"Y2l1c2VyOnMzY3JldC1wYXNz"}}})"));
  RegistryConfig ghcr;
  ghcr.host = "ghcr.io";
  ghcr.endpoint = Reg("basic").endpoint();
  ghcr.insecure = true;
  Registries::Options options;
  const std::string docker_config = docker_dir.path().string();
  options.env = [docker_config](const std::string& name) -> std::optional<std::string> {
    if (name == "DOCKER_CONFIG") return docker_config;
    return std::nullopt;
  };
  Registries registries({ghcr}, RealClock::Instance(), options);
  auto ref = Reference::Parse("ghcr.io/Owner/app:v1.0.0");
  ASSERT_TRUE(ref.ok());
  auto client = registries.For(ref->registry);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto m = (*client)->GetManifest(ref->repository, ref->Identifier());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->digest, Seeded("basic:owner/app:v1.0.0").digest);
  EXPECT_EQ(*registries.For("GHCR.IO"), *client) << "one client per host";
}

}  // namespace
}  // namespace spaceport::oci
