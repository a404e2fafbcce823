// Who is calling: the Authorization header mapped to a Principal through the configured tokens,
// the whoami-v2 document for it, and the access rules the Hub applies to namespaces.
//
// A missing header is anonymous (public reads work); a header with an unknown token is invalid
// and every endpoint answers 401 "Invalid credentials in Authorization header", as the Hub does.
//
//   TokenDirectory tokens(options.tokens);
//   Caller c = tokens.Identify(request.headers);
//   if (c.invalid) return InvalidCredentials();
//   if (c.principal && c.principal->CanWrite("acme")) ...
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "emulators/hub/options.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

struct Principal {
  std::string user;
  std::vector<std::string> orgs;
  std::string role;
  std::string token_name;

  // The user's own namespace or one of their orgs.
  bool IsMember(std::string_view ns) const;
  // Member, with a token whose role allows writes.
  bool CanWrite(std::string_view ns) const;
};

struct Caller {
  const Principal* principal = nullptr;  // null: anonymous or invalid
  bool invalid = false;                  // an Authorization header that names no known token
  // Budget key: the token's name, or "anonymous".
  std::string BudgetKey() const { return principal ? principal->token_name : "anonymous"; }
};

class TokenDirectory {
 public:
  explicit TokenDirectory(const std::vector<TokenGrant>& grants);
  Caller Identify(const http::Headers& headers) const;

 private:
  std::vector<std::pair<std::string, Principal>> tokens_;
};

// GET /api/whoami-v2 body for a principal; ids are stable hashes of the names.
Json WhoAmI(const Principal& principal);
// A 24-hex object id (MongoDB style, as the Hub's `_id`), stable for the same seed.
std::string ObjectIdFor(std::string_view seed);

http::Response InvalidCredentials();
// 401 for endpoints that need a token when none was sent.
http::Response AuthenticationRequired();

}  // namespace spaceport::hub_emulator
