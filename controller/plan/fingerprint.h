// Secret fingerprints: how Spaceport tells whether a write-only Space secret holds the desired
// value.
//
// The Hub never returns secret values, so when act/ writes a secret it also writes the secret's
// description as "spaceport:hmac-sha256=<64 lowercase hex>", an HMAC-SHA256 of the value under a
// controller key (base/digest.h HmacSha256Hex). observe/ computes the same HMAC of the desired
// value; the planner compares the two strings and never sees a value. Reports show at most the
// first 8 hex digits (ShortFingerprint).
//
//   FormatFingerprintDescription(h)                 == "spaceport:hmac-sha256=" + h
//   ParseFingerprint("spaceport:hmac-sha256=" + h)  == h
//   ParseFingerprint("set by hand")                 == std::nullopt
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spaceport::plan {

inline constexpr std::string_view kFingerprintPrefix = "spaceport:hmac-sha256=";

// The description act/ writes for a secret whose value has this fingerprint (64 lowercase hex).
std::string FormatFingerprintDescription(std::string_view fingerprint_hex);

// The fingerprint carried by a description: the 64 lowercase hex digits after the prefix, which may
// appear anywhere in the text (a human may have added words around it). nullopt when absent or
// malformed.
std::optional<std::string> ParseFingerprint(std::string_view description);

// The first 8 hex digits followed by "…": all a report may show.
std::string ShortFingerprint(std::string_view fingerprint_hex);

}  // namespace spaceport::plan
