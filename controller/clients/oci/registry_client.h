// RegistryClient: the Distribution API (OCI distribution-spec v1.1) for one registry, over
// controller/http.
//
// What it does for every call:
//  - authenticates (Basic or the Bearer token flow, see authenticator.h), retrying exactly once
//    after a 401, with tokens cached per scope set on the injected Clock;
//  - verifies content: a manifest's or blob's sha256 is computed over the exact bytes received and
//    must equal the digest asked for and the Docker-Content-Digest the registry claims; a mismatch
//    is kDataLoss and nothing further is requested;
//  - maps failures to Status codes with messages naming the registry and the operation, and
//    ConditionReasonFor(status) gives the condition reason (registry_error.h);
//  - leaves redirects (blob GETs go to storage on another host, without Authorization), retries of
//    5xx/429 with backoff and Retry-After, and the plain-http policy to http::Client, configured
//    from RegistryConfig (plain http only when the registry is marked insecure);
//  - takes a token from the endpoint's rate limit (http::TokenBucket, RegistryConfig's
//    requests_per_second and burst) for every request to the registry's origin, retries and
//    token requests included, and pauses it for every worker when the registry answers 429 or
//    503 with Retry-After. Registries shares one bucket among the clients of one endpoint.
//
// A wrapper publish with a warm token is six requests: GET manifest, GET config blob, HEAD new
// config blob (StatBlob), POST + PUT the blob (PushBlob), PUT manifest. requests_sent() counts
// every request that went on the wire, token requests included.
//
//   oci::RegistryConfig config;
//   config.host = "ghcr.io";
//   auto client = oci::RegistryClient::Create(config, clock);   // https://ghcr.io
//   auto image = (*client)->ResolveImage("owner/app", "v1.0.0", *oci::Platform::Parse("amd64"));
//   if (!image.ok()) return image.status();              // ConditionReasonFor: ImageMissing…
//   auto config = (*client)->GetBlob("owner/app", image->image.Config()->digest);
//
// Thread-safe: one client may serve many workers.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "clients/oci/authenticator.h"
#include "clients/oci/manifest.h"
#include "clients/oci/registry_config.h"
#include "clients/oci/scope.h"
#include "clients/oci/token_cache.h"
#include "http/http.h"
#include "http/rate_limited_transport.h"
#include "http/token_bucket.h"

namespace spaceport::oci {

struct RegistryClientOptions {
  // Redirects, retries and backoff. insecure_origins is filled in from the RegistryConfig.
  http::ClientOptions http;
  std::chrono::milliseconds request_timeout{30000};
  // The OCI limit: registries need accept no larger manifest, so a larger one is refused, and the
  // transport stops reading it at the cap (a Content-Length above it is refused unread).
  size_t max_manifest_bytes = 4 * 1024 * 1024;
  size_t max_blob_bytes = 32 * 1024 * 1024;     // GetBlob reads into memory: configs, not layers
  int tag_page_size = 1000;                     // the `n` sent with tags/list
  int max_tag_pages = 100;  // more pages than this is an error, not a partial list
  // The endpoint's rate limit, shared with other clients of it; nullptr: the client makes its
  // own from RegistryConfig's requests_per_second and burst.
  std::shared_ptr<http::TokenBucket> rate_limit;
};

// A manifest reference resolved to one platform.
struct ResolvedImage {
  Manifest top;    // what the reference names: an index or an image manifest
  Manifest image;  // the image manifest for the platform (== top when not an index)
  std::optional<Descriptor> chosen;  // the index entry picked, when top is an index
};

struct MountResult {
  bool mounted = false;           // 201: the blob is now in the destination repository
  bool upload_cancelled = false;  // 202: the upload session the registry opened was deleted
};

class RegistryClient {
 public:
  // Sends through `transport` (not owned; it must outlive the client).
  static Result<std::unique_ptr<RegistryClient>> Create(RegistryConfig config,
                                                        http::Transport& transport, Clock& clock,
                                                        RegistryClientOptions options = {});
  // Owns a transport that trusts config.ca_bundle (or the system store).
  static Result<std::unique_ptr<RegistryClient>> Create(RegistryConfig config, Clock& clock,
                                                        RegistryClientOptions options = {});
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  const RegistryConfig& config() const { return config_; }

