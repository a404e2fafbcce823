// PublishWrapper on bad input: every failure is a clear error with a condition reason, and nothing
// is pushed after it. Missing tags, missing platforms and wrong passwords come from the real
// registry (its access log proves no write reached it); what the real registry cannot be made to
// serve — bytes that do not match their digest, malformed manifests, 403, 429 — comes from a
// scripted FakeRegistry that records every request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "act/fake_registry.h"
#include "act/registry_world.h"
#include "base/digest.h"
#include "clients/oci/media_types.h"
#include "clients/oci/registry_error.h"

namespace spaceport::act::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Digest(std::string_view bytes) { return "sha256:" + Sha256Hex(bytes); }

// A small but complete OCI base: config, one layer, manifest, and an index naming it for amd64.
struct FakeBase {
  std::string layer = "not really a tar, never fetched";
  std::string config =
      R"({"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",)"
      R"("config":{"Env":["PATH=/usr/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:)" +
      std::string(64, 'd') + R"("]}})";
  std::string Manifest(const std::string& cfg) const {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
           Digest(cfg) + R"(","size":)" + std::to_string(cfg.size()) +
           R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
           Digest(layer) + R"(","size":)" + std::to_string(layer.size()) + "}]}";
  }
  std::string manifest = Manifest(config);
  std::string Index(const std::string& child) const {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",)"
           R"("manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
           Digest(child) + R"(","size":)" + std::to_string(child.size()) +
           R"(,"platform":{"architecture":"amd64","os":"linux"}}]})";
  }
};

http::Response ManifestAnswer(const std::string& body, std::string_view media_type,
                              const std::string& claimed_digest) {
  return Answer(200, body,
                {{"Content-Type", std::string(media_type)},
                 {"Docker-Content-Digest", claimed_digest}});
}

// One scripted failure: what the fake serves, and what the publisher must say.
struct FakeCase {
  std::string name;
  std::function<void(FakeRegistry&, const FakeBase&)> script;
  std::string_view reason;
  std::string message;  // a fragment the error must contain
};

const std::string kManifestPath = "/v2/owner/app/manifests/v1";

std::vector<FakeCase> FakeCases() {
  return {
      {"a manifest whose bytes do not match the registry's digest is a DigestMismatch",
       [](FakeRegistry& f, const FakeBase& b) {
         f.Serve("GET " + kManifestPath,
                 ManifestAnswer(b.manifest, oci::kOciManifest, Digest(b.manifest + " ")));
       },
       oci::reason::kDigestMismatch, "digest mismatch"},
      {"a config blob whose bytes do not match its digest is a DigestMismatch",
       [](FakeRegistry& f, const FakeBase& b) {
         f.Serve("GET " + kManifestPath,
                 ManifestAnswer(b.manifest, oci::kOciManifest, Digest(b.manifest)));
         std::string tampered = b.config;
         tampered.replace(tampered.find("/usr/bin"), 8, "/usr/bad");
         f.Serve("GET /v2/owner/app/blobs/" + Digest(b.config), Answer(200, tampered));
       },
       oci::reason::kDigestMismatch, "digest mismatch"},
      {"an index child whose bytes do not match the index entry is a DigestMismatch",
       [](FakeRegistry& f, const FakeBase& b) {
         std::string index = b.Index(b.manifest);
         f.Serve("GET " + kManifestPath, ManifestAnswer(index, oci::kOciIndex, Digest(index)));
         std::string tampered = b.Manifest(b.config + " ");
         f.Serve("GET /v2/owner/app/manifests/" + Digest(b.manifest),
                 Answer(200, tampered, {{"Content-Type", std::string(oci::kOciManifest)}}));
       },
       oci::reason::kDigestMismatch, "digest mismatch"},
      {"a manifest that is not JSON is a RegistryError",
       [](FakeRegistry& f, const FakeBase&) {
         std::string broken = R"({"schemaVersion":2,"config":{)";
         f.Serve("GET " + kManifestPath, ManifestAnswer(broken, oci::kOciManifest, Digest(broken)));
       },
       oci::reason::kRegistryError, "not valid JSON"},
      {"a manifest without a config descriptor is a RegistryError",
       [](FakeRegistry& f, const FakeBase&) {
         std::string no_config =
             R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
             R"("layers":[]})";
         f.Serve("GET " + kManifestPath,
                 ManifestAnswer(no_config, oci::kOciManifest, Digest(no_config)));
       },
       oci::reason::kRegistryError, "no config descriptor"},
      {"a Docker schema 1 manifest is refused as a RegistryError",
       [](FakeRegistry& f, const FakeBase&) {
         std::string v1 = R"({"schemaVersion":1,"name":"owner/app","tag":"v1","fsLayers":[]})";
         f.Serve("GET " + kManifestPath, ManifestAnswer(v1, oci::kDockerSchema1Signed, Digest(v1)));
       },
       oci::reason::kRegistryError, "schema 1"},
      {"a config that is not a JSON object is a RegistryError",
       [](FakeRegistry& f, const FakeBase& b) {
         std::string cfg = "[\"not\",\"a\",\"config\"]";
         std::string manifest = b.Manifest(cfg);
         f.Serve("GET " + kManifestPath,
                 ManifestAnswer(manifest, oci::kOciManifest, Digest(manifest)));
         f.Serve("GET /v2/owner/app/blobs/" + Digest(cfg), Answer(200, cfg));
       },
       oci::reason::kRegistryError, "not a JSON object"},
      {"403 DENIED on the base is AuthFailed",
       [](FakeRegistry& f, const FakeBase&) {
         f.Serve("GET " + kManifestPath,
                 Answer(403, ErrorBody("DENIED", "requested access to the resource is denied"),
                        {{"Content-Type", "application/json"}}));
       },
       oci::reason::kAuthFailed, "403"},
      {"429 on every try is RateLimited",
       [](FakeRegistry& f, const FakeBase&) {
         f.Serve("GET " + kManifestPath,
                 Answer(429,
                        ErrorBody("TOOMANYREQUESTS", "retry-after: 10ms, allowed: 2000/minute"),
                        {{"Content-Type", "application/json"}, {"Retry-After", "1"}}));
       },
       oci::reason::kRateLimited, "429"},
      {"429 on the config blob is RateLimited",
       [](FakeRegistry& f, const FakeBase& b) {
         f.Serve("GET " + kManifestPath,
                 ManifestAnswer(b.manifest, oci::kOciManifest, Digest(b.manifest)));
         f.Serve("GET /v2/owner/app/blobs/" + Digest(b.config),
                 Answer(429, ErrorBody("TOOMANYREQUESTS", "slow down"),
                        {{"Content-Type", "application/json"}, {"Retry-After", "1"}}));
       },
       oci::reason::kRateLimited, "429"},
  };
}

