// A container image reference as a Dockerfile's FROM line writes it, split the way registries
// address it: "ghcr.io/acme/app:v1" → host ghcr.io, repository acme/app, reference v1;
// "busybox" → docker.io, library/busybox, latest; "127.0.0.1:5000/a/b@sha256:…" → digest.
//
//   auto ref = ImageRef::Parse("ghcr.io/acme/app@sha256:abc…");
//   ref->ManifestPath();   // "/v2/acme/app/manifests/sha256:abc…"
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace spaceport::hub_emulator {

struct ImageRef {
  std::string host;        // registry host[:port]; "docker.io" for Docker Hub names
  std::string repository;  // "acme/app"
  std::string reference;   // tag or "sha256:…" digest

  static Result<ImageRef> Parse(std::string_view text);
  std::string ManifestPath() const { return "/v2/" + repository + "/manifests/" + reference; }
  std::string ToString() const;
};

}  // namespace spaceport::hub_emulator
