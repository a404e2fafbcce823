// Standard base64 (RFC 4648 §4, with padding), as Basic credentials and Docker's config.json
// `auth` field use it.
//
//   Base64Encode("user:pass") == "dXNlcjpwYXNz";
//   Base64Decode("dXNlcjpwYXNz") → "user:pass"  (nullopt for malformed input)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spaceport {

std::string Base64Encode(std::string_view bytes);
// Accepts padded or unpadded input; whitespace is not allowed.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace spaceport
