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
#include "support/temp_dir.h"
#include "support/token_server.h"

namespace spaceport::act::testing {

inline constexpr char kUser[] = "ciuser";
inline constexpr char kPassword[] = "s3cret-pass";

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

class RegistryWorld {
 public:
  // Starts every registry and seeds every base the keys name (each once per process).
  Status Need(std::initializer_list<std::string> keys) {
    for (const std::string& key : keys) {
      size_t colon = key.find(':');
      auto registry = Registry(key.substr(0, colon));
      if (!registry.ok()) return registry.status();
      if (colon == std::string::npos || seeded_.count(key)) continue;
      size_t tag_colon = key.rfind(':');
      std::string repository = key.substr(colon + 1, tag_colon - colon - 1);
      std::string tag = key.substr(tag_colon + 1);
      auto image = seeder_.Push(**registry, repository, tag, SpecFor(repository, tag));
      if (!image.ok()) return image.status();
      seeded_[key] = *image;
    }
    return Status::Ok();
  }
  // Pushes `spec` under repository:tag now, even when the tag exists (to move a base tag).
  Result<support::SeededImage> Seed(const std::string& registry, const std::string& repository,
                                    const std::string& tag, const support::ImageSpec& spec) {
    auto r = Registry(registry);
    if (!r.ok()) return r.status();
    auto image = seeder_.Push(**r, repository, tag, spec);
    if (image.ok()) seeded_[registry + ":" + repository + ":" + tag] = *image;
    return image;
  }
  support::RegistryProcess& operator[](const std::string& name) { return *registries_.at(name); }
  const support::SeededImage& Seeded(const std::string& key) const { return seeded_.at(key); }
  support::TokenServer& tokens() { return *tokens_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string LogTails() const {
    std::string out;
    for (const auto& [name, registry] : registries_)
      out += "--- " + name + " registry log tail ---\n" + Tail(registry->Log());
    return out;
  }

 private:
  static support::ImageSpec SpecFor(const std::string& repository, const std::string& tag) {
    support::ImageSpec spec;
    auto ends_with = [&](const std::string& suffix) {
      return tag.size() >= suffix.size() &&
             tag.compare(tag.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with("-multi") || ends_with("-multi-docker")) spec.architectures = {"amd64", "arm64"};
    if (ends_with("-multi")) spec.with_attestation = true;
    if (ends_with("-docker")) spec.format = support::ImageFormat::kDocker;
    if (repository == "owner/umoci") {
      spec.omit_manifest_media_type = true;
      spec.seed = 7;
    }
    return spec;
  }
  static std::string Tail(const std::string& log, int lines = 12) {
    size_t at = log.size();
    for (int i = 0; i <= lines && at != std::string::npos && at > 0; ++i)
      at = log.rfind('\n', at - 1);
    return at == std::string::npos ? log : log.substr(at + 1);
  }

  Result<support::RegistryProcess*> Registry(const std::string& name) {
    if (auto it = registries_.find(name); it != registries_.end()) return it->second.get();
    support::RegistryProcess::Options o;
    o.username = kUser;
    o.password = kPassword;
    if (name == "basic") {
      o.auth = support::RegistryAuth::kHtpasswd;
    } else if (name == "token") {
      if (!tokens_) {
        support::TokenServer::Options token_options;
        token_options.users = {{kUser, kPassword}};
        auto t = support::TokenServer::Start(dir_.path(), token_options);
        if (!t.ok()) return t.status();
        tokens_ = std::move(*t);
      }
      o.auth = support::RegistryAuth::kToken;
      o.token_server = tokens_.get();
    } else if (name != "open") {
      return InvalidArgument("no registry named " + name);
    }
    auto started = support::RegistryProcess::Start(o);
    if (!started.ok()) return started.status();
    support::RegistryProcess* raw = started->get();
    registries_[name] = std::move(*started);
    return raw;
  }

  support::TempDir dir_{"act-real"};
  support::ImageSeeder seeder_{dir_.path()};
  std::unique_ptr<support::TokenServer> tokens_;  // declared before the registries that use it
  std::map<std::string, std::unique_ptr<support::RegistryProcess>> registries_;
  std::map<std::string, support::SeededImage> seeded_;
};

// Base fixture: one RegistryWorld per test process; registry log tails printed on failure.
class RealRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { world_ = new RegistryWorld(); }
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
