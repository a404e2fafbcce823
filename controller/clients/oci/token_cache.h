// Bearer tokens cached per (registry, scope set), with expiry on the injected Clock.
//
// A token is kept for the lifetime the token endpoint granted (`expires_in`, or 60 s when absent,
// as GHCR omits it) and is handed out only until a refresh margin before it ends — a fifth of
// its lifetime, at most 30 s — so a request never leaves with a token about to expire on the way.
// The time of receipt on our clock is used, not the server's `issued_at`, so clock skew between
// the token server and us cannot make a token look fresh.
//
// Lookup prefers the entry for exactly the requested scope set, then any live entry whose set
// covers it (a publish asks once for src:pull + dst:pull,push; its later pull-only requests reuse
// that token instead of fetching a narrower one).
//
//   oci::TokenCache cache(clock);
//   cache.Put("ghcr.io", scopes, "eyJ…", std::nullopt);  // 60 s
//   if (auto t = cache.Get("ghcr.io", scopes)) use(*t);
//
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "base/clock.h"
#include "clients/oci/scope.h"

namespace spaceport::oci {

class TokenCache {
 public:
  static constexpr std::chrono::seconds kDefaultLifetime{60};
  static constexpr std::chrono::seconds kMaxRefreshMargin{30};

  explicit TokenCache(Clock& clock) : clock_(clock) {}

  std::optional<std::string> Get(const std::string& registry, const ScopeSet& scopes) const;
  // expires_in: the endpoint's value; nullopt or non-positive means kDefaultLifetime.
  void Put(const std::string& registry, const ScopeSet& scopes, std::string token,
           std::optional<std::chrono::seconds> expires_in);
  // Drops the entry holding this token (it was refused with a 401).
  void Invalidate(const std::string& registry, const std::string& token);
  size_t size() const;

 private:
  struct Entry {
    ScopeSet scopes;
    std::string token;
    Clock::TimePoint use_until;
  };
  Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;  // (registry, scope key)
};

}  // namespace spaceport::oci
