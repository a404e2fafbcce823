// Where the Hub client points and which token it sends (docs/hub-auth.md).
//
// The endpoint is HF_ENDPOINT (default https://huggingface.co, trailing slashes dropped), as in
// the official clients. The token comes from, in order of precedence:
//
//   1. an explicit token the caller passes (a SpaceDeployment's own secret);
//   2. HF_TOKEN, else the legacy HUGGING_FACE_HUB_TOKEN (whitespace trimmed; empty = unset);
//   3. the Hub's token file: HF_TOKEN_PATH when set (and then only that file), else
//      $HF_HOME/token, else $XDG_CACHE_HOME/huggingface/token, else
//      $HOME/.cache/huggingface/token — the paths `hf auth login` writes;
//   4. none: anonymous (public reads work; every write answers 401).
//
// A HubToken carries its value and where it came from; only `source` ever appears in a message
// or log ("HF_TOKEN", "token file /home/a/.cache/huggingface/token"). The environment is read
// through an injected lookup, so tests never touch the process environment.
//
//   auto config = hub::ConfigFromEnvironment(hub::ProcessEnvironment());
//   if (!config.ok()) return config.status();       // e.g. HF_ENDPOINT is not a URL
//   auto with_secret = hub::ConfigFromEnvironment(env, deployment_token);  // explicit wins
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"

namespace spaceport::hub {

inline constexpr std::string_view kDefaultEndpoint = "https://huggingface.co";

// Reads one environment variable; injected so tests never touch the process environment.
using spaceport::EnvLookup;          // base/env.h
using spaceport::ProcessEnvironment;

struct HubToken {
  std::string value;   // never printed
  std::string source;  // "explicit token", "HF_TOKEN", "token file /path"
};

struct HubConfig {
  std::string endpoint = std::string(kDefaultEndpoint);  // no trailing slash
  std::optional<HubToken> token;                         // nullopt: anonymous
  // Plain http is refused unless the endpoint is on loopback (a test emulator) or this is set.
  bool allow_plain_http = false;

  // Checks the endpoint is an absolute http(s) URL without a path, query or user info, and that
  // plain http is allowed for it.
  Status Validate() const;
  // "anonymous" or the token's source, for messages.
  std::string TokenDescription() const;
};

// The token file the Hub's own tools read: see the precedence above. "" when no variable that
// could locate it is set.
std::string TokenFilePath(const EnvLookup& env);

// The token by the precedence above. `explicit_token` wins when non-empty. A token file that
// does not exist means "no token"; one that exists but cannot be read is an error.
Result<std::optional<HubToken>> ResolveToken(const EnvLookup& env,
                                             std::optional<std::string> explicit_token = {});

// HF_ENDPOINT or the default, normalised (trailing '/' removed) and validated.
Result<std::string> ResolveEndpoint(const EnvLookup& env);

// Endpoint and token together.
Result<HubConfig> ConfigFromEnvironment(const EnvLookup& env,
                                        std::optional<std::string> explicit_token = {});

}  // namespace spaceport::hub
