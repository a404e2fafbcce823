// Registry authentication for one registry: Basic, or the Docker Bearer token flow.
//
// The authenticator starts knowing nothing; the first 401 tells it the scheme (its challenge is
// parsed here, see challenge.h). From then on requests carry credentials up front: Basic on every
// request, or a Bearer token from the TokenCache for the scopes the request needs (fetched first
// when none is cached), so a warm publish makes no extra round trip. A token is fetched with
//   GET <realm>?service=<service>&scope=<s1>&scope=<s2>…
// sending the credentials as Basic when there are any and nothing otherwise (anonymous tokens
// are how GHCR serves public pulls); the response's `token` or `access_token` is used.
//
// The caller (RegistryClient) retries a request exactly once after a 401: AfterUnauthorized
// drops the refused token and fetches a new one for the union of what the request needs, what the
// challenge's `scope` asks for, and what ExpectAccess announced. A second 401 is final.
//
//   oci::Authenticator auth(options, cache, send_token_request);
//   auto header = auth.HeaderFor(oci::ScopeSet{oci::Scope::Pull("owner/app")});
//   if (!header->empty()) request.headers.Set("Authorization", *header);
//
// Thread-safe. Tokens and passwords never appear in a returned Status.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "clients/oci/registry_config.h"
#include "clients/oci/scope.h"
#include "clients/oci/token_cache.h"
#include "http/http.h"

namespace spaceport::oci {

class Authenticator {
 public:
  struct Options {
    std::string registry;       // host, the token cache key and the name in messages
    std::string endpoint_host;  // host of the API endpoint (after any local mapping)
    bool insecure = false;      // a plain-http token realm is accepted only on endpoint_host
    std::optional<Credentials> credentials;
  };
  // Sends one token request (the RegistryClient routes it through an http::Client for the realm).
  using TokenSender = std::function<Result<http::Response>(http::Request)>;

  Authenticator(Options options, TokenCache& cache, TokenSender send_token_request);

  // The Authorization value for a request needing `scopes`: "" while no challenge has been seen.
  Result<std::string> HeaderFor(const ScopeSet& scopes);
  // Learns from a 401 response and returns the Authorization value for the single retry.
  // `sent` is the Authorization value the refused request carried ("" if none).
  Result<std::string> AfterUnauthorized(const ScopeSet& scopes, const http::Response& unauthorized,
                                        const std::string& sent);
  // Scopes to include in every future token request (a publish announces src pull + dst push).
  void ExpectAccess(const ScopeSet& scopes);
  // "the credentials from <source>" or "anonymous access", for messages.
  std::string CredentialsDescription() const;
  // Token requests sent so far (each answered or not).
  int token_requests() const;

 private:
  enum class Scheme { kUnknown, kBasic, kBearer };
  Result<std::string> BasicHeader() const;
  Result<std::string> FetchToken(const ScopeSet& needed, const ScopeSet& also);

  Options options_;
  TokenCache& cache_;
  TokenSender send_;
  mutable std::mutex mu_;
  Scheme scheme_ = Scheme::kUnknown;
  std::string realm_;
  std::string service_;
  ScopeSet expected_;
  int token_requests_ = 0;
};

}  // namespace spaceport::oci
