// Registries: the RegistryClient for each registry host an image reference names, built from the
// controller config's registry entries.
//
// An entry maps a host to its endpoint (which may point a public host at a local registry:
// ghcr.io → http://127.0.0.1:5000, insecure), CA bundle and credentials. A host without an entry
// is reached at https://<host>. Credentials are resolved once per host when its client is made,
// with the precedence of credentials.h (entry, environment, Docker config.json, anonymous).
//
// Rate limits are per endpoint: every client whose endpoint is the same host[:port] shares one
// http::TokenBucket (with the rate of the first of them used), so all workers together
// stay under it and a 429 pauses that endpoint for all of them. RateLimits() lists the buckets
// for the spaceport_ratelimit_remaining{host} metric.
//
//   oci::RegistryConfig local;  // ghcr.io served by a loopback registry
//   local.host = "ghcr.io";
//   local.endpoint = "http://127.0.0.1:5000";
//   local.insecure = true;
//   oci::Registries registries({local}, RealClock::Instance());
//   auto ref = oci::Reference::Parse("ghcr.io/owner/app:v1");
//   auto client = registries.For(ref->registry);
//   if (!client.ok()) return client.status();
//   auto tags = (*client)->ListTags(ref->repository);
//
//   for (const auto& limit : registries.RateLimits()) publish(limit.host, limit.stats.tokens_now);
//
// Thread-safe. Clients live as long as the Registries object.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "clients/oci/credentials.h"
#include "clients/oci/registry_client.h"
#include "clients/oci/registry_config.h"
#include "http/token_bucket.h"

namespace spaceport::oci {

// The rate limit of one registry endpoint.
struct EndpointRateLimit {
  std::string host;  // the endpoint's host[:port], as spaceport_api_requests_total names it
  http::TokenBucketStats stats;
};

class Registries {
 public:
  struct Options {
    RegistryClientOptions client;
    EnvLookup env = ProcessEnvironment();  // for credentials
    http::Transport* transport = nullptr;  // shared transport (tests); nullptr: one per registry
  };

  Registries(std::vector<RegistryConfig> configs, Clock& clock, Options options);
  Registries(std::vector<RegistryConfig> configs, Clock& clock)
      : Registries(std::move(configs), clock, Options{}) {}

  // The config for a host: its entry, or the default (https://host, no explicit credentials).
  RegistryConfig ConfigFor(std::string_view host) const;
  // The client for a host, made on first use. Fails on an invalid entry or unusable credentials.
  Result<RegistryClient*> For(std::string_view host);
  // The rate limit of every endpoint a client has been made for, sorted by host.
  std::vector<EndpointRateLimit> RateLimits() const;

 private:
  std::vector<RegistryConfig> configs_;
  Clock& clock_;
  Options options_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<RegistryClient>> clients_;
  std::map<std::string, std::shared_ptr<http::TokenBucket>> rate_limits_;  // by endpoint host
};

}  // namespace spaceport::oci
