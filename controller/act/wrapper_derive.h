// Wrapper derivation without a daemon: the pure part.
//
// A Hugging Face wrapper differs from its base image only in configuration (ENV HOST/PORT, EXPOSE,
// labels), so it is derived by editing the base's config JSON and pointing a copy of the base
// manifest at the new config; every layer is reused as is. These functions do the edits on bytes
// in, bytes out, with no I/O; act/wrapper_publisher.h moves the bytes to and from the registry.
//
// The edit is a generic JSON tree edit (base/json.h keeps unknown fields, key order and number
// text), and it is deterministic: `created` is copied from the base, never "now", so deriving the
// same base with the same spec always yields the same config digest and the same manifest digest.
// That is what makes publishing idempotent and lets a re-run skip the push.
//
//   WrapperInputs in{spec.wrapper, "ghcr.io/o/app:v1.0.0", base_platform_digest};
//   auto config = DeriveWrapperConfig(base_config_bytes, in);           // compact JSON bytes
//   auto manifest = DeriveWrapperManifest(base_manifest_bytes, media_type,
//                                         "sha256:" + Sha256Hex(*config), config->size(), in);
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "spec/types.h"

namespace spaceport::act {

struct WrapperInputs {
  const spec::WrapperSpec& spec;
  std::string base_name;    // REPO:VERSION the wrapper derives from
  std::string base_digest;  // digest of the base platform manifest
};

// The wrapper config: Env replace-in-place-or-append per spec; ExposedPorts gains "<port>/tcp";
// Labels gain base name, base digest and the wrapper spec hash (resolve/wrapper.h); history gains
// empty_layer entries describing the edit; `created` and rootfs stay as in the base.
// Errors (kInvalidArgument) when the base config is not a JSON object or config is not an object.
Result<std::string> DeriveWrapperConfig(std::string_view base_config, const WrapperInputs& in);

// The wrapper manifest: the base platform manifest with only config.digest and config.size
// replaced; OCI manifests also get the base name/digest annotations (Docker schema2 has no
// annotations field, so none are added there). Index media types are refused: derive from the
// platform manifest picked out of the index.
Result<std::string> DeriveWrapperManifest(std::string_view base_manifest, std::string_view media_type,
                                          std::string_view config_digest, size_t config_size,
                                          const WrapperInputs& in);

}  // namespace spaceport::act
