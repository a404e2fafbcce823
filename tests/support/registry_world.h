// RegistryWorld: the real registries and seeded base images a test process needs, started and
// seeded on first use and shared by the tests of that process (ctest runs each test in its own
// process, so a test starts only what it names). Used by the registry client's real-registry tests
// and the wrapper publisher's. Nothing is skipped: a missing docker-registry or skopeo fails the
// test with a pointer to scripts/setup.
//
// Keys name what a test needs:
//   "open" | "basic" | "token"                  a registry: no auth, htpasswd, token auth
//   "open:owner/app:v1.0.0"                     that registry with that image pushed
// The tag says what kind of image it is: "-multi" an OCI index of amd64 and arm64 with a buildx
// attestation entry first, "-docker" Docker schema 2, "-multi-docker" a Docker manifest list;
// repository owner/umoci holds OCI manifests without mediaType (as umoci writes them).
// The token server knows kRegistryUser and a "limited" user (its grants set per test) and serves
// owner/public anonymously.
//
//   support::RegistryWorld world("oci-real");
//   ASSERT_TRUE(world.Need({"open:owner/app:v1.0.0"}).ok());
//   support::RegistryProcess& open = world["open"];
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "support/image_seeder.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"
#include "support/token_server.h"

namespace spaceport::support {

inline constexpr char kRegistryUser[] = "ciuser";
inline constexpr char kRegistryPassword[] = "s3cret-pass";

class RegistryWorld {
 public:
  explicit RegistryWorld(const std::string& dir_prefix) : dir_(dir_prefix) {}

  // Starts every registry and seeds every image the keys name (each once per process).
  Status Need(std::initializer_list<std::string> keys);
  // Pushes `spec` under repository:tag now, even when the tag exists (to move a tag).
  Result<SeededImage> Seed(const std::string& registry, const std::string& repository,
                           const std::string& tag, const ImageSpec& spec);

  RegistryProcess& operator[](const std::string& name) { return *registries_.at(name); }
  const SeededImage& Seeded(const std::string& key) const { return seeded_.at(key); }
  TokenServer& tokens() { return *tokens_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  // The last lines of every registry's log, for a failing test's output.
  std::string LogTails() const;

 private:
  static ImageSpec SpecFor(const std::string& repository, const std::string& tag);
  Result<RegistryProcess*> Registry(const std::string& name);

  TempDir dir_;
  ImageSeeder seeder_{dir_.path()};
  std::unique_ptr<TokenServer> tokens_;  // declared before the registries that use it
  std::map<std::string, std::unique_ptr<RegistryProcess>> registries_;
  std::map<std::string, SeededImage> seeded_;
};

}  // namespace spaceport::support
