// Media types of the OCI image-spec and Docker's v2 schema 2, and the Accept list every manifest
// request sends.
//
// The Accept list must name all four manifest types: distribution 2.8 answers 404 for OCI content
// when no OCI type is accepted, and silently returns the linux/amd64 child of a Docker manifest
// list when the list type is missing (shared/reference/oci-registry.md §6.7).
//
//   request.headers.Set("Accept", std::string(oci::kManifestAccept));
//   if (oci::IsIndexMediaType(manifest.media_type)) ...
#pragma once

#include <string_view>

namespace spaceport::oci {

inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerSchema1 =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// Indexes first, in the order go-containerregistry and the reference use.
inline constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

inline bool IsIndexMediaType(std::string_view t) {
  return t == kOciIndex || t == kDockerManifestList;
}
inline bool IsImageManifestMediaType(std::string_view t) {
  return t == kOciManifest || t == kDockerManifest;
}
inline bool IsSchema1MediaType(std::string_view t) {
  return t == kDockerSchema1 || t == kDockerSchema1Signed;
}

}  // namespace spaceport::oci
