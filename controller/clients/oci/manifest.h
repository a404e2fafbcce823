// Manifests as fetched: the exact bytes (digests are computed over them, never over a
// re-serialisation), their media type, their digest, and the parsed JSON for reading.
//
// The media type is the manifest's `mediaType`, or the response Content-Type when the field is
// absent (umoci writes OCI manifests without it). Schema 1 is refused. An index (OCI index or
// Docker manifest list) lists children with platforms; SelectPlatform picks one the way the
// image-spec and crane do: the first entry whose os/architecture (and variant, when asked) match,
// a child without `platform` counting as linux/amd64, attestation entries (platform
// unknown/unknown, or annotation vnd.docker.reference.type=attestation-manifest) skipped.
//
//   auto m = oci::ParseManifest(bytes, content_type);
//   if (m->IsIndex()) {
//     auto child = oci::SelectPlatform(*m->Children(), *oci::Platform::Parse("linux/arm64"));
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace spaceport::oci {

struct Platform {
  std::string os = "linux";
  std::string architecture;
  std::string variant;  // "" = any (when selecting) / none (when describing)

  // "amd64", "linux/arm64", "linux/arm/v7"; architecture aliases are not rewritten.
  static Result<Platform> Parse(std::string_view text);
  std::string ToString() const;  // "linux/arm64/v8" or "linux/amd64"
  friend bool operator==(const Platform&, const Platform&) = default;
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::optional<Platform> platform;                              // index entries only
  std::vector<std::pair<std::string, std::string>> annotations;  // string annotations, in order

  std::string Annotation(std::string_view key) const;  // "" when absent
};

struct Manifest {
  std::string bytes;       // exactly as received (or as to be sent)
  std::string media_type;  // never empty
  std::string digest;      // "sha256:" + hex over bytes
  Json doc;                // bytes parsed

  bool IsIndex() const;
  // Image manifests: the config descriptor and the layers, base first.
  Result<Descriptor> Config() const;
  Result<std::vector<Descriptor>> Layers() const;
  // Indexes: the entries of `manifests`.
  Result<std::vector<Descriptor>> Children() const;
};

// Parses and classifies manifest bytes; computes the digest. `content_type` is the response's
// Content-Type (parameters ignored), used only when the body has no `mediaType`.
Result<Manifest> ParseManifest(std::string bytes, std::string_view content_type);

// Reads one descriptor object ({mediaType, digest, size, platform?, annotations?}).
Result<Descriptor> ParseDescriptor(const Json& object);

// True for buildx/BuildKit attestation entries, which are never an image to run.
bool IsAttestation(const Descriptor& d);

// The first child matching `want` (kNotFound naming the platforms on offer when none does).
Result<Descriptor> SelectPlatform(const std::vector<Descriptor>& children, const Platform& want);

}  // namespace spaceport::oci
