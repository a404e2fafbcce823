// Builds checked against the real CNCF Distribution registry (Debian's docker-registry) with
// token auth, images pushed by skopeo (tests/support): a public image resolves with an
// anonymous token, a private one only with credentials, a missing tag or digest fails the
// build. The Hub sees `ghcr.io/...`; the emulator maps that host to the local registry.
#include <gtest/gtest.h>

#include "hub_fixture.h"
#include "support/image_seeder.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"
#include "support/token_server.h"

namespace spaceport::hub_emulator {
namespace {

using std::chrono::seconds;

constexpr char kUser[] = "ciuser";
constexpr char kPassword[] = "s3cret-pass";

class RealRegistryBuilds : public ::testing::Test {
 protected:
  void SetUp() override {
    support::TokenServer::Options token_options;
    token_options.users = {{kUser, kPassword}};
    token_options.public_repositories = {"acme/public"};
    auto tokens = support::TokenServer::Start(dir_.path(), token_options);
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    tokens_ = std::move(tokens).value();
    support::RegistryProcess::Options registry_options;
    registry_options.auth = support::RegistryAuth::kToken;
    registry_options.token_server = tokens_.get();
    registry_options.username = kUser;
    registry_options.password = kPassword;
    auto registry = support::RegistryProcess::Start(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
    support::ImageSeeder seeder(dir_.path());
    for (const char* repository : {"acme/public", "acme/private"}) {
      auto image = seeder.Push(*registry_, repository, "v1", support::ImageSpec{});
      ASSERT_TRUE(image.ok()) << image.status().ToString() << "\n" << registry_->Log();
      digests_[repository] = image->digest;
    }
  }

  // A stage after committing FROM `image` to a new Space and letting the build finish.
  std::string StageAfterBuilding(const std::string& image, bool with_credentials) {
    Options options = testing::DefaultOptions();
    options.registry_map["ghcr.io"] = registry_->endpoint();
    if (with_credentials) options.registry_credentials["ghcr.io"] = std::string(kUser) + ":" + kPassword;
    FakeClock clock;
    HubEmulator hub(options, clock);  // the real registry probe
    auto send = [&](const std::string& method, const std::string& path, const std::string& body) {
      http::Server::IncomingRequest r;
      r.method = method;
      r.path = path;
      r.body = body;
      r.headers.Add("Authorization", std::string("Bearer ") + testing::kAlice);
      return hub.Handle(r);
    };
    EXPECT_EQ(send("POST", "/api/repos/create", R"({"name":"demo","type":"space","sdk":"docker"})").status, 200);
    const std::string commit = R"({"key":"header","value":{"summary":"deploy"}})" "\n"
                               R"({"key":"file","value":{"path":"Dockerfile","encoding":"base64","content":")" +
                               Base64Encode("FROM " + image + "\n") + "\"}}";
    EXPECT_EQ(send("POST", "/api/spaces/alice/demo/commit/main", commit).status, 200);
    hub.WaitForBuildChecks();
    clock.Advance(seconds(15));
    Result<Json> runtime = Json::Parse(send("GET", "/api/spaces/alice/demo/runtime", "").body);
    EXPECT_TRUE(runtime.ok());
    if (runtime->GetString("stage") == "BUILD_ERROR") {
      last_build_log_ = send("GET", "/api/spaces/alice/demo/logs/build", "").body;
    }
    return runtime.ok() ? runtime->GetString("stage") : "";
  }

  support::TempDir dir_{"hub-emulator-registry"};
  std::unique_ptr<support::TokenServer> tokens_;  // before the registry that uses it
  std::unique_ptr<support::RegistryProcess> registry_;
  std::map<std::string, std::string> digests_;
  std::string last_build_log_;
};

TEST_F(RealRegistryBuilds, APublicImageResolvesWithAnAnonymousTokenByTagOrDigest) {
  EXPECT_EQ(StageAfterBuilding("ghcr.io/acme/public:v1", false), "RUNNING") << last_build_log_;
  EXPECT_EQ(StageAfterBuilding("ghcr.io/acme/public@" + digests_["acme/public"], false), "RUNNING")
      << last_build_log_;
}

TEST_F(RealRegistryBuilds, AMissingTagOrDigestFailsTheBuildWithALogLine) {
  EXPECT_EQ(StageAfterBuilding("ghcr.io/acme/public:v404", false), "BUILD_ERROR");
  EXPECT_NE(last_build_log_.find("ghcr.io/acme/public:v404"), std::string::npos) << last_build_log_;
  const std::string absent = "sha256:" + std::string(64, '0');
  EXPECT_EQ(StageAfterBuilding("ghcr.io/acme/public@" + absent, false), "BUILD_ERROR");
}

TEST_F(RealRegistryBuilds, APrivateImageNeedsTheConfiguredCredentials) {
  EXPECT_EQ(StageAfterBuilding("ghcr.io/acme/private:v1", false), "BUILD_ERROR");
  EXPECT_NE(last_build_log_.find("pull access denied"), std::string::npos) << last_build_log_;
  EXPECT_EQ(StageAfterBuilding("ghcr.io/acme/private:v1", true), "RUNNING") << last_build_log_;
}

}  // namespace
}  // namespace spaceport::hub_emulator
