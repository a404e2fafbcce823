// Hub failures as Status values, and the condition reason each one sets.
//
// The Hub answers an error with a status code, usually `X-Error-Code` (RepoNotFound,
// RevisionNotFound, EntryNotFound, GatedRepo) and `X-Error-Message` headers, and a JSON body
// {"error": "..."} (sometimes {"error": [...]}, {"message": ...}, {"errors": [{"message"}]}, or
// with an "error_description"). StatusFromHubResponse reads all of them into one Status:
//
//   401 → kUnauthenticated   403 → kPermissionDenied   404 → kNotFound
//   409, 412 → kConflict      429 → kResourceExhausted   5xx → kUnavailable
//   400, 413, 422 → kInvalidArgument   402 → kPermissionDenied (a paid plan is needed)
//
// and whose message says what was attempted and what the Hub answered. Messages never contain
// request headers, and anything that looks like a Hub token (hf_ followed by 20+ letters or
// digits) is masked, in case a server echoes one.
//
// ConditionReasonFor maps a Status from this module to the reason a SpaceDeployment condition
// carries: AuthFailed, SpaceMissing, RateLimited, Conflict, or HubError.
//
//   Status s = hub::StatusFromHubResponse(resp, "GET runtime of alice/demo");
//   // NotFound: Hub: GET runtime of alice/demo: 404 RepoNotFound: Repository not found
//   hub::ConditionReasonFor(s) == "SpaceMissing";
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "http/http.h"

namespace spaceport::hub {

namespace reason {
inline constexpr std::string_view kAuthFailed = "AuthFailed";
inline constexpr std::string_view kSpaceMissing = "SpaceMissing";
inline constexpr std::string_view kRateLimited = "RateLimited";
inline constexpr std::string_view kConflict = "Conflict";
inline constexpr std::string_view kHubError = "HubError";
}  // namespace reason

// What the Hub said about a failed request.
struct HubErrorDetail {
  std::string code;     // X-Error-Code, "" when absent
  std::string message;  // X-Error-Message, else the body's error text, "" when neither
};

HubErrorDetail ReadHubError(const http::Response& response);

// "404 RepoNotFound: Repository not found": the status line and what the Hub said about it.
std::string DescribeHubError(const http::Response& response);

// The Status code for an HTTP status, by the table above.
StatusCode StatusCodeForHttp(int status);

// A non-2xx response as a Status. `what` names the operation ("commit to alice/demo").
Status StatusFromHubResponse(const http::Response& response, std::string_view what);

// The condition reason for a Status produced by this module (an OK status gives "").
std::string_view ConditionReasonFor(const Status& status);

// Masks substrings that look like Hub tokens ("hf_" + 20 or more ASCII letters/digits).
std::string MaskTokens(std::string_view text);

}  // namespace spaceport::hub
