// TokenServer: an in-process Docker token server (the `auth: token` realm of distribution 2.8)
// for tests, on a loopback http::Server.
//
// It behaves as shared/reference/oci-registry.md §3 "What a token server must return" describes:
//  - GET /token?service=…&scope=…[&scope=…] (extra parameters such as skopeo's `account` are
//    ignored; a scope parameter may hold several space-joined scopes);
//  - Basic credentials are checked against the user table: wrong ones get 401
//    {"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]};
//  - a user is granted the intersection of the requested and its allowed actions; an anonymous
//    caller only `pull`, and only on repositories marked public; granting less is not an error;
//  - the answer is {"token","access_token","expires_in","issued_at"}, the token an RS256 JWT with
//    header {"typ":"JWT","alg":"RS256","kid":<libtrust fingerprint of the key>} and claims iss, sub
//    ("" when anonymous), aud (= service), exp (now+expires_in), nbf (now−5), iat, jti, access.
// The RSA key and a self-signed certificate (the registry's `rootcertbundle`) are made with
// OpenSSL's C API in the given directory.
//
//   support::TokenServer::Options options;
//   options.users = {{"ciuser", "s3cret"}};
//   options.public_repositories = {"owner/public"};
//   auto tokens = support::TokenServer::Start(dir.path(), options);
//   // registry config: realm = (*tokens)->realm(), issuer = (*tokens)->issuer(),
//   //                  rootcertbundle = (*tokens)->cert_path()
//
// Thread-safe (handlers run on the server's pool).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "http/http.h"

namespace spaceport::support {

class TokenServer {
 public:
  struct Options {
    std::string issuer = "test-token-issuer";
    std::map<std::string, std::string> users;   // name → password
    std::set<std::string> public_repositories;  // anonymous pull allowed
    int expires_in = 300;
    bool omit_expires_in = false;  // answer like GHCR (no expires_in)
  };
  // One token request as the server saw it.
  struct Seen {
    std::string user;                 // "" when anonymous; "!bad" when credentials were refused
    std::vector<std::string> scopes;  // as requested, split at spaces
    std::string service;
  };

  static Result<std::unique_ptr<TokenServer>> Start(const std::filesystem::path& dir,
                                                    Options options);
  ~TokenServer();

  std::string realm() const;  // http://127.0.0.1:PORT/token
  const std::string& issuer() const { return options_.issuer; }
  std::string cert_path() const { return cert_path_.string(); }
  std::string kid() const { return kid_; }

  // Limits what a user may be granted from now on (default: every requested action).
  void SetAllowedActions(const std::string& user, std::set<std::string> actions);
  std::vector<Seen> requests() const;
  int request_count() const;

 private:
  struct Keys;
  TokenServer(Options options, std::unique_ptr<Keys> keys, std::filesystem::path cert_path,
              std::string kid);
  http::Response Handle(const http::Server::IncomingRequest& request);
  Result<std::string> Sign(const std::string& signing_input) const;

  Options options_;
  std::unique_ptr<Keys> keys_;
  std::filesystem::path cert_path_;
  std::string kid_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::map<std::string, std::set<std::string>> allowed_;
  std::vector<Seen> seen_;
};

// libtrust's key id: sha256 of the DER SubjectPublicKeyInfo, first 30 bytes, base32 without
// padding, 12 groups of 4 characters joined by ':'.
std::string LibtrustKeyId(const std::string& spki_der);
std::string Base64Url(const std::string& bytes);

}  // namespace spaceport::support
