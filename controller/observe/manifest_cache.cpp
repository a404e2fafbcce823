#include "observe/manifest_cache.h"

namespace spaceport::observe {

std::optional<TagInfo> ManifestCache::Find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void ManifestCache::Store(const std::string& key, const TagInfo& tag) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= capacity_ && !entries_.count(key)) entries_.clear();
  entries_[key] = tag;
}

size_t ManifestCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace spaceport::observe
