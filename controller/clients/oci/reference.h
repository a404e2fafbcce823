// Image references: "host[:port]/path[:tag][@digest]", split into the registry host, the
// repository path, and a tag and/or digest, as the Distribution API needs them separately.
//
// Rules (the ones docker and go-containerregistry follow):
//  - the first path component is a registry host when it contains '.' or ':' or is "localhost";
//    otherwise the registry is docker.io, and a single-component name gets "library/";
//  - the registry host and the repository are lower-cased (GitHub owner names often carry upper
//    case, but repository names are lower-case only); the tag keeps its case;
//  - the repository must match the distribution-spec name grammar, the tag
//    [A-Za-z0-9_][A-Za-z0-9._-]{0,127}, and the digest algorithm:hex.
//
//   auto ref = oci::Reference::Parse("ghcr.io/Owner/app:v1.0.0");
//   ref->registry == "ghcr.io"; ref->repository == "owner/app"; ref->tag == "v1.0.0";
//   ref->Identifier() == "v1.0.0";  // what goes after /manifests/
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace spaceport::oci {

inline constexpr std::string_view kDockerHubRegistry = "docker.io";

struct Reference {
  std::string registry;    // "ghcr.io", "127.0.0.1:5000"
  std::string repository;  // "owner/app"
  std::string tag;         // may be empty
  std::string digest;      // "sha256:…", may be empty

  // Parses a reference; a missing tag and digest is allowed (Identifier() is then empty).
  static Result<Reference> Parse(std::string_view text);

  // The digest when there is one, else the tag: the <reference> of
  // /v2/<name>/manifests/<reference>.
  const std::string& Identifier() const { return digest.empty() ? tag : digest; }
  // "registry/repository[:tag][@digest]"
  std::string ToString() const;
  // "registry/repository"
  std::string Name() const { return registry + "/" + repository; }
};

// Grammar checks, exposed for callers that build names themselves (the wrapper's tags).
bool IsValidRepositoryName(std::string_view name);
bool IsValidTag(std::string_view tag);
// "algorithm:encoded" per the image-spec digest grammar; sha256 must be 64 lower-case hex chars.
bool IsValidDigest(std::string_view digest);

}  // namespace spaceport::oci
