// Registry failures as Status values, and the condition reason each one sets.
//
// A registry answers errors with a status code and, usually, a body
// {"errors":[{"code":"MANIFEST_UNKNOWN","message":"…","detail":…}]}. StatusFromResponse turns
// both into one Status whose code follows the HTTP mapping (401 → kUnauthenticated,
// 403 → kPermissionDenied, 404 → kNotFound, 429 → kResourceExhausted, 5xx → kUnavailable) refined
// by the registry's error code (DIGEST_INVALID → kDataLoss, MANIFEST_INVALID → kInvalidArgument…),
// and whose message says what was attempted, on which registry, and what it answered. Messages
// never contain headers, so no credential or token can reach them.
//
// ConditionReasonFor maps any Status from this module to the reason a SpaceDeployment condition
// carries: AuthFailed, ImageMissing, RateLimited, DigestMismatch, or RegistryError.
//
//   Status s = oci::StatusFromResponse(resp, "127.0.0.1:5000", "GET manifest owner/app:v9");
//   // NotFound: registry 127.0.0.1:5000: GET manifest owner/app:v9: 404 MANIFEST_UNKNOWN: manifest
//   unknown oci::ConditionReasonFor(s) == "ImageMissing";
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/http.h"

namespace spaceport::oci {

namespace reason {
inline constexpr std::string_view kAuthFailed = "AuthFailed";
inline constexpr std::string_view kImageMissing = "ImageMissing";
inline constexpr std::string_view kRateLimited = "RateLimited";
inline constexpr std::string_view kDigestMismatch = "DigestMismatch";
inline constexpr std::string_view kRegistryError = "RegistryError";
}  // namespace reason

struct RegistryErrorEntry {
  std::string code;     // "MANIFEST_UNKNOWN"
  std::string message;  // "manifest unknown"
  std::string detail;   // the detail when it is a short string (a digest, a tag), else ""
};

// The entries of an error body; empty when the body is not the registry error format.
std::vector<RegistryErrorEntry> ParseRegistryErrors(std::string_view body);

// A non-2xx response as a Status. `what` names the operation ("PUT manifest
// owner/app:hf-amd64-v1").
Status StatusFromResponse(const http::Response& response, std::string_view registry,
                          std::string_view what);

// The condition reason for a Status produced by this module (an OK status gives "").
std::string_view ConditionReasonFor(const Status& status);

// GHCR puts its rate-limit delay in the message text: "retry-after: 10.3ms, allowed: 2000/minute".
// Understands ms, s and m units; rounds up to whole milliseconds.
std::optional<std::chrono::milliseconds> RetryAfterFromBody(std::string_view body);

}  // namespace spaceport::oci
