#include "support/token_server.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "base/json.h"

namespace spaceport::support {

struct TokenServer::Keys {
  EVP_PKEY* key = nullptr;
  ~Keys() { EVP_PKEY_free(key); }
};

namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string Base64Std(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64StdDecode(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string RandomUuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::string IsoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

http::Response JsonResponse(int status, const std::string& body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = body;
  return r;
}

Status MakeSelfSignedCert(EVP_PKEY* key, const std::string& common_name,
                          const std::filesystem::path& path) {
  X509* cert = X509_new();
  if (cert == nullptr) return Internal("X509_new failed");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 2 * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  Status result = Status::Ok();
  if (X509_sign(cert, key, EVP_sha256()) == 0) {
    result = Internal("X509_sign failed");
  } else {
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr || PEM_write_X509(f, cert) != 1)
      result = Internal("cannot write " + path.string());
    if (f != nullptr) std::fclose(f);
  }
  X509_free(cert);
  return result;
}

Result<std::string> SpkiDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0) return Internal("i2d_PUBKEY failed");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

// "repository:owner/app:pull,push" → type, name, actions; the name may contain ':'.
struct RequestedScope {
  std::string type;
  std::string name;
  std::vector<std::string> actions;
};

std::optional<RequestedScope> ParseScope(const std::string& s) {
  size_t first = s.find(':');
  size_t last = s.rfind(':');
  if (first == std::string::npos || first == last) return std::nullopt;
  RequestedScope out{s.substr(0, first), s.substr(first + 1, last - first - 1), {}};
  std::string actions = s.substr(last + 1);
  size_t start = 0;
  while (start <= actions.size()) {
    size_t comma = actions.find(',', start);
    std::string a =
        actions.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!a.empty()) out.actions.push_back(a);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::string Base64Url(const std::string& bytes) {
  std::string s = Base64Std(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

std::string LibtrustKeyId(const std::string& spki_der) {
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(spki_der.data()), spki_der.size(), hash);
  // base32 of the first 30 bytes: 240 bits = 48 characters, no padding.
  std::string b32;
  uint64_t buffer = 0;
  int bits = 0;
  for (int i = 0; i < 30; ++i) {
    buffer = (buffer << 8) | hash[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      b32 += kBase32[(buffer >> bits) & 31];
    }
  }
  std::string out;
  for (size_t i = 0; i < b32.size(); i += 4) {
    if (!out.empty()) out += ':';
    out += b32.substr(i, 4);
  }
  return out;
}

Result<std::unique_ptr<TokenServer>> TokenServer::Start(const std::filesystem::path& dir,
                                                        Options options) {
  auto keys = std::make_unique<Keys>();
  keys->key = EVP_RSA_gen(2048);
  if (keys->key == nullptr) return Internal("RSA key generation failed");
  std::filesystem::path cert_path = dir / "token.crt";
  if (Status s = MakeSelfSignedCert(keys->key, options.issuer, cert_path); !s.ok()) return s;
  auto spki = SpkiDer(keys->key);
  if (!spki.ok()) return spki.status();
  std::string kid = LibtrustKeyId(*spki);

  std::unique_ptr<TokenServer> server(
      new TokenServer(std::move(options), std::move(keys), cert_path, kid));
  TokenServer* raw = server.get();
  auto http_server = http::StartServer(
      {}, [raw](const http::Server::IncomingRequest& r) { return raw->Handle(r); });
  if (!http_server.ok()) return http_server.status();
  server->server_ = std::move(*http_server);
  return server;
}

TokenServer::TokenServer(Options options, std::unique_ptr<Keys> keys,
                         std::filesystem::path cert_path, std::string kid)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      cert_path_(std::move(cert_path)),
      kid_(std::move(kid)) {}

TokenServer::~TokenServer() {
  if (server_) server_->Stop();
}

std::string TokenServer::realm() const { return server_->base_url() + "/token"; }

void TokenServer::SetAllowedActions(const std::string& user, std::set<std::string> actions) {
  std::lock_guard<std::mutex> lock(mu_);
  allowed_[user] = std::move(actions);
}

std::vector<TokenServer::Seen> TokenServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_;
}

int TokenServer::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(seen_.size());
}

Result<std::string> TokenServer::Sign(const std::string& signing_input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return Internal("EVP_MD_CTX_new failed");
  std::string signature;
  size_t length = 0;
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, keys_->key) == 1 &&
            EVP_DigestSign(ctx, nullptr, &length,
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()) == 1;
  if (ok) {
    signature.resize(length);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                        reinterpret_cast<const unsigned char*>(signing_input.data()),
                        signing_input.size()) == 1;
    signature.resize(length);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return Internal("RS256 signing failed");
  return signature;
}

