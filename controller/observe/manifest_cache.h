// ManifestCache: what a manifest (and, for a wrapper, its config) says, by digest — so a
// controller that observes the same tags every pass asks the registry only "which digest is this
// tag now?" (a HEAD) and reads manifests and configs once per digest.
//
// Content at a digest never changes, so entries never go stale; the cache only forgets to stay
// bounded (everything is dropped when it holds `capacity` entries — cheap, and a full re-read
// costs one GET per tag). Keys include the platform a wrapper entry was read for, since the
// Observation names it.
//
//   ManifestCache cache;
//   ObserveRegistries(desired, registries, observation, &cache);   // observe/registry_observer.h
//
// Thread-safe: the controller's workers share one.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "observe/observation.h"

namespace spaceport::observe {

class ManifestCache {
 public:
  explicit ManifestCache(size_t capacity = 10000) : capacity_(capacity) {}

  // `key` is the digest, plus "|PLATFORM" for a wrapper's entry.
  std::optional<TagInfo> Find(const std::string& key) const;
  void Store(const std::string& key, const TagInfo& tag);
  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, TagInfo> entries_;
};

}  // namespace spaceport::observe
