// The controller's configuration: a YAML file (kind ControllerConfig) saying how to reach the
// outside world, separate from the desired state. Today it lists registries; later issues add the
// Hub, build backends and the state directory. docs/controller-config.md documents every field.
//
//   apiVersion: spaceport.dev/v1alpha1
//   kind: ControllerConfig
//   registries:
//     - host: ghcr.io                      # as written in image references
//       endpoint: http://127.0.0.1:5000    # map it to a local registry ...
//       insecure: true                     # ... over plain http (loopback tests)
//       caBundle: /etc/ssl/private-ca.pem
//       credentials: {username: bot, passwordFromEnv: GHCR_TOKEN}   # or passwordFile: PATH
//
// Errors use the desired-state format (FILE:LINE:COL: FIELD: message) and all are reported.
// Passwords are never written in the file itself: only the name of an environment variable or a
// file that holds one, read when the config is loaded.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clients/oci/registry_config.h"
#include "spec/diagnostic.h"

namespace spaceport::runtime {

inline constexpr std::string_view kControllerConfigKind = "ControllerConfig";
// Environment variable naming the config file when --config is not given.
inline constexpr std::string_view kConfigEnv = "SPACEPORT_CONFIG";

struct ControllerConfig {
  std::vector<oci::RegistryConfig> registries;
};

struct ConfigLoad {
  ControllerConfig config;
  std::vector<spec::Diagnostic> diagnostics;  // errors; the config is unusable when non-empty
  bool ok() const { return diagnostics.empty(); }
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses `text` as if read from `file`. `env` resolves passwordFromEnv.
ConfigLoad ParseControllerConfig(const std::string& text, const std::string& file,
                                 const EnvLookup& env);
// Reads and parses a file; a missing file is an error diagnostic naming it.
ConfigLoad LoadControllerConfig(const std::string& path, const EnvLookup& env);

}  // namespace spaceport::runtime