  // Announces access the caller will need soon (e.g. {Pull(src), Push(dst)} before a publish), so
  // the next token request asks for all of it and one token serves every step.
  void ExpectAccess(const ScopeSet& scopes);

  // Every tag, sorted and de-duplicated, following `Link: <…>; rel="next"` (registries that ignore
  // `n`/`last`, like distribution 2.8, return everything on one page). kNotFound: no such
  // repository.
  Result<std::vector<std::string>> ListTags(std::string_view repository);

  // GET by tag or digest with the full Accept list; verified (see above); kNotFound when absent.
  Result<Manifest> GetManifest(std::string_view repository, std::string_view reference);
  // HEAD: the registry's digest, media type and size. kNotFound when absent. When fetching by
  // digest, the answer must name that digest (kDataLoss otherwise).
  Result<Descriptor> HeadManifest(std::string_view repository, std::string_view reference);
  // GetManifest, then, for an index, the child for `platform` (fetched by digest, its size and
  // digest checked against the index entry).
  Result<ResolvedImage> ResolveImage(std::string_view repository, std::string_view reference,
                                     const Platform& platform);

  // HEAD a blob: its size when present, nullopt when the repository does not have it.
  Result<std::optional<Descriptor>> StatBlob(std::string_view repository, std::string_view digest);
  // GET a blob into memory (at most max_blob_bytes), verified against `digest` (and the size).
  Result<std::string> GetBlob(std::string_view repository, std::string_view digest,
                              std::optional<int64_t> expected_size = std::nullopt);
  // Monolithic upload: POST uploads/ (empty body), then PUT <Location>[?&]digest=… with the bytes.
  // Returns the descriptor (digest, size; media_type as given). Does not HEAD first: call StatBlob.
  Result<Descriptor> PushBlob(std::string_view repository, std::string_view bytes,
                              std::string_view media_type = "application/octet-stream");
  // Cross-repository mount of `digest` from `from_repository` into `repository`.
  Result<MountResult> MountBlob(std::string_view repository, std::string_view digest,
                                std::string_view from_repository);

  // PUT a manifest under a tag (or its digest) with Content-Type = media_type. Returns the digest,
  // after checking the registry's Docker-Content-Digest equals the local sha256 of `bytes`.
  Result<std::string> PutManifest(std::string_view repository, std::string_view reference,
                                  std::string_view bytes, std::string_view media_type);

  // Requests that went on the wire (registry and token endpoint; each hop and retry).
  int64_t requests_sent() const;
  // Of them, those the calling thread sent (a pass's own cost; http::Client).
  int64_t requests_sent_by_this_thread() const;
  // Token requests among them.
  int token_requests() const { return auth_->token_requests(); }
  // The rate limit every request to the registry's origin goes through.
  http::TokenBucket& rate_limit() const { return *rate_limit_; }

 private:
  RegistryClient(RegistryConfig config, std::unique_ptr<http::Transport> owned,
                 http::Transport& transport, Clock& clock, RegistryClientOptions options);

  // Sends with authentication and the single re-auth after a 401. Authorization is attached only
  // to requests for the registry's own origin.
  Result<http::Response> Send(http::Request request, const ScopeSet& scopes, std::string_view what);
  Result<http::Response> SendToken(http::Request request);
  http::Client& ClientFor(const std::string& origin);
  std::string V2(std::string_view repository, std::string_view rest) const;
  Status Fail(StatusCode code, std::string_view what, const std::string& detail) const;
  // A failure of the wire as this client reports it (a body over its cap: kInvalidArgument).
  Status TransportFailure(std::string_view what, const Status& status) const;

  RegistryConfig config_;
  std::unique_ptr<http::Transport> owned_transport_;
  http::Transport& transport_;
  Clock& clock_;
  RegistryClientOptions options_;
  std::string base_url_;
  std::string origin_;
  std::shared_ptr<http::TokenBucket> rate_limit_;
  std::unique_ptr<http::RateLimitedTransport> wire_;  // transport_ behind rate_limit_
  TokenCache tokens_;
  std::unique_ptr<Authenticator> auth_;
  mutable std::mutex clients_mu_;
  std::map<std::string, std::unique_ptr<http::Client>>
      clients_;  // by origin: registry, token realms
};

}  // namespace spaceport::oci