TEST(WrapperPublishFailures, ScriptedBadAnswersAreClearErrorsWithAReasonAndNothingIsWritten) {
  const spec::WrapperSpec& wrapper = HfWrapper();
  for (const FakeCase& c : FakeCases()) {
    SCOPED_TRACE(c.name);
    auto fake = FakeRegistry::Start();
    ASSERT_TRUE(fake.ok()) << fake.status().ToString();
    c.script(**fake, FakeBase{});

    oci::RegistryConfig config;
    config.host = (*fake)->host();
    config.endpoint = (*fake)->endpoint();
    config.insecure = true;
    FakeClock clock;  // Retry-After waits pass at once
    auto client = oci::RegistryClient::Create(config, clock);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    auto out = PublishWrapper(**client, {config.host + "/owner/app", "v1", "amd64", wrapper, ""});

    ASSERT_FALSE(out.ok()) << "published " << out->digest;
    EXPECT_EQ(oci::ConditionReasonFor(out.status()), c.reason) << out.status().ToString();
    EXPECT_THAT(out.status().message(), HasSubstr(c.message));
    EXPECT_THAT(out.status().message(), HasSubstr("owner/app")) << "names what it was doing";
    EXPECT_THAT((*fake)->Requests(), Not(IsEmpty()));
    EXPECT_THAT((*fake)->Writes(), IsEmpty());
    if (c.reason == oci::reason::kRateLimited) {
      EXPECT_GE(clock.slept(), std::chrono::seconds(1)) << "it waited as Retry-After asked";
    }
  }
}

// The same guarantee against the real registry, for the failures it produces itself.
class WrapperPublishRealFailures : public RealRegistryTest {
 protected:
  // Publishes with `client` and checks the error, and that the registry logged no write.
  static void ExpectFailsWritingNothing(oci::RegistryClient& client,
                                        const support::RegistryProcess& r,
                                        const std::string& version, const std::string& platform,
                                        std::string_view reason, const std::string& fragment) {
    SettleLog();
    size_t mark = r.Log().size();
    auto out = Publish(client, r, "owner/app", version, platform);
    ASSERT_FALSE(out.ok()) << "published " << out->digest;
    EXPECT_EQ(oci::ConditionReasonFor(out.status()), reason) << out.status().ToString();
    EXPECT_THAT(out.status().message(), HasSubstr(fragment));
    EXPECT_THAT(out.status().message(), Not(HasSubstr(kPassword)));
    EXPECT_THAT(out.status().message(), Not(HasSubstr("wrong-password")));
    SettleLog();
    std::vector<std::string> writes;
    for (const LoggedRequest& w : WritesInLog(r.Log(), mark)) writes.push_back(w.Line());
    EXPECT_THAT(writes, IsEmpty());
    EXPECT_THAT(RequestsInLog(r.Log(), mark), Not(IsEmpty())) << "the registry was asked";
  }
};

TEST_F(WrapperPublishRealFailures, AMissingBaseTagIsImageMissing) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0"}));
  auto client = ClientFor(Reg("open"));
  ExpectFailsWritingNothing(*client, Reg("open"), "v9.9.9", "amd64", oci::reason::kImageMissing,
                            "MANIFEST_UNKNOWN");
}

TEST_F(WrapperPublishRealFailures, APlatformTheIndexDoesNotOfferIsImageMissingNamingTheOffer) {
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0-multi"}));
  auto client = ClientFor(Reg("open"));
  ExpectFailsWritingNothing(*client, Reg("open"), "v1.0.0-multi", "s390x",
                            oci::reason::kImageMissing, "linux/s390x");
  auto wrapper = client->HeadManifest("owner/app", "hf-s390x-v1.0.0-multi");
  EXPECT_EQ(wrapper.status().code(), StatusCode::kNotFound) << wrapper.status().ToString();
}

TEST_F(WrapperPublishRealFailures, AWrongPasswordIsAuthFailedWithHtpasswdAndWithTokens) {
  ASSERT_TRUE(Need({"basic:owner/app:v1.0.0", "token:owner/app:v1.0.0"}));
  for (const std::string name : {"basic", "token"}) {
    SCOPED_TRACE(name);
    auto client = ClientFor(Reg(name), oci::Credentials{kUser, "wrong-password", "test"});
    ExpectFailsWritingNothing(*client, Reg(name), "v1.0.0", "amd64", oci::reason::kAuthFailed,
                              "401");
  }
}

}  // namespace
}  // namespace spaceport::act::testing
