// SHA-256 and HMAC-SHA256 as lowercase hex, over OpenSSL 3's EVP interface.
//
// Used for content digests ("sha256:" + Sha256Hex(bytes) is an OCI digest), for the wrapper spec
// hash, and for secret fingerprints (HmacSha256Hex(controller_key, value)): a fingerprint lets the
// controller tell whether a write-only secret changed without ever storing or printing its value.
//
//   Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#pragma once

#include <string>
#include <string_view>

namespace spaceport {

std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace spaceport
