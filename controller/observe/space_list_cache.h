// SpaceListCache: each owner's Spaces read with one list request (GET /api/spaces?author=OWNER,
// 500 a page) instead of one info request per Space, so a fleet's steady state costs requests per
// owner, not per Space (docs/scaling.md).
//
// Find(space) answers from the owner's listing while it is younger than `max_age`; otherwise one
// caller lists again (the others wait and reuse that listing: single flight per owner). The entry
// carries sha, runtime and cardData, the same as an info request with those expands; the files
// are read only when the sha moved (observe/space_file_cache.h). A Space the listing does not name
// (missing, or created since) is nullopt: the caller asks the Space itself.
//
// Invalidate(space) makes its owner's next Find list again: after Spaceport wrote to the Space
// (its next pass must see the write) or a Hub webhook said it changed. A listing that was in
// flight when Invalidate came is not trusted either (it may predate the write).
//
//   observe::SpaceListCache lists(clock, std::chrono::minutes(1));
//   options.list_cache = &lists;                 // observe/hub_observer.h
//   lists.Invalidate("acme/tools");              // after a commit to acme/tools
//
// Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "clients/hub/hub_types.h"

namespace spaceport::observe {

class SpaceListCache {
 public:
  using Lister = std::function<Result<std::vector<hub::SpaceInfo>>(const std::string& owner)>;

  SpaceListCache(Clock& clock, Clock::Duration max_age) : clock_(clock), max_age_(max_age) {}

  // `younger_than` (when set and shorter) tightens max_age for this caller: a deployment with a
  // 2-second interval must not be answered from a minute-old listing.
  Result<std::optional<hub::SpaceInfo>> Find(const std::string& space_id, const Lister& list,
                                             std::optional<Clock::Duration> younger_than = std::nullopt);
  void Invalidate(const std::string& space_id);
  Clock::Duration max_age() const { return max_age_; }
  int64_t lists() const { return lists_; }

 private:
  struct Owner {
    std::mutex fetching;  // held while this owner is being listed
    bool valid = false;
    uint64_t generation = 0;  // bumped by Invalidate
    Clock::TimePoint read{};
    std::map<std::string, hub::SpaceInfo> spaces;  // by id
  };
  std::shared_ptr<Owner> OwnerOf(const std::string& owner);

  Clock& clock_;
  const Clock::Duration max_age_;
  std::mutex mu_;  // guards owners_ and every Owner's fields but `fetching`
  std::map<std::string, std::shared_ptr<Owner>> owners_;
  std::atomic<int64_t> lists_{0};
};

}  // namespace spaceport::observe
