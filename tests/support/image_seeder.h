// ImageSeeder: base images for registry tests, made without a container daemon.
//
// It writes an OCI image layout by hand (a deterministic tar layer, gzip-compressed with zlib, an
// image config, manifests and index.json) and pushes it with `skopeo copy`, which also converts
// it to Docker schema 2 (`--format v2s2`) when asked. Variants: a single-platform image, or a
// multi-platform index (one config per architecture over a shared layer, like §6.3 of the
// reference), each in OCI or Docker form; optionally a buildx-style attestation entry
// (platform unknown/unknown) first in the index, and OCI manifests without `mediaType` (as umoci
// writes them). Same spec and seed → same bytes → same digests.
//
//   support::ImageSeeder seeder(dir.path());
//   support::ImageSpec spec;
//   spec.architectures = {"amd64", "arm64"};
//   auto img = seeder.Push(*registry, "owner/app", "v1.0.0-multi", spec);
//   img->digest;                      // of what the tag names (index or manifest)
//   img->platform_digests["arm64"];   // the child for arm64
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "support/registry_process.h"

namespace spaceport::support {

enum class ImageFormat { kOci, kDocker };

struct ImageSpec {
  std::vector<std::string> architectures = {"amd64"};
  bool index = false;  // an index even for one architecture (always one for several)
  ImageFormat format = ImageFormat::kOci;
  size_t layer_bytes = 1024 * 1024;
  std::vector<std::string> env = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_MODE=prod"};
  std::vector<std::string> exposed_ports;  // "8080/tcp"
  std::string working_dir = "/app";
  std::vector<std::string> cmd = {"/app/run"};
  std::map<std::string, std::string> labels = {{"org.example.base", "yes"}};
  std::string created = "2026-01-01T00:00:00Z";
  bool omit_manifest_media_type = false;  // like umoci (OCI only)
  bool with_attestation = false;          // buildx attestation entry first in the index (OCI only)
  uint64_t seed = 1;                      // layer content
};

struct SeededImage {
  std::string reference;  // "127.0.0.1:PORT/owner/app:tag"
  std::string digest;     // what the tag names
  std::string media_type;
  std::map<std::string, std::string> platform_digests;  // architecture → image manifest digest
  std::string layer_digest;  // compressed layer (shared by all platforms)
  int64_t layer_size = 0;
};

class ImageSeeder {
 public:
  explicit ImageSeeder(std::filesystem::path work_dir) : work_dir_(std::move(work_dir)) {}

  // Pushes to the registry under `repository:tag`, with the registry's user when it has auth.
  Result<SeededImage> Push(const RegistryProcess& registry, const std::string& repository,
                           const std::string& tag, const ImageSpec& spec);

 private:
  std::filesystem::path work_dir_;
  int layouts_ = 0;
};

// skopeo's credential flags for a registry ("--dest-creds" style prefix given), empty without auth.
std::vector<std::string> SkopeoCreds(const RegistryProcess& registry, const std::string& flag);

}  // namespace spaceport::support
