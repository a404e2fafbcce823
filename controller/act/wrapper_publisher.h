// Publishing a Hugging Face wrapper to a registry: REPO:VERSION → REPO:hf-PLATFORM-VERSION.
//
// The publisher resolves the base for one platform (picking the platform's manifest out of an
// index), derives the wrapper config and manifest (act/wrapper_derive.h), and pushes only what is
// new: the config blob, then the manifest. Layers are never uploaded: in the same repository they
// are already there; into another repository of the same registry they are cross-mounted.
//
// It is idempotent. Derivation is deterministic, so when the wrapper tag already holds exactly the
// manifest that would be pushed, nothing is written (`skipped`); when the base tag moved, the
// derived digest differs and the wrapper is republished. With a warm token a publish takes six
// requests (GET manifest, GET config, HEAD wrapper, POST + PUT config upload, PUT manifest) and a
// no-op three, whatever the image size.
//
//   WrapperPublication p{"ghcr.io/o/app", "v1.0.0", "amd64", spec.wrapper};
//   auto out = PublishWrapper(*registries.For("ghcr.io").value(), p);
//   if (out.ok()) log(out->reference + "@" + out->digest);
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "clients/oci/registry_client.h"
#include "spec/types.h"

namespace spaceport::act {

struct WrapperPublication {
  std::string repository;         // base image repository, host/path (no tag)
  std::string version;            // base tag
  std::string platform;           // amd64, arm64, arm/v7
  const spec::WrapperSpec& spec;  // env and port to apply
  std::string target_repository;  // where the wrapper goes; empty = the base repository
  // The base platform manifest's digest as the plan observed it; "" = whatever the tag holds.
  // When the tag holds another by now, nothing is pushed (kConflict): the plan was made for the
  // old base, and the next pass plans for the new one.
  std::string expected_base_digest = "";
};

struct PublishedWrapper {
  std::string reference;    // TARGET:hf-PLATFORM-VERSION
  std::string digest;       // the wrapper manifest digest
  std::string base_digest;  // digest of the base platform manifest it was derived from
  bool skipped = false;     // the tag already held exactly this manifest
  int64_t requests = 0;     // registry requests this publish sent
};

// `client` must be the client of the registry that hosts both repositories. Errors carry the
// registry client's codes (kNotFound: base tag or platform missing; kUnauthenticated; kDataLoss:
// content did not match its digest, in which case nothing is pushed; kConflict: the base moved away
// from expected_base_digest, nothing pushed).
Result<PublishedWrapper> PublishWrapper(oci::RegistryClient& client, const WrapperPublication& p);

}  // namespace spaceport::act
