#include "clients/oci/registries.h"

#include "clients/oci/text.h"

namespace spaceport::oci {
namespace {

// "ghcr.io", "127.0.0.1:5000": the origin without its scheme, as http::RecordExchange names hosts.
std::string EndpointHost(const RegistryConfig& config) {
  auto url = http::Url::Parse(config.BaseUrl());
  if (!url.ok()) return config.host;
  return url->HostPort();
}

}  // namespace

Registries::Registries(std::vector<RegistryConfig> configs, Clock& clock, Options options)
    : configs_(std::move(configs)), clock_(clock), options_(std::move(options)) {}

RegistryConfig Registries::ConfigFor(std::string_view host) const {
  std::string wanted = AsciiLower(host);
  for (const RegistryConfig& c : configs_) {
    if (AsciiLower(c.host) == wanted) return c;
  }
  RegistryConfig fallback;
  fallback.host = wanted;
  return fallback;
}

Result<RegistryClient*> Registries::For(std::string_view host) {
  std::string key = AsciiLower(host);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = clients_.find(key); it != clients_.end()) return it->second.get();
  RegistryConfig config = ConfigFor(key);
  auto credentials = ResolveCredentials(config, options_.env);
  if (!credentials.ok()) return credentials.status();
  config.credentials = *credentials;
  const std::string endpoint = EndpointHost(config);
  std::shared_ptr<http::TokenBucket> limit;
  if (auto it = rate_limits_.find(endpoint); it != rate_limits_.end()) {
    limit = it->second;
  } else {
    http::TokenBucketOptions bucket;
    bucket.requests_per_second = config.requests_per_second;
    bucket.burst = config.burst;
    limit = std::make_shared<http::TokenBucket>(clock_, bucket);
  }
  RegistryClientOptions client_options = options_.client;
  client_options.rate_limit = limit;
  auto client = options_.transport != nullptr
                    ? RegistryClient::Create(std::move(config), *options_.transport, clock_,
                                             std::move(client_options))
                    : RegistryClient::Create(std::move(config), clock_, std::move(client_options));
  if (!client.ok()) return client.status();
  RegistryClient* raw = client->get();
  clients_[key] = std::move(*client);
  rate_limits_.emplace(endpoint, std::move(limit));
  return raw;
}

std::vector<EndpointRateLimit> Registries::RateLimits() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<EndpointRateLimit> out;
  for (const auto& [host, bucket] : rate_limits_) out.push_back({host, bucket->stats()});
  return out;
}

}  // namespace spaceport::oci
