// GitHub REST failures as Status values, and the condition reason each one sets.
//
// GitHub answers an error with a status code and a JSON body {"message": "...",
// "documentation_url": "...", "errors": [{"message"|"code"|"field"}]}. StatusFromGithubResponse
// turns it into one Status whose code follows http/status_codes.h (401 kUnauthenticated,
// 403 kPermissionDenied, 404 kNotFound, 422 kInvalidArgument, 429 kResourceExhausted, 5xx
// kUnavailable) and whose message names the operation and what GitHub said. A 403 that is a rate
// limit (IsRateLimited) is kResourceExhausted, not a permission problem. Messages never carry
// request headers, and anything shaped like a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_,
// github_pat_) is masked in case a server echoes one.
//
// ConditionReasonFor maps a Status to a SpaceDeployment condition reason: AuthFailed,
// RateLimited or GitHubError; builders use BuildFailed for a run that concluded unsuccessfully.
//
//   Status s = github::StatusFromGithubResponse(resp, "dispatch docker.yml in alice/app");
//   // NotFound: GitHub: dispatch docker.yml in alice/app: 404 Not Found
//   github::ConditionReasonFor(s) == "GitHubError";
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "http/http.h"

namespace spaceport::github {

namespace reason {
inline constexpr std::string_view kAuthFailed = "AuthFailed";
inline constexpr std::string_view kBuildFailed = "BuildFailed";
inline constexpr std::string_view kRateLimited = "RateLimited";
inline constexpr std::string_view kGitHubError = "GitHubError";
}  // namespace reason

// True for a primary or secondary rate-limit answer: 429, or 403 with x-ratelimit-remaining: 0,
// a Retry-After header, or "rate limit" in the message.
bool IsRateLimited(const http::Response& response);

// "404 Not Found" or "422: Required input 'version' not provided": the status and GitHub's words.
std::string DescribeGithubError(const http::Response& response);

// A non-2xx response as a Status. `what` names the operation.
Status StatusFromGithubResponse(const http::Response& response, std::string_view what);

// The condition reason for a Status produced by this module (an OK status gives "").
std::string_view ConditionReasonFor(const Status& status);

// Masks substrings that look like GitHub tokens.
std::string MaskTokens(std::string_view text);

}  // namespace spaceport::github
