// The controller's configuration: a YAML file (kind ControllerConfig) saying how to reach the
// outside world, separate from the desired state: registries, the Hugging Face Hub, and the state
// directory (later issues add build backends). docs/controller-config.md documents every field.
//
//   apiVersion: spaceport.dev/v1alpha1
//   kind: ControllerConfig
//   registries:
//     - host: ghcr.io                      # as written in image references
//       endpoint: http://127.0.0.1:5000    # map it to a local registry ...
//       insecure: true                     # ... over plain http (loopback tests)
//       caBundle: /etc/ssl/private-ca.pem
//       credentials: {username: bot, passwordFromEnv: GHCR_TOKEN}   # or passwordFile: PATH
//   hub:
//     endpoint: http://127.0.0.1:8123      # default: HF_ENDPOINT, else https://huggingface.co
//     insecure: true                       # plain http (the loopback emulator)
//     tokenFromEnv: SPACEPORT_HF_TOKEN     # or tokenFile: PATH; default: HF_TOKEN, token file
//     budget: {requests: 1000, windowSeconds: 300}
//   stateDir: /var/lib/spaceport           # default: runtime/state_dir.h
//   requestTimeout: 30s                    # the longest one request to an upstream may take
//   github: {dispatchTimeout: 10m, queueTimeout: 1h}   # githubActions builds' patience
//
// Errors use the desired-state format (FILE:LINE:COL: FIELD: message) and all are reported.
// Passwords and tokens are never written in the file itself: only the name of an environment
// variable or a file that holds one, read when the config is loaded. Without a config file,
// DefaultControllerConfig gives the same result as an empty one (the Hub from the environment).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "clients/hub/host_budget.h"
#include "clients/hub/hub_config.h"
#include "clients/oci/registry_config.h"
#include "spec/diagnostic.h"

namespace spaceport::runtime {

inline constexpr std::string_view kControllerConfigKind = "ControllerConfig";
// Environment variable naming the config file when --config is not given.
inline constexpr std::string_view kConfigEnv = "SPACEPORT_CONFIG";

struct ControllerConfig {
  std::vector<oci::RegistryConfig> registries;
  // The Hub's endpoint and token, resolved from the `hub:` section and the environment
  // (BuildHubConfig) and validated.
  hub::HubConfig hub;
  hub::HostBudgetOptions hub_budget;  // hub.budget; the Hub's own defaults when absent
  std::string state_dir;              // stateDir as written; "" = the default (state_dir.h)
  // requestTimeout: a deadline for each request to the registries, the Hub and GitHub (whole
  // exchange, retries of it not included), so a stalled upstream frees its worker. Log streams
  // keep their own longer deadline.
  std::chrono::seconds request_timeout{30};
  // github.dispatchTimeout: how long a dispatched workflow run may stay absent from the run list;
  // github.queueTimeout: how long a listed run may stay queued. Past either, the build fails.
  std::chrono::seconds github_dispatch_timeout{600};
  std::chrono::seconds github_queue_timeout{3600};
};

// The `hub:` section as written; every field is optional.
struct HubSection {
  std::optional<std::string> endpoint;        // default: HF_ENDPOINT, else https://huggingface.co
  std::optional<std::string> token_from_env;  // name of an environment variable holding the token
  std::optional<std::string> token_file;      // a file holding it (surrounding blanks ignored)
  bool insecure = false;                      // allow a plain-http endpoint
};

struct ConfigLoad {
  ControllerConfig config;
  std::vector<spec::Diagnostic> diagnostics;  // errors; the config is unusable when non-empty
  bool ok() const { return diagnostics.empty(); }
};

using spaceport::EnvLookup;  // base/env.h

// Parses `text` as if read from `file`. `env` resolves passwordFromEnv.
ConfigLoad ParseControllerConfig(const std::string& text, const std::string& file,
                                 const EnvLookup& env);
// Reads and parses a file; a missing file is an error diagnostic naming it.
ConfigLoad LoadControllerConfig(const std::string& path, const EnvLookup& env);

// What a command uses without a config file: no registries, the Hub from the environment, the
// default budget and state directory. Diagnostics (HF_ENDPOINT is not a URL, an unreadable token
// file) name the file "environment".
ConfigLoad DefaultControllerConfig(const EnvLookup& env);

// The HubConfig for a `hub:` section and the environment. Endpoint: the section's, else
// HF_ENDPOINT, else https://huggingface.co; an http:// endpoint in the section needs
// insecure: true. Token: tokenFromEnv or tokenFile when given (at most one), else the Hub
// client's own precedence (hub::ResolveToken: HF_TOKEN, HUGGING_FACE_HUB_TOKEN, the token file,
// anonymous). Error messages start with the field ("hub.tokenFromEnv: environment variable
// HF_BOT is not set") and never contain a token.
Result<hub::HubConfig> BuildHubConfig(const HubSection& section, const EnvLookup& env);

}  // namespace spaceport::runtime
