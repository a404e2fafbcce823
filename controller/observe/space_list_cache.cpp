#include "observe/space_list_cache.h"

namespace spaceport::observe {
namespace {

std::string OwnerName(const std::string& space_id) { return space_id.substr(0, space_id.find('/')); }

}  // namespace

std::shared_ptr<SpaceListCache::Owner> SpaceListCache::OwnerOf(const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<Owner>& o = owners_[owner];
  if (!o) o = std::make_shared<Owner>();
  return o;
}

Result<std::optional<hub::SpaceInfo>> SpaceListCache::Find(const std::string& space_id, const Lister& list,
                                                           std::optional<Clock::Duration> younger_than) {
  const std::string owner_name = OwnerName(space_id);
  std::shared_ptr<Owner> owner = OwnerOf(owner_name);
  const Clock::Duration max_age = younger_than && *younger_than < max_age_ ? *younger_than : max_age_;
  auto fresh = [&] { return owner->valid && clock_.Now() - owner->read < max_age; };
  auto answer = [&]() -> std::optional<hub::SpaceInfo> {
    auto it = owner->spaces.find(space_id);
    if (it == owner->spaces.end()) return std::nullopt;
    return it->second;
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (fresh()) return answer();
  }
  std::lock_guard<std::mutex> fetching(owner->fetching);  // single flight
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (fresh()) return answer();  // listed by another caller while this one waited
    generation = owner->generation;
  }
  const Clock::TimePoint started = clock_.Now();
  Result<std::vector<hub::SpaceInfo>> listed = list(owner_name);
  ++lists_;
  if (!listed.ok()) return listed.status();
  std::lock_guard<std::mutex> lock(mu_);
  owner->spaces.clear();
  for (hub::SpaceInfo& info : *listed) {
    std::string id = info.id;
    owner->spaces.emplace(std::move(id), std::move(info));
  }
  owner->read = started;
  // An Invalidate while listing: the listing may predate a write; list again next time, and let
  // this caller read the Space itself.
  owner->valid = owner->generation == generation;
  if (!owner->valid) return std::optional<hub::SpaceInfo>();
  return answer();
}

void SpaceListCache::Invalidate(const std::string& space_id) {
  std::shared_ptr<Owner> owner = OwnerOf(OwnerName(space_id));
  std::lock_guard<std::mutex> lock(mu_);
  owner->valid = false;
  ++owner->generation;
}

}  // namespace spaceport::observe
