#include "clients/oci/authenticator.h"

#include "base/base64.h"
#include "base/json.h"
#include "clients/oci/challenge.h"
#include "clients/oci/registry_error.h"
#include "clients/oci/text.h"

namespace spaceport::oci {
namespace {

constexpr size_t kMaxTokenResponseBytes = 64 * 1024;

// The realm without its query, for messages.
std::string RealmForMessage(const std::string& realm) { return realm.substr(0, realm.find('?')); }

std::string DescribeCredentials(const std::optional<Credentials>& creds) {
  return creds ? "the credentials from " + creds->source : std::string("anonymous access");
}

}  // namespace

Authenticator::Authenticator(Options options, TokenCache& cache, TokenSender send_token_request)
    : options_(std::move(options)), cache_(cache), send_(std::move(send_token_request)) {}

void Authenticator::ExpectAccess(const ScopeSet& scopes) {
  std::lock_guard<std::mutex> lock(mu_);
  expected_.Add(scopes);
}

std::string Authenticator::CredentialsDescription() const {
  return DescribeCredentials(options_.credentials);
}

int Authenticator::token_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return token_requests_;
}

Result<std::string> Authenticator::BasicHeader() const {
  if (!options_.credentials) {
    return Status(StatusCode::kUnauthenticated, "registry " + options_.registry +
                                                    " requires credentials (Basic auth) and none "
                                                    "are configured; see docs/registry-auth.md");
  }
  return "Basic " +
         Base64Encode(options_.credentials->username + ":" + options_.credentials->password);
}

Result<std::string> Authenticator::HeaderFor(const ScopeSet& scopes) {
  Scheme scheme;
  ScopeSet also;
  {
    std::lock_guard<std::mutex> lock(mu_);
    scheme = scheme_;
    also = expected_;
  }
  switch (scheme) {
    case Scheme::kUnknown:
      return std::string();
    case Scheme::kBasic:
      return BasicHeader();
    case Scheme::kBearer:
      break;
  }
  if (auto token = cache_.Get(options_.registry, scopes)) return "Bearer " + *token;
  return FetchToken(scopes, also);
}

Result<std::string> Authenticator::AfterUnauthorized(const ScopeSet& scopes,
                                                     const http::Response& unauthorized,
                                                     const std::string& sent) {
  std::vector<Challenge> challenges;
  for (const std::string& value : unauthorized.headers.GetAll("WWW-Authenticate")) {
    auto parsed = ParseChallenges(value);
    if (!parsed.ok()) {
      return Status(StatusCode::kUnauthenticated,
                    "registry " + options_.registry +
                        ": 401 with an unreadable challenge: " + parsed.status().message());
    }
    challenges.insert(challenges.end(), parsed->begin(), parsed->end());
  }
  const Challenge* bearer = nullptr;
  const Challenge* basic = nullptr;
  for (const Challenge& c : challenges) {
    if (c.Is("Bearer") && bearer == nullptr) bearer = &c;
    if (c.Is("Basic") && basic == nullptr) basic = &c;
  }

  if (bearer != nullptr) {
    std::string realm = bearer->Param("realm");
    if (realm.empty()) {
      return Status(StatusCode::kUnauthenticated,
                    "registry " + options_.registry + ": Bearer challenge without realm");
    }
    ScopeSet also;
    {
      std::lock_guard<std::mutex> lock(mu_);
      scheme_ = Scheme::kBearer;
      realm_ = realm;
      service_ = bearer->Param("service");
      also = expected_;
    }
    also.AddParsed(bearer->Param("scope"));
    if (sent.rfind("Bearer ", 0) == 0) cache_.Invalidate(options_.registry, sent.substr(7));
    return FetchToken(scopes, also);
  }
  if (basic != nullptr) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      scheme_ = Scheme::kBasic;
    }
    if (sent.rfind("Basic ", 0) == 0) {
      return Status(StatusCode::kUnauthenticated, "registry " + options_.registry + " rejected " +
                                                      DescribeCredentials(options_.credentials) +
                                                      " (Basic auth); see docs/registry-auth.md");
    }
    return BasicHeader();
  }
  return StatusFromResponse(unauthorized, options_.registry,
                            "authenticate (no Basic or Bearer challenge)");
}

Result<std::string> Authenticator::FetchToken(const ScopeSet& needed, const ScopeSet& also) {
  std::string realm;
  std::string service;
  {
    std::lock_guard<std::mutex> lock(mu_);
    realm = realm_;
    service = service_;
    ++token_requests_;
  }
  auto url = http::Url::Parse(realm);
  if (!url.ok()) {
    return Status(
        StatusCode::kUnauthenticated,
        "registry " + options_.registry + ": token realm is not a URL: " + RealmForMessage(realm));
  }
  if (url->scheme == "http" &&
      !(options_.insecure && AsciiLower(url->host) == AsciiLower(options_.endpoint_host))) {
    return Status(StatusCode::kFailedPrecondition,
                  "registry " + options_.registry + ": token realm " + url->Origin() +
                      " uses plain http; only an insecure registry's own host may");
  }

  ScopeSet all = needed;
  all.Add(also);
  // Scopes the request needs go first: some registries read only the first scope parameter.
  std::vector<std::string> params = all.StringsWithFirst(needed);
  std::string target = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  bool first = true;
  auto add = [&](std::string_view key, const std::string& value) {
    if (!first) target += '&';
    first = false;
    target += std::string(key) + "=" + http::UrlEncode(value);
  };
  if (!service.empty()) add("service", service);
  for (const std::string& s : params) add("scope", s);

  http::Request request;
  request.method = "GET";
  request.url = target;
  request.headers.Set("Accept", "application/json");
  if (options_.credentials) {
    request.headers.Set("Authorization",
                        "Basic " + Base64Encode(options_.credentials->username + ":" +
                                                options_.credentials->password));
  }
  auto response = send_(std::move(request));
  if (!response.ok()) return response.status();
  std::string where = "token endpoint " + RealmForMessage(realm);
  if (response->status == 401 || response->status == 403) {
    std::string scope_list = all.Key();
    return Status(StatusCode::kUnauthenticated,
                  "registry " + options_.registry + ": " + where + " refused " +
                      DescribeCredentials(options_.credentials) + " for " + scope_list + " (" +
                      std::to_string(response->status) +
                      (options_.credentials
                           ? "); check the credentials (docs/registry-auth.md)"
                           : "); the repository may be private or missing: configure credentials "
                             "(docs/registry-auth.md)"));
  }
  if (response->status != 200) return StatusFromResponse(*response, options_.registry, where);
  if (response->body.size() > kMaxTokenResponseBytes) {
    return Status(StatusCode::kResourceExhausted,
                  "registry " + options_.registry + ": " + where + " answered more than 64 KiB");
  }
  auto doc = Json::Parse(response->body);
  if (!doc.ok() || !doc->is_object()) {
    return Status(StatusCode::kUnauthenticated,
                  "registry " + options_.registry + ": " + where + " answered non-JSON");
  }
  std::string token = doc->GetString("token");
  if (token.empty()) token = doc->GetString("access_token");
  if (token.empty()) {
    return Status(StatusCode::kUnauthenticated,
                  "registry " + options_.registry + ": " + where + " answered no token");
  }
  std::optional<std::chrono::seconds> expires_in;
  if (const Json* e = doc->Find("expires_in"); e != nullptr) {
    if (auto v = e->AsInt()) expires_in = std::chrono::seconds(*v);
  }
  cache_.Put(options_.registry, all, token, expires_in);
  return "Bearer " + token;
}

}  // namespace spaceport::oci
