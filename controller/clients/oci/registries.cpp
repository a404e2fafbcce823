#include "clients/oci/registries.h"

#include "clients/oci/text.h"

namespace spaceport::oci {

Registries::Registries(std::vector<RegistryConfig> configs, Clock& clock, Options options)
    : configs_(std::move(configs)), clock_(clock), options_(std::move(options)) {}

RegistryConfig Registries::ConfigFor(std::string_view host) const {
  std::string wanted = text::Lower(host);
  for (const RegistryConfig& c : configs_) {
    if (text::Lower(c.host) == wanted) return c;
  }
  RegistryConfig fallback;
  fallback.host = wanted;
  return fallback;
}

Result<RegistryClient*> Registries::For(std::string_view host) {
  std::string key = text::Lower(host);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = clients_.find(key); it != clients_.end()) return it->second.get();
  RegistryConfig config = ConfigFor(key);
  auto credentials = ResolveCredentials(config, options_.env);
  if (!credentials.ok()) return credentials.status();
  config.credentials = *credentials;
  auto client =
      options_.transport != nullptr
          ? RegistryClient::Create(std::move(config), *options_.transport, clock_, options_.client)
          : RegistryClient::Create(std::move(config), clock_, options_.client);
  if (!client.ok()) return client.status();
  RegistryClient* raw = client->get();
  clients_[key] = std::move(*client);
  return raw;
}

}  // namespace spaceport::oci
