#include "emulators/hub/identity.h"

#include <algorithm>
#include <cctype>

#include "emulators/hub/git_objects.h"
#include "emulators/hub/responses.h"

namespace spaceport::hub_emulator {

bool Principal::IsMember(std::string_view ns) const {
  return ns == user || std::find(orgs.begin(), orgs.end(), ns) != orgs.end();
}

bool Principal::CanWrite(std::string_view ns) const { return role != "read" && IsMember(ns); }

TokenDirectory::TokenDirectory(const std::vector<TokenGrant>& grants) {
  std::map<std::string, int> tokens_per_user;
  for (const TokenGrant& g : grants) {
    Principal p{g.user, g.orgs, g.role.empty() ? "write" : g.role, g.display_name};
    const int n = ++tokens_per_user[g.user];
    if (p.token_name.empty()) p.token_name = n == 1 ? g.user : g.user + "-" + std::to_string(n);
    tokens_.emplace_back(g.token, std::move(p));
  }
}

Caller TokenDirectory::Identify(const http::Headers& headers) const {
  const std::optional<std::string> header = headers.Get("Authorization");
  if (!header) return {};
  constexpr std::string_view kBearer = "bearer ";
  std::string lowered = header->substr(0, kBearer.size());
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  Caller caller;
  caller.invalid = true;
  if (lowered != kBearer) return caller;
  const std::string token = header->substr(kBearer.size());
  for (const auto& [known, principal] : tokens_) {
    if (known == token) return Caller{&principal, false};
  }
  return caller;
}

std::string ObjectIdFor(std::string_view seed) { return Sha1Hex(seed).substr(0, 24); }

Json WhoAmI(const Principal& principal) {
  Json orgs = Json::Array();
  for (const std::string& org : principal.orgs) {
    Json o = Json::Object();
    o.Set("type", Json("org"));
    o.Set("id", Json(ObjectIdFor("org:" + org)));
    o.Set("name", Json(org));
    o.Set("fullname", Json(org));
    o.Set("email", Json(nullptr));
    o.Set("canPay", Json(false));
    o.Set("avatarUrl", Json("/avatars/" + org + ".svg"));
    o.Set("periodEnd", Json(nullptr));
    orgs.Push(std::move(o));
  }
  Json token = Json::Object();
  token.Set("displayName", Json(principal.token_name));
  token.Set("role", Json(principal.role));
  token.Set("createdAt", Json("2026-01-01T00:00:00.000Z"));
  Json auth = Json::Object();
  auth.Set("type", Json("access_token"));
  auth.Set("accessToken", std::move(token));

  Json me = Json::Object();
  me.Set("type", Json("user"));
  me.Set("id", Json(ObjectIdFor("user:" + principal.user)));
  me.Set("name", Json(principal.user));
  me.Set("fullname", Json(principal.user));
  me.Set("email", Json(principal.user + "@example.com"));
  me.Set("emailVerified", Json(true));
  me.Set("canPay", Json(false));
  me.Set("isPro", Json(false));
  me.Set("periodEnd", Json(nullptr));
  me.Set("avatarUrl", Json("/avatars/" + principal.user + ".svg"));
  me.Set("billingMode", Json("postpaid"));
  me.Set("orgs", std::move(orgs));
  me.Set("auth", std::move(auth));
  return me;
}

http::Response InvalidCredentials() {
  return HubError(401, "", "Invalid credentials in Authorization header");
}

http::Response AuthenticationRequired() { return HubError(401, "", "Invalid username or password."); }

}  // namespace spaceport::hub_emulator
