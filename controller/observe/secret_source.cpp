#include "observe/secret_source.h"

namespace spaceport::observe {

std::optional<std::string> ResolveSecretValue(const spec::SecretSource& source,
                                              const hub::EnvLookup& env) {
  if (source.from_env) {
    if (!env) return std::nullopt;
    std::optional<std::string> value = env(*source.from_env);
    if (!value || value->empty()) return std::nullopt;
    return value;
  }
  // secretKeyRef needs the Kubernetes API (issue 6); until then its value is unavailable.
  return std::nullopt;
}

}  // namespace spaceport::observe
