#include "observe/secret_source.h"

namespace spaceport::observe {

std::optional<std::string> ResolveSecretValue(const spec::SecretSource& source,
                                              const hub::EnvLookup& env,
                                              const SecretKeyLookup& secret_key,
                                              const std::string& ns) {
  if (source.from_env) {
    if (!env) return std::nullopt;
    std::optional<std::string> value = env(*source.from_env);
    if (!value || value->empty()) return std::nullopt;
    return value;
  }
  if (source.secret_key_ref && secret_key) return secret_key(ns, *source.secret_key_ref);
  return std::nullopt;
}

}  // namespace spaceport::observe
