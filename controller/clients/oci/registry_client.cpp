#include "clients/oci/registry_client.h"

#include <charconv>
#include <set>

#include "base/digest.h"
#include "clients/oci/media_types.h"
#include "clients/oci/reference.h"
#include "clients/oci/registry_error.h"
#include "clients/oci/text.h"
#include "http/link_header.h"

namespace spaceport::oci {
namespace {

std::string Sha256Digest(std::string_view bytes) { return "sha256:" + Sha256Hex(bytes); }

bool IsSha256(std::string_view digest) { return digest.rfind("sha256:", 0) == 0; }

bool IsSuccess(int status) { return status >= 200 && status < 300; }

// The cap on a JSON answer (tag lists, token answers, errors): a few MiB, far above real ones.
constexpr size_t kMaxJsonAnswerBytes = size_t{8} << 20;

std::optional<int64_t> ContentLength(const http::Response& r) {
  auto v = r.headers.Get("Content-Length");
  if (!v) return std::nullopt;
  int64_t n = 0;
  auto [end, error] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (error != std::errc() || end != v->data() + v->size() || n < 0) return std::nullopt;
  return n;
}

// "owner/app:v1" or "owner/app@sha256:…", for messages.
std::string Named(std::string_view repository, std::string_view reference) {
  std::string out(repository);
  out += reference.find(':') != std::string_view::npos ? "@" : ":";
  out += reference;
  return out;
}

// Appends `digest=` to an upload Location that may already carry a query (`?_state=…`).
std::string WithDigestParam(const std::string& location, std::string_view digest) {
  char sep = location.find('?') == std::string::npos ? '?' : '&';
  return location + sep + "digest=" + http::UrlEncode(digest);
}

// One request with the client's defaults; headers as name/value pairs.
http::Request NewRequest(std::string method, std::string url, http::Headers headers = {}) {
  http::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

Result<std::unique_ptr<RegistryClient>> RegistryClient::Create(RegistryConfig config,
                                                               http::Transport& transport,
                                                               Clock& clock,
                                                               RegistryClientOptions options) {
  if (Status s = config.Validate(); !s.ok()) return s;
  return std::unique_ptr<RegistryClient>(
      new RegistryClient(std::move(config), nullptr, transport, clock, std::move(options)));
}

Result<std::unique_ptr<RegistryClient>> RegistryClient::Create(RegistryConfig config, Clock& clock,
                                                               RegistryClientOptions options) {
  if (Status s = config.Validate(); !s.ok()) return s;
  http::TransportOptions transport_options;
  transport_options.ca_bundle_file = config.ca_bundle;
  std::unique_ptr<http::Transport> owned = http::MakeTransport(transport_options);
  http::Transport& ref = *owned;
  return std::unique_ptr<RegistryClient>(
      new RegistryClient(std::move(config), std::move(owned), ref, clock, std::move(options)));
}

RegistryClient::RegistryClient(RegistryConfig config, std::unique_ptr<http::Transport> owned,
                               http::Transport& transport, Clock& clock,
                               RegistryClientOptions options)
    : config_(std::move(config)),
      owned_transport_(std::move(owned)),
      transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      base_url_(config_.BaseUrl()),
      tokens_(clock) {
  auto url = http::Url::Parse(base_url_);  // validated by Create
  origin_ = url.ok() ? url->Origin() : base_url_;
  rate_limit_ = options_.rate_limit;
  if (!rate_limit_) {
    http::TokenBucketOptions limit;
    limit.requests_per_second = config_.requests_per_second;
    limit.burst = config_.burst;
    rate_limit_ = std::make_shared<http::TokenBucket>(clock, limit);
  }
  wire_ = std::make_unique<http::RateLimitedTransport>(
      transport_, rate_limit_, http::RateLimitedTransportOptions{.origin = origin_});
  Authenticator::Options auth_options;
  auth_options.registry = config_.host;
  auth_options.endpoint_host = url.ok() ? url->host : "";
  auth_options.insecure = config_.insecure;
  auth_options.credentials = config_.credentials;
  auth_ =
      std::make_unique<Authenticator>(std::move(auth_options), tokens_,
                                      [this](http::Request r) { return SendToken(std::move(r)); });
}

RegistryClient::~RegistryClient() = default;

void RegistryClient::ExpectAccess(const ScopeSet& scopes) { auth_->ExpectAccess(scopes); }

int64_t RegistryClient::requests_sent() const {
  std::lock_guard<std::mutex> lock(clients_mu_);
  int64_t total = 0;
  for (const auto& [origin, client] : clients_) total += client->requests_sent();
  return total;
}

int64_t RegistryClient::requests_sent_by_this_thread() const {
  std::lock_guard<std::mutex> lock(clients_mu_);
  int64_t total = 0;
  for (const auto& [origin, client] : clients_) total += client->requests_sent_by_this_thread();
  return total;
}

http::Client& RegistryClient::ClientFor(const std::string& origin) {
  std::lock_guard<std::mutex> lock(clients_mu_);
  auto& slot = clients_[origin];
  if (!slot) {
    http::ClientOptions o = options_.http;
    o.insecure_origins.clear();
    // Plain http is allowed for the registry's own origin, and for a token realm on the same host
    // (the Authenticator refuses any other plain-http realm before it gets here).
    if (config_.insecure) o.insecure_origins.push_back(origin);
    slot = std::make_unique<http::Client>(*wire_, clock_, std::move(o));
  }
  return *slot;
}

std::string RegistryClient::V2(std::string_view repository, std::string_view rest) const {
  return base_url_ + "/v2/" + std::string(repository) + "/" + std::string(rest);
}

Status RegistryClient::Fail(StatusCode code, std::string_view what,
                            const std::string& detail) const {
  return Status(code, "registry " + config_.host + ": " + std::string(what) + ": " + detail);
}

Result<http::Response> RegistryClient::SendToken(http::Request request) {
  auto url = http::Url::Parse(request.url);
  if (!url.ok()) return url.status();
  request.timeout = options_.request_timeout;
  request.max_response_bytes = kMaxJsonAnswerBytes;  // a token answer is a few KiB
  return ClientFor(url->Origin()).Send(std::move(request));
}

Result<http::Response> RegistryClient::Send(http::Request request, const ScopeSet& scopes,
                                            std::string_view what) {
  auto url = http::Url::Parse(request.url);
  if (!url.ok()) return Fail(StatusCode::kInternal, what, "bad URL: " + url.status().message());
  // An upload Location on another host must not receive our credentials.
  bool own_origin = url->Origin() == origin_;
  if (!own_origin && url->scheme == "http") {
    return Fail(StatusCode::kFailedPrecondition, what,
                "the registry sent us to plain-http " + url->Origin());
  }
  request.timeout = options_.request_timeout;
  // Every answer is read up to a cap fitting what it is (set by the caller, or the JSON default),
  // so a registry that sends gigabytes costs bounded memory and a clear error.
  if (request.max_response_bytes == 0) request.max_response_bytes = kMaxJsonAnswerBytes;
  http::Client& client = ClientFor(url->Origin());

  std::string sent;
  if (own_origin) {
    auto header = auth_->HeaderFor(scopes);
    if (!header.ok()) return header.status();
    sent = *header;
    if (!sent.empty()) request.headers.Set("Authorization", sent);
  }
  auto response = client.Send(request);
  if (!response.ok()) return TransportFailure(what, response.status());
  if (response->status != 401 || !own_origin) return response;

  auto retry_header = auth_->AfterUnauthorized(scopes, *response, sent);
  if (!retry_header.ok()) return retry_header.status();
  request.headers.Set("Authorization", *retry_header);
  response = client.Send(std::move(request));
  if (!response.ok()) return TransportFailure(what, response.status());
  if (response->status == 401) {
    // Re-authenticated once already: the registry refuses what we have.
    Status refused = StatusFromResponse(*response, config_.host, what);
    return Status(StatusCode::kUnauthenticated, refused.message() +
                                                    " (after re-authenticating with " +
                                                    auth_->CredentialsDescription() + ")");
  }
  return response;
}

Status RegistryClient::TransportFailure(std::string_view what, const Status& status) const {
  // A body over its cap is the registry's doing, not a rate limit (which kResourceExhausted
  // would say): an invalid answer, refused.
  if (http::IsResponseTooLarge(status))
    return Fail(StatusCode::kInvalidArgument, what, status.message() + "; refused");
  return Fail(status.code(), what, status.message());
}

Result<std::vector<std::string>> RegistryClient::ListTags(std::string_view repository) {
  std::string what = "list tags of " + std::string(repository);
  ScopeSet scopes{Scope::Pull(repository)};
  std::string url = V2(repository, "tags/list?n=" + std::to_string(options_.tag_page_size));
  std::set<std::string> tags;
  for (int page = 0;; ++page) {
    if (page >= options_.max_tag_pages) {
      return Fail(StatusCode::kFailedPrecondition, what,
                  "more than " + std::to_string(options_.max_tag_pages) +
                      " pages of tags; refusing a partial list");
    }
    http::Request request = NewRequest("GET", url, {{"Accept", "application/json"}});
    auto response = Send(request, scopes, what);
    if (!response.ok()) return response.status();
    if (response->status != 200) return StatusFromResponse(*response, config_.host, what);
    auto doc = Json::Parse(response->body);
    if (!doc.ok() || !doc->is_object())
      return Fail(StatusCode::kInvalidArgument, what, "the answer is not a JSON object");
    size_t before = tags.size();
    if (const Json* list = doc->Find("tags"); list != nullptr && list->is_array()) {
      for (size_t i = 0; i < list->size(); ++i) {
        if (list->At(i).is_string()) tags.insert(list->At(i).AsString());
      }
    }
    auto next = http::NextLink(response->headers.GetAll("Link"));
    // A registry that ignores `last` may keep linking to the same page: stop when nothing is new.
    if (!next || tags.size() == before) break;
    auto base = http::Url::Parse(url);
    if (!base.ok()) return base.status();
    auto resolved = base->Resolve(*next);
    if (!resolved.ok()) return Fail(StatusCode::kInvalidArgument, what, "bad Link header");
    if (resolved->Origin() != origin_) {
      return Fail(StatusCode::kFailedPrecondition, what,
                  "Link header points at another origin " + resolved->Origin());
    }
    url = resolved->ToString();
  }
  return std::vector<std::string>(tags.begin(), tags.end());
}

Result<Manifest> RegistryClient::GetManifest(std::string_view repository,
                                             std::string_view reference) {
  std::string what = "GET manifest " + Named(repository, reference);
  bool by_digest = IsValidDigest(reference);
  if (!by_digest && !IsValidTag(reference))
    return Fail(StatusCode::kInvalidArgument, what, "invalid tag or digest");
  if (by_digest && !IsSha256(reference))
    return Fail(StatusCode::kUnimplemented, what, "only sha256 digests are verified");

  http::Request request = NewRequest("GET", V2(repository, "manifests/" + std::string(reference)),
                                     {{"Accept", std::string(kManifestAccept)}});
  // The transport stops reading at the cap (a Content-Length above it is refused unread).
  request.max_response_bytes = options_.max_manifest_bytes;
  auto response = Send(request, ScopeSet{Scope::Pull(repository)}, what);
  if (!response.ok()) return response.status();
  if (response->status != 200) return StatusFromResponse(*response, config_.host, what);
  if (response->body.size() > options_.max_manifest_bytes) {  // a transport without caps
    return Fail(StatusCode::kInvalidArgument, what,
                "manifest of " + std::to_string(response->body.size()) +
                    " bytes exceeds the limit of " + std::to_string(options_.max_manifest_bytes));
  }
  // Verify before parsing: corrupt bytes are a digest mismatch, not a malformed manifest.
  std::string digest = Sha256Digest(response->body);
  if (by_digest && digest != reference) {
    return Fail(StatusCode::kDataLoss, what, "content has digest " + digest + " (digest mismatch)");
  }
  if (auto claimed = response->headers.Get("Docker-Content-Digest");
      claimed && IsSha256(*claimed)) {
    if (AsciiTrim(*claimed) != digest) {
      return Fail(StatusCode::kDataLoss, what,
                  "content has digest " + digest + " but the registry says " +
                      std::string(AsciiTrim(*claimed)) + " (digest mismatch)");
    }
  }
  auto manifest =
      ParseManifest(std::move(response->body), response->headers.Get("Content-Type").value_or(""));
  if (!manifest.ok()) return Fail(manifest.status().code(), what, manifest.status().message());
  return manifest;
}

Result<Descriptor> RegistryClient::HeadManifest(std::string_view repository,
                                                std::string_view reference) {
  std::string what = "HEAD manifest " + Named(repository, reference);
  bool by_digest = IsValidDigest(reference);
  if (!by_digest && !IsValidTag(reference))
    return Fail(StatusCode::kInvalidArgument, what, "invalid tag or digest");
  http::Request request = NewRequest("HEAD", V2(repository, "manifests/" + std::string(reference)),
                                     {{"Accept", std::string(kManifestAccept)}});
  auto response = Send(request, ScopeSet{Scope::Pull(repository)}, what);
  if (!response.ok()) return response.status();
  if (response->status != 200) return StatusFromResponse(*response, config_.host, what);
  auto claimed = response->headers.Get("Docker-Content-Digest");
  if (!claimed || !IsValidDigest(AsciiTrim(*claimed))) {
    // Without a digest header the only way to know is to read the manifest.
    auto m = GetManifest(repository, reference);
    if (!m.ok()) return m.status();
    return Descriptor{
        m->media_type, m->digest, static_cast<int64_t>(m->bytes.size()), std::nullopt, {}};
  }
  Descriptor d;
  d.digest = std::string(AsciiTrim(*claimed));
  if (by_digest && d.digest != reference) {
    return Fail(StatusCode::kDataLoss, what,
                "the registry answered for " + d.digest + " (digest mismatch)");
  }
  d.media_type = text::MediaTypeOnly(response->headers.Get("Content-Type").value_or(""));
  d.size = ContentLength(*response).value_or(0);
  return d;
}

Result<ResolvedImage> RegistryClient::ResolveImage(std::string_view repository,
                                                   std::string_view reference,
                                                   const Platform& platform) {
  auto top = GetManifest(repository, reference);
  if (!top.ok()) return top.status();
  if (!top->IsIndex()) {
    Manifest image = *top;
    return ResolvedImage{std::move(*top), std::move(image), std::nullopt};
  }
  auto children = top->Children();
  if (!children.ok())
    return Fail(children.status().code(), "read index " + Named(repository, reference),
                children.status().message());
  auto chosen = SelectPlatform(*children, platform);
  if (!chosen.ok())
    return Fail(chosen.status().code(), "resolve " + Named(repository, reference),
                chosen.status().message());
  auto image = GetManifest(repository, chosen->digest);
  if (!image.ok()) return image.status();
  std::string what = "resolve " + Named(repository, reference) + " for " + platform.ToString();
  if (static_cast<int64_t>(image->bytes.size()) != chosen->size) {
    return Fail(StatusCode::kDataLoss, what,
                "child " + chosen->digest + " has " + std::to_string(image->bytes.size()) +
                    " bytes, the index says " + std::to_string(chosen->size));
  }
  if (image->IsIndex())
    return Fail(StatusCode::kInvalidArgument, what, "the index entry is itself an index");
  return ResolvedImage{std::move(*top), std::move(*image), std::move(*chosen)};
}

Result<std::optional<Descriptor>> RegistryClient::StatBlob(std::string_view repository,
                                                           std::string_view digest) {
  std::string what = "HEAD blob " + std::string(digest) + " in " + std::string(repository);
  if (!IsValidDigest(digest)) return Fail(StatusCode::kInvalidArgument, what, "invalid digest");
  http::Request request = NewRequest("HEAD", V2(repository, "blobs/" + std::string(digest)));
  auto response = Send(request, ScopeSet{Scope::Pull(repository)}, what);
  if (!response.ok()) return response.status();
  if (response->status == 404) return std::optional<Descriptor>();
  if (response->status != 200) return StatusFromResponse(*response, config_.host, what);
  Descriptor d;
  d.digest = std::string(digest);
  d.size = ContentLength(*response).value_or(0);
  d.media_type = text::MediaTypeOnly(response->headers.Get("Content-Type").value_or(""));
  return std::optional<Descriptor>(std::move(d));
}

Result<std::string> RegistryClient::GetBlob(std::string_view repository, std::string_view digest,
                                            std::optional<int64_t> expected_size) {
  std::string what = "GET blob " + std::string(digest) + " from " + std::string(repository);
  if (!IsValidDigest(digest)) return Fail(StatusCode::kInvalidArgument, what, "invalid digest");
  if (!IsSha256(digest))
    return Fail(StatusCode::kUnimplemented, what, "only sha256 digests are verified");
  if (expected_size && *expected_size > static_cast<int64_t>(options_.max_blob_bytes)) {
    return Fail(StatusCode::kResourceExhausted, what,
                "blob of " + std::to_string(*expected_size) + " bytes exceeds the in-memory limit");
  }
  http::Request request = NewRequest("GET", V2(repository, "blobs/" + std::string(digest)));
  request.max_response_bytes = expected_size ? static_cast<size_t>(*expected_size) + 1
                                             : options_.max_blob_bytes;
  auto response = Send(request, ScopeSet{Scope::Pull(repository)}, what);
  if (!response.ok()) return response.status();
  if (response->status != 200) return StatusFromResponse(*response, config_.host, what);
  if (response->body.size() > options_.max_blob_bytes) {
    return Fail(StatusCode::kInvalidArgument, what, "blob exceeds the in-memory limit");
  }
  std::string actual = Sha256Digest(response->body);
  if (actual != digest)
    return Fail(StatusCode::kDataLoss, what, "content has digest " + actual + " (digest mismatch)");
  if (expected_size && static_cast<int64_t>(response->body.size()) != *expected_size) {
    return Fail(StatusCode::kDataLoss, what,
                "blob has " + std::to_string(response->body.size()) + " bytes, expected " +
                    std::to_string(*expected_size));
  }
  return std::move(response->body);
}

Result<Descriptor> RegistryClient::PushBlob(std::string_view repository, std::string_view bytes,
                                            std::string_view media_type) {
  std::string digest = Sha256Digest(bytes);
  std::string what = "upload blob " + digest + " to " + std::string(repository);
  ScopeSet scopes{Scope::Push(repository)};
  Descriptor done{
      std::string(media_type), digest, static_cast<int64_t>(bytes.size()), std::nullopt, {}};

  std::string start_url = V2(repository, "blobs/uploads/");
  http::Request start = NewRequest("POST", start_url);
  auto started = Send(start, scopes, what);
  if (!started.ok()) return started.status();
  if (started->status == 201) {
    // Some registries complete an upload on the POST itself; accept it only for our digest.
    auto claimed = started->headers.Get("Docker-Content-Digest");
    if (claimed && AsciiTrim(*claimed) == digest) return done;
    return Fail(StatusCode::kDataLoss, what, "the registry completed an upload that is not ours");
  }
  if (IsSuccess(started->status) && started->status != 202) {
    // 200, 204…: no upload session and no blob; going on would PUT to nowhere.
    return Fail(StatusCode::kFailedPrecondition, what,
                "the registry answered " + std::to_string(started->status) +
                    " to the upload start; the distribution spec asks for 202 with a Location");
  }
  if (started->status != 202) return StatusFromResponse(*started, config_.host, what);
  auto location = started->headers.Get("Location");
  if (!location || AsciiTrim(*location).empty())
    return Fail(StatusCode::kFailedPrecondition, what,
                "202 without an upload Location; nothing was uploaded");
  auto base = http::Url::Parse(start_url);
  if (!base.ok()) return base.status();
  auto upload = base->Resolve(AsciiTrim(*location));
  if (!upload.ok()) return Fail(StatusCode::kInternal, what, "unusable upload Location");

  http::Request put = NewRequest("PUT", WithDigestParam(upload->ToString(), digest),
                                 {{"Content-Type", "application/octet-stream"}});
  put.body = std::string(bytes);
  auto finished = Send(std::move(put), scopes, what);
  if (!finished.ok()) return finished.status();
  if (!IsSuccess(finished->status)) return StatusFromResponse(*finished, config_.host, what);
  if (auto claimed = finished->headers.Get("Docker-Content-Digest");
      claimed && AsciiTrim(*claimed) != digest) {
    return Fail(StatusCode::kDataLoss, what,
                "the registry stored " + std::string(AsciiTrim(*claimed)) + " (digest mismatch)");
  }
  // The spec's completion is 201 with the blob's Location (and its digest). Any other success (a
  // 200, a 204, a bare 201) may or may not have stored the blob: ask, rather than build a
  // manifest on a blob that is not there.
  const auto blob_location = finished->headers.Get("Location");
  const bool has_location = blob_location && !AsciiTrim(*blob_location).empty();
  if (finished->status != 201 || (!has_location && !finished->headers.Has("Docker-Content-Digest"))) {
    const std::string answered =
        "the registry answered " + std::to_string(finished->status) +
        (has_location ? "" : " without a Location") +
        " to the upload's completion (the distribution spec asks for 201 with one)";
    auto stored = StatBlob(repository, digest);
    if (!stored.ok()) return Fail(StatusCode::kFailedPrecondition, what, answered + "; " + stored.status().message());
    if (!*stored) return Fail(StatusCode::kFailedPrecondition, what, answered + " and does not hold the blob");
    if ((*stored)->size != 0 && (*stored)->size != static_cast<int64_t>(bytes.size())) {
      return Fail(StatusCode::kDataLoss, what,
                  answered + " and holds " + std::to_string((*stored)->size) + " bytes, not " +
                      std::to_string(bytes.size()));
    }
  }
  return done;
}

Result<MountResult> RegistryClient::MountBlob(std::string_view repository, std::string_view digest,
                                              std::string_view from_repository) {
  std::string what = "mount blob " + std::string(digest) + " from " + std::string(from_repository) +
                     " into " + std::string(repository);
  if (!IsValidDigest(digest)) return Fail(StatusCode::kInvalidArgument, what, "invalid digest");
  ScopeSet scopes{Scope::Push(repository), Scope::Pull(from_repository)};
  std::string url = V2(repository, "blobs/uploads/?mount=" + http::UrlEncode(digest) +
                                       "&from=" + http::UrlEncode(from_repository));
  auto response = Send(NewRequest("POST", url), scopes, what);
  if (!response.ok()) return response.status();
  if (response->status == 201) return MountResult{true, false};
  if (response->status != 202) return StatusFromResponse(*response, config_.host, what);
  // 202: the registry declined to mount and opened an upload session instead. Close it.
  MountResult result;
  auto location = response->headers.Get("Location");
  auto base = http::Url::Parse(url);
  if (location && base.ok()) {
    auto session = base->Resolve(AsciiTrim(*location));
    if (session.ok()) {
      auto cancelled =
          Send(NewRequest("DELETE", session->ToString()), ScopeSet{Scope::Push(repository)},
               "cancel upload in " + std::string(repository));
      result.upload_cancelled = cancelled.ok() && IsSuccess(cancelled->status);
    }
  }
  return result;
}

Result<std::string> RegistryClient::PutManifest(std::string_view repository,
                                                std::string_view reference, std::string_view bytes,
                                                std::string_view media_type) {
  std::string what = "PUT manifest " + Named(repository, reference);
  std::string digest = Sha256Digest(bytes);
  bool by_digest = IsValidDigest(reference);
  if (!by_digest && !IsValidTag(reference))
    return Fail(StatusCode::kInvalidArgument, what, "invalid tag or digest");
  if (by_digest && reference != digest) {
    return Fail(StatusCode::kInvalidArgument, what, "the bytes have digest " + digest);
  }
  if (media_type.empty()) return Fail(StatusCode::kInvalidArgument, what, "no media type");
  if (bytes.size() > options_.max_manifest_bytes) {
    return Fail(StatusCode::kInvalidArgument, what,
                "manifest exceeds " + std::to_string(options_.max_manifest_bytes) + " bytes");
  }
  http::Request request = NewRequest("PUT", V2(repository, "manifests/" + std::string(reference)),
                                     {{"Content-Type", std::string(media_type)}});
  request.body = std::string(bytes);
  auto response = Send(std::move(request), ScopeSet{Scope::Push(repository)}, what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return StatusFromResponse(*response, config_.host, what);
  if (auto claimed = response->headers.Get("Docker-Content-Digest");
      claimed && AsciiTrim(*claimed) != digest) {
    return Fail(StatusCode::kDataLoss, what,
                "the registry stored " + std::string(AsciiTrim(*claimed)) + ", we sent " + digest +
                    " (digest mismatch)");
  }
  return digest;
}

}  // namespace spaceport::oci
