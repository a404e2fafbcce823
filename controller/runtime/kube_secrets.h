// KubeSecrets: the values `secretKeyRef` names, read from Secrets in the SpaceDeployment's
// namespace (Kubernetes mode). A Secret is read once per `ttl` (one pass checks, fingerprints and
// perhaps writes the same key: one GET, not three) and its values live only in this cache, never
// in a message. Check() says why a key cannot be read, for the Stalled condition:
//   Secret "team-a/grok2api" not found · Secret "team-a/grok2api" has no key "api-key" ·
//   the apiserver's Forbidden message (which names the verb and resource the role lacks).
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "clients/kube/kube_client.h"
#include "spec/types.h"

namespace spaceport::runtime {

class KubeSecrets {
 public:
  KubeSecrets(kube::KubeClient& client, Clock& clock, Clock::Duration ttl = std::chrono::seconds(10));

  Status Check(const std::string& ns, const spec::SecretKeyRef& ref);
  std::optional<std::string> Value(const std::string& ns, const spec::SecretKeyRef& ref);

 private:
  struct Entry {
    Clock::TimePoint read;
    Status status;                              // of the GET
    std::map<std::string, std::string> values;  // decoded data
  };
  const Entry& Read(const std::string& ns, const std::string& name);  // under mu_

  kube::KubeClient& client_;
  Clock& clock_;
  Clock::Duration ttl_;
  std::mutex mu_;
  std::map<std::string, Entry> cache_;  // by ns/name
};

}  // namespace spaceport::runtime
