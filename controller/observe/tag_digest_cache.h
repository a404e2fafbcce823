// TagDigestCache: which digest a registry tag named a moment ago, shared by every deployment of
// one image, so a fleet of N Spaces on ghcr.io/acme/app:v1 asks the registry "which digest is v1
// now?" once per max_age instead of N times per interval (docs/scaling.md). With ManifestCache
// (content by digest) a steady fleet then costs the registry requests per image, not per Space.
//
// Only tags that exist are kept. An absent tag (an image not built yet, a wrapper not published
// yet) is asked for every time, so nothing Spaceport pushes can hide behind a stale "absent".
// A tag moved outside Spaceport is seen once its entry is older than max_age (a caller may ask
// for younger: a deployment with a 2-second interval is not answered from a 30-second-old
// entry), or at once after InvalidateRepository: the controller calls it on a package webhook
// and after its own builds and wrapper publishes, so the next pass reads what it pushed. A HEAD
// that was in flight when InvalidateRepository came is answered to its caller but not kept (it
// may predate the push).
//
//   observe::TagDigestCache tags(clock, std::chrono::seconds(30));
//   auto digest = tags.Resolve("ghcr.io/acme/app", "v1", [&] { return client.HeadManifest("acme/app", "v1"); });
//   tags.InvalidateRepository("ghcr.io/acme/app");   // after our push, on a package webhook
//
// Thread-safe. Bounded: everything is forgotten when it holds `capacity` tags (one HEAD each).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "clients/oci/manifest.h"

namespace spaceport::observe {

class TagDigestCache {
 public:
  using Head = std::function<Result<oci::Descriptor>()>;

  TagDigestCache(Clock& clock, Clock::Duration max_age, size_t capacity = 20000)
      : clock_(clock), max_age_(max_age), capacity_(capacity) {}

  // The descriptor `repository:tag` names: from an entry younger than max_age (and than
  // `younger_than` when set and shorter), else `head()`'s answer, kept when it is a found tag.
  Result<oci::Descriptor> Resolve(const std::string& repository, const std::string& tag, const Head& head,
                                  std::optional<Clock::Duration> younger_than = std::nullopt);
  // `repository` is the full name (registry host included), as a SpaceDeployment's image names it.
  void InvalidateRepository(const std::string& repository);

  Clock::Duration max_age() const { return max_age_; }
  int64_t hits() const;
  int64_t misses() const;

 private:
  struct Entry {
    oci::Descriptor descriptor;
    Clock::TimePoint read{};
  };
  struct Repository {
    uint64_t generation = 0;  // bumped by InvalidateRepository
    std::map<std::string, Entry> tags;
  };

  Clock& clock_;
  const Clock::Duration max_age_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, Repository> repositories_;
  size_t size_ = 0;  // tags held across repositories
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

}  // namespace spaceport::observe
