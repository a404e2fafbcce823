#include "runtime/kube_secrets.h"

#include "base/base64.h"

namespace spaceport::runtime {

KubeSecrets::KubeSecrets(kube::KubeClient& client, Clock& clock, Clock::Duration ttl)
    : client_(client), clock_(clock), ttl_(ttl) {}

const KubeSecrets::Entry& KubeSecrets::Read(const std::string& ns, const std::string& name) {
  const std::string key = ns + "/" + name;
  auto it = cache_.find(key);
  const Clock::TimePoint now = clock_.Now();
  if (it != cache_.end() && now - it->second.read < ttl_) return it->second;
  Entry entry;
  entry.read = now;
  Result<Json> secret = client_.Get(kube::kSecrets.ObjectPath(ns, name));
  if (!secret.ok()) {
    entry.status = secret.status().code() == StatusCode::kNotFound
                       ? Status(StatusCode::kNotFound, "Secret \"" + key + "\" not found")
                       : secret.status();
  } else if (const Json* data = secret->Find("data"); data != nullptr && data->is_object()) {
    for (const Json::Member& m : data->Members())
      if (std::optional<std::string> v = Base64Decode(m.second.AsString())) entry.values[m.first] = std::move(*v);
  }
  return cache_[key] = std::move(entry);
}

Status KubeSecrets::Check(const std::string& ns, const spec::SecretKeyRef& ref) {
  std::lock_guard<std::mutex> lock(mu_);
  const Entry& e = Read(ns, ref.name);
  if (!e.status.ok()) return e.status;
  if (!e.values.count(ref.key))
    return Status(StatusCode::kNotFound, "Secret \"" + ns + "/" + ref.name + "\" has no key \"" + ref.key + "\"");
  return Status::Ok();
}

std::optional<std::string> KubeSecrets::Value(const std::string& ns, const spec::SecretKeyRef& ref) {
  std::lock_guard<std::mutex> lock(mu_);
  const Entry& e = Read(ns, ref.name);
  auto it = e.values.find(ref.key);
  if (it == e.values.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace spaceport::runtime
