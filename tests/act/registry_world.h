// The real registries and base images the act/ suites publish wrappers from, started and seeded on
// first use and shared by the tests of one process (ctest runs each test in its own process, so a
// test starts only what it names). Nothing is skipped: a missing docker-registry, skopeo or buildah
// fails the test with a pointer to scripts/setup.
//
// Keys name what a test needs:
//   "open" | "basic" | "token"                  a registry: no auth, htpasswd, token auth
//   "open:owner/app:v1.0.0"                     that registry with that base pushed
// The tag says what kind of base it is: "-multi" an OCI index of amd64 and arm64 with a buildx
// attestation entry first, "-docker" Docker schema 2, "-multi-docker" a Docker manifest list;
// repository owner/umoci holds OCI manifests without mediaType (as umoci writes them).
//
//   ASSERT_TRUE(Need({"open:owner/app:v1.0.0"}));
//   auto client = ClientFor(Reg("open"));
//   auto out = Publish(*client, Reg("open"), "owner/app", "v1.0.0", "amd64");
//   Json config = SkopeoJson(Reg("open"), "owner/app:hf-amd64-v1.0.0", "--config");
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/registry_access_log.h"
#include "act/wrapper_publisher.h"
#include "base/clock.h"
#include "base/json.h"
#include "clients/oci/registry_client.h"
#include "support/image_seeder.h"
#include "support/process.h"
#include "support/registry_process.h"
#include "support/registry_world.h"
#include "support/temp_dir.h"
#include "support/token_server.h"

namespace spaceport::act::testing {

inline constexpr const char* kUser = support::kRegistryUser;
inline constexpr const char* kPassword = support::kRegistryPassword;

// What hf/Dockerfile does: ENV HOST=0.0.0.0, ENV PORT=7860, EXPOSE 7860.
inline const spec::WrapperSpec& HfWrapper() {
  static const spec::WrapperSpec wrapper = [] {
    spec::WrapperSpec w;
    w.platforms = {"amd64"};
    w.env = {{"HOST", "0.0.0.0"}, {"PORT", "7860"}};
    w.port = 7860;
    return w;
  }();
  return wrapper;
}

using support::RegistryWorld;

// Base fixture: one RegistryWorld per test process; registry log tails printed on failure.
class RealRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { world_ = new RegistryWorld("act-real"); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << world_->LogTails();
  }

  static RegistryWorld& World() { return *world_; }
  // Fails the test (never skips it) when a registry cannot start or a base cannot be seeded.
  static ::testing::AssertionResult Need(std::initializer_list<std::string> keys) {
    Status s = world_->Need(keys);
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << s.ToString();
  }
  static support::RegistryProcess& Reg(const std::string& name) { return (*world_)[name]; }
  static const support::SeededImage& Seeded(const std::string& key) { return world_->Seeded(key); }

  static std::unique_ptr<oci::RegistryClient> ClientFor(
      const support::RegistryProcess& r, std::optional<oci::Credentials> credentials = {}) {
    oci::RegistryConfig config;
    config.host = r.host();
    config.endpoint = r.endpoint();
    config.insecure = true;
    config.credentials = std::move(credentials);
    auto c = oci::RegistryClient::Create(config, RealClock::Instance());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }
  static oci::Credentials Ci() { return oci::Credentials{kUser, kPassword, "test"}; }

  // PublishWrapper of host/repository:version for one platform with hf/Dockerfile's spec.
  static Result<PublishedWrapper> Publish(oci::RegistryClient& client,
                                          const support::RegistryProcess& r,
                                          const std::string& repository, const std::string& version,
                                          const std::string& platform,
                                          const std::string& target_repository = "") {
    WrapperPublication p{r.host() + "/" + repository, version, platform, HfWrapper(),
                         target_repository.empty() ? "" : r.host() + "/" + target_repository};
    return PublishWrapper(client, p);
  }

  // skopeo, an independent client, with the registry's credentials.
  static support::CommandResult Skopeo(const support::RegistryProcess& r,
                                       std::vector<std::string> argv) {
    std::vector<std::string> full = {"skopeo"};
    full.push_back(argv.front());
    full.push_back(argv.front() == "copy" ? "--src-tls-verify=false" : "--tls-verify=false");
    for (const std::string& a :
         support::SkopeoCreds(r, argv.front() == "copy" ? "--src-creds" : "--creds"))
      full.push_back(a);
    full.insert(full.end(), argv.begin() + 1, argv.end());
    return support::RunCommand(full);
  }
  // `skopeo inspect <flag>` of repository:tag: "--raw" gives the registry's exact bytes,
  // "--config" the image config.
  static std::string SkopeoInspect(const support::RegistryProcess& r, const std::string& repo_tag,
                                   const std::string& flag = "--raw") {
    support::CommandResult result =
        Skopeo(r, {"inspect", flag, "docker://" + r.host() + "/" + repo_tag});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }
  static Json SkopeoJson(const support::RegistryProcess& r, const std::string& repo_tag,
                         const std::string& flag = "--raw") {
    auto doc = Json::Parse(SkopeoInspect(r, repo_tag, flag));
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    return doc.ok() ? *doc : Json();
  }
  // `skopeo copy` to a dir: layout, which reads every blob and verifies its digest and size.
  static support::CommandResult SkopeoCopyToDir(const support::RegistryProcess& r,
                                                const std::string& repo_tag,
                                                const std::filesystem::path& dir) {
    return Skopeo(r, {"copy", "--quiet", "docker://" + r.host() + "/" + repo_tag,
                      "dir:" + dir.string()});
  }

 private:
  static inline RegistryWorld* world_ = nullptr;
};

}  // namespace spaceport::act::testing
