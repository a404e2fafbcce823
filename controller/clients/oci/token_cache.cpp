#include "clients/oci/token_cache.h"

#include <algorithm>

namespace spaceport::oci {

std::optional<std::string> TokenCache::Get(const std::string& registry,
                                           const ScopeSet& scopes) const {
  std::lock_guard<std::mutex> lock(mu_);
  Clock::TimePoint now = clock_.Now();
  auto exact = entries_.find({registry, scopes.Key()});
  if (exact != entries_.end() && now < exact->second.use_until) return exact->second.token;
  for (const auto& [key, entry] : entries_) {
    if (key.first == registry && now < entry.use_until && entry.scopes.Covers(scopes))
      return entry.token;
  }
  return std::nullopt;
}

void TokenCache::Put(const std::string& registry, const ScopeSet& scopes, std::string token,
                     std::optional<std::chrono::seconds> expires_in) {
  std::chrono::seconds lifetime =
      expires_in && expires_in->count() > 0 ? *expires_in : kDefaultLifetime;
  auto margin = std::min<Clock::Duration>(std::chrono::duration_cast<Clock::Duration>(lifetime) / 5,
                                          kMaxRefreshMargin);
  std::lock_guard<std::mutex> lock(mu_);
  Clock::TimePoint now = clock_.Now();
  // Expired entries go when a new one arrives, so the map stays as small as the live scope sets.
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now >= it->second.use_until ? entries_.erase(it) : std::next(it);
  }
  entries_[{registry, scopes.Key()}] = Entry{scopes, std::move(token), now + lifetime - margin};
}

void TokenCache::Invalidate(const std::string& registry, const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->first.first == registry && it->second.token == token ? entries_.erase(it)
                                                                  : std::next(it);
  }
}

size_t TokenCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace spaceport::oci