http::Response TokenServer::Handle(const http::Server::IncomingRequest& request) {
  if (request.path != "/token")
    return JsonResponse(404, R"({"errors":[{"code":"NOT_FOUND","message":"no such path"}]})");
  if (request.method != "GET") {
    return JsonResponse(405, R"({"errors":[{"code":"UNSUPPORTED","message":"only GET /token"}]})");
  }

  Seen seen;
  seen.service = request.QueryValue("service").value_or("");
  for (const std::string& value : request.QueryValues("scope")) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t space = value.find(' ', start);
      std::string s =
          value.substr(start, space == std::string::npos ? std::string::npos : space - start);
      if (!s.empty()) seen.scopes.push_back(s);
      if (space == std::string::npos) break;
      start = space + 1;
    }
  }

  // Authenticate.
  std::string user;
  if (auto auth = request.headers.Get("Authorization")) {
    bool good = false;
    if (auth->rfind("Basic ", 0) == 0) {
      if (auto decoded = Base64StdDecode(auth->substr(6))) {
        size_t colon = decoded->find(':');
        if (colon != std::string::npos) {
          user = decoded->substr(0, colon);
          auto it = options_.users.find(user);
          good = it != options_.users.end() && it->second == decoded->substr(colon + 1);
        }
      }
    }
    if (!good) {
      seen.user = "!bad";
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(seen);
      return JsonResponse(401,
                          R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})");
    }
  }
  seen.user = user;

  // Grant the intersection of requested and allowed actions.
  Json access = Json::Array();
  {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back(seen);
    for (const std::string& s : seen.scopes) {
      auto scope = ParseScope(s);
      if (!scope) continue;
      std::set<std::string> allowed;
      if (user.empty()) {
        if (scope->type == "repository" && options_.public_repositories.count(scope->name))
          allowed = {"pull"};
      } else if (auto it = allowed_.find(user); it != allowed_.end()) {
        allowed = it->second;
      } else {
        allowed = {"pull", "push", "delete", "*"};
      }
      Json actions = Json::Array();
      for (const std::string& a : scope->actions) {
        if (allowed.count(a) || allowed.count("*")) actions.Push(Json(a));
      }
      Json entry = Json::Object();
      entry.Set("type", Json(scope->type));
      entry.Set("name", Json(scope->name));
      entry.Set("actions", std::move(actions));
      access.Push(std::move(entry));
    }
  }

  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  Json header = Json::Object();
  header.Set("typ", Json("JWT"));
  header.Set("alg", Json("RS256"));
  header.Set("kid", Json(kid_));
  Json claims = Json::Object();
  claims.Set("iss", Json(options_.issuer));
  claims.Set("sub", Json(user));
  claims.Set("aud", Json(seen.service));
  claims.Set("exp", Json(static_cast<int64_t>(now + options_.expires_in)));
  claims.Set("nbf", Json(static_cast<int64_t>(now - 5)));
  claims.Set("iat", Json(static_cast<int64_t>(now)));
  claims.Set("jti", Json(RandomUuid()));
  claims.Set("access", std::move(access));
  std::string signing_input = Base64Url(header.Dump()) + "." + Base64Url(claims.Dump());
  auto signature = Sign(signing_input);
  if (!signature.ok())
    return JsonResponse(500, R"({"errors":[{"code":"UNKNOWN","message":"signing failed"}]})");
  std::string jwt = signing_input + "." + Base64Url(*signature);

  Json body = Json::Object();
  body.Set("token", Json(jwt));
  body.Set("access_token", Json(jwt));
  if (!options_.omit_expires_in) body.Set("expires_in", Json(options_.expires_in));
  body.Set("issued_at", Json(IsoTime(now)));
  return JsonResponse(200, body.Dump());
}

}  // namespace spaceport::support
