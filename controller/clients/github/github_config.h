// Where the GitHub client points and which token it sends.
//
// The API base URL is GITHUB_API_URL (default https://api.github.com, trailing slashes dropped),
// the variable GitHub Actions itself sets, so GitHub Enterprise Server works by pointing it at
// https://HOST/api/v3. The token is, in order of precedence, an explicit token the caller passes
// (a SpaceDeployment's own credentials) or GITHUB_TOKEN (whitespace trimmed; empty = unset).
// Without a token every workflow call answers 401/404, so a missing token is reported at once.
// Only `source` ever appears in a message ("GITHUB_TOKEN", "explicit token").
//
//   auto config = github::ConfigFromEnvironment(github::ProcessEnvironment());
//   if (!config.ok()) return config.status();   // e.g. GITHUB_API_URL is not a URL
//   auto per_deployment = github::ConfigFromEnvironment(env, deployment_token);  // explicit wins
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"

namespace spaceport::github {

inline constexpr std::string_view kDefaultApiUrl = "https://api.github.com";
inline constexpr std::string_view kApiUrlEnv = "GITHUB_API_URL";
inline constexpr std::string_view kTokenEnv = "GITHUB_TOKEN";

// Reads one environment variable; injected so tests never touch the process environment.
using spaceport::EnvLookup;          // base/env.h
using spaceport::ProcessEnvironment;

struct GithubToken {
  std::string value;   // never printed
  std::string source;  // "explicit token" or "GITHUB_TOKEN"
};

struct GithubConfig {
  std::string api_url = std::string(kDefaultApiUrl);  // no trailing slash; may carry a path
  std::optional<GithubToken> token;
  // Plain http is refused unless the host is loopback (a test emulator) or this is set.
  bool allow_plain_http = false;

  // An absolute http(s) URL without query or user info; plain http only as allowed above.
  Status Validate() const;
  // "anonymous" or the token's source, for messages.
  std::string TokenDescription() const;
};

// API URL and token by the rules above. An explicit token wins when non-empty.
Result<GithubConfig> ConfigFromEnvironment(const EnvLookup& env,
                                           std::optional<std::string> explicit_token = {});

}  // namespace spaceport::github
