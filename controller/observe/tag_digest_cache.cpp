#include "observe/tag_digest_cache.h"

#include <algorithm>

namespace spaceport::observe {

Result<oci::Descriptor> TagDigestCache::Resolve(const std::string& repository, const std::string& tag,
                                                const Head& head, std::optional<Clock::Duration> younger_than) {
  const Clock::Duration max_age = younger_than ? std::min(*younger_than, max_age_) : max_age_;
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Repository& r = repositories_[repository];
    generation = r.generation;
    auto it = r.tags.find(tag);
    if (it != r.tags.end() && clock_.Now() - it->second.read < max_age) {
      ++hits_;
      return it->second.descriptor;
    }
    ++misses_;
  }
  // Asked outside the lock: a slow registry must not hold up the other images' passes.
  const Clock::TimePoint asked = clock_.Now();
  Result<oci::Descriptor> answer = head();
  if (!answer.ok() || max_age.count() <= 0) return answer;
  std::lock_guard<std::mutex> lock(mu_);
  Repository& r = repositories_[repository];
  if (r.generation != generation) return answer;  // invalidated while asking: may predate a push
  if (size_ >= capacity_ && !r.tags.count(tag)) {
    for (auto& [name, other] : repositories_) other.tags.clear();
    size_ = 0;
  }
  auto [it, added] = r.tags.insert_or_assign(tag, Entry{*answer, asked});
  if (added) ++size_;
  return answer;
}

void TagDigestCache::InvalidateRepository(const std::string& repository) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = repositories_.find(repository);
  if (it == repositories_.end()) return;
  ++it->second.generation;
  size_ -= it->second.tags.size();
  it->second.tags.clear();
}

int64_t TagDigestCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

int64_t TagDigestCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

}  // namespace spaceport::observe
