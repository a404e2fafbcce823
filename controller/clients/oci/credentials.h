// Where registry credentials come from, in order of precedence (docs/registry-auth.md):
//
//   1. the registry's entry in the controller config (RegistryConfig::credentials);
//   2. the environment: SPACEPORT_REGISTRY_<HOST>_USERNAME and _PASSWORD, where <HOST> is the
//      registry host upper-cased with every character outside [A-Z0-9] replaced by '_'
//      (ghcr.io → GHCR_IO, 127.0.0.1:5000 → 127_0_0_1_5000);
//   3. for ghcr.io only: GHCR_TOKEN, with GHCR_USERNAME (or GITHUB_ACTOR) as the username;
//   4. Docker's config.json ($DOCKER_CONFIG/config.json, else $HOME/.docker/config.json): the
//      `auths` entry for the host, with `auth` (base64 "user:password") or `username`/`password`;
//   5. none: anonymous (registries such as GHCR still hand out tokens for public pulls).
//
// Credential helpers (`credsStore`, `credHelpers`) and identity tokens are not supported; a
// config that relies on them for the host is an error rather than a silent anonymous fallback.
//
//   auto creds = oci::ResolveCredentials(config, oci::ProcessEnvironment());
//   if (!creds.ok()) return creds.status();   // e.g. USERNAME set without PASSWORD
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"
#include "clients/oci/registry_config.h"

namespace spaceport::oci {

// Reads one environment variable; injected so tests never touch the process environment.
using spaceport::EnvLookup;          // base/env.h
using spaceport::ProcessEnvironment;

// "SPACEPORT_REGISTRY_GHCR_IO"
std::string EnvPrefixForHost(std::string_view host);

Result<std::optional<Credentials>> CredentialsFromEnvironment(std::string_view host,
                                                              const EnvLookup& env);

// "$DOCKER_CONFIG/config.json", else "$HOME/.docker/config.json"; "" when neither is set.
std::string DockerConfigPath(const EnvLookup& env);

// Looks `host` up in the text of a config.json. `source` names the file in messages.
Result<std::optional<Credentials>> CredentialsFromDockerConfig(std::string_view config_json,
                                                               std::string_view host,
                                                               std::string_view source);

// Reads the file at `path` (a missing file means no credentials) and looks `host` up.
Result<std::optional<Credentials>> CredentialsFromDockerConfigFile(const std::string& path,
                                                                   std::string_view host);

// Applies the precedence above.
Result<std::optional<Credentials>> ResolveCredentials(const RegistryConfig& config,
                                                      const EnvLookup& env);

}  // namespace spaceport::oci
