#include "observe/space_settings_cache.h"

namespace spaceport::observe {

std::optional<SpaceSettings> SpaceSettingsCache::Reuse(const std::string& space) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(space);
  if (it == entries_.end() || clock_.Now() - it->second.read >= max_age_) return std::nullopt;
  return it->second.settings;
}

void SpaceSettingsCache::Store(const std::string& space, SpaceSettings settings) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[space] = Entry{std::move(settings), clock_.Now()};
}

void SpaceSettingsCache::Invalidate(const std::string& space) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(space);
}

}  // namespace spaceport::observe
