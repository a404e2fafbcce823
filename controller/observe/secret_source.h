// Secret sources: where the desired value of a Space secret comes from, read at the moment it is
// needed and handed to one consumer only — the HMAC that fingerprints it (observe/) or the Hub
// call that writes it (act/). A value is never stored, logged or copied into a message.
//
// Sources (spec/types.h SecretSource, docs/spacedeployment.md):
//   fromEnv: NAME          the controller's environment variable NAME; unset or empty = unavailable
//                          (an empty value is far more often a missing export than a wish to
//                          blank the secret, and writing it would wipe the real one)
//   secretKeyRef: {...}    a key of a Kubernetes Secret: not readable outside Kubernetes yet, so
//                          always unavailable here
// Unavailable means "not compared, not written": the planner notes it and leaves the secret alone.
//
//   std::optional<std::string> value = ResolveSecretValue(source, hub::ProcessEnvironment());
//   if (value) fingerprint = HmacSha256Hex(key, *value);
#pragma once

#include <optional>
#include <string>

#include "clients/hub/hub_config.h"
#include "spec/types.h"

namespace spaceport::observe {

// The secret's current value, or nullopt when the source cannot be read here (see above).
std::optional<std::string> ResolveSecretValue(const spec::SecretSource& source,
                                              const hub::EnvLookup& env);

}  // namespace spaceport::observe
