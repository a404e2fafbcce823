// Secret sources: where the desired value of a Space secret comes from, read at the moment it is
// needed and handed to one consumer only — the HMAC that fingerprints it (observe/) or the Hub
// call that writes it (act/). A value is never stored, logged or copied into a message.
//
// Sources (spec/types.h SecretSource, docs/spacedeployment.md):
//   fromEnv: NAME          the controller's environment variable NAME; unset or empty = unavailable
//                          (an empty value is far more often a missing export than a wish to
//                          blank the secret, and writing it would wipe the real one)
//   secretKeyRef: {...}    a key of a Kubernetes Secret in the deployment's namespace, read
//                          through `secret_key` (Kubernetes mode: runtime/kube_secrets.h);
//                          unavailable when there is none (file and git mode)
// Unavailable means "not compared, not written": the planner notes it and leaves the secret alone.
//
//   std::optional<std::string> value = ResolveSecretValue(source, hub::ProcessEnvironment());
//   if (value) fingerprint = HmacSha256Hex(key, *value);
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "clients/hub/hub_config.h"
#include "spec/types.h"

namespace spaceport::observe {

// Reads key `ref.key` of Secret `ref.name` in namespace `ns`; nullopt when it cannot.
using SecretKeyLookup =
    std::function<std::optional<std::string>(const std::string& ns, const spec::SecretKeyRef& ref)>;

// The secret's current value, or nullopt when the source cannot be read here (see above).
// `ns` is the deployment's namespace (for secretKeyRef).
std::optional<std::string> ResolveSecretValue(const spec::SecretSource& source,
                                              const hub::EnvLookup& env,
                                              const SecretKeyLookup& secret_key = nullptr,
                                              const std::string& ns = "");

}  // namespace spaceport::observe
