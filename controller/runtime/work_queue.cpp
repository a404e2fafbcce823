#include "runtime/work_queue.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <utility>
#include <vector>

namespace spaceport::runtime {
namespace {

using Duration = Clock::Duration;

// Get() re-reads the clock at least this often, so a FakeClock advanced by a test (or a system
// clock step) is noticed without anyone calling Add.
constexpr std::chrono::milliseconds kMaxWait{200};

// min(initial·2^failures, max), without overflowing however many failures were counted.
Duration Backoff(const BackoffOptions& options, int failures) {
  if (options.initial <= Duration::zero()) return Duration::zero();
  Duration delay = options.initial;
  for (int i = 0; i < failures && delay < options.max; ++i) {
    delay = delay > options.max / 2 ? options.max : delay * 2;
  }
  return std::min(delay, options.max);
}

std::function<double()> DefaultRandom() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

// Records `at` for `key` unless an earlier-or-equal time is already there; keeps the higher
// priority either way. True when something changed.

}  // namespace

WorkQueue::WorkQueue(Clock& clock, WorkQueueOptions options)
    : clock_(clock), options_(std::move(options)) {
  if (!options_.random) options_.random = DefaultRandom();  // called under mu_ only
}

// Every add goes through here. A key is in at most one of ready_ and delayed_; while it is
// processing it is in neither, unless a later time was asked for (delayed_: promoted to dirty_
// when due) or it is dirty_ (ready again on Done).
void WorkQueue::ScheduleLocked(const std::string& key, Clock::TimePoint at, Priority priority) {
  const Clock::TimePoint now = clock_.Now();
  const bool due = at <= now;
  // Delayed keys whose time has come were ready before this one: they go first (FIFO).
  if (due) PromoteReadyLocked();
  bool scheduled = false;
  if (processing_.contains(key)) {
    if (auto dirty = dirty_.find(key); dirty != dirty_.end()) {
      if (priority <= dirty->second) return;
      dirty->second = priority;
      scheduled = true;
    } else if (due) {
      Priority p = priority;
      if (auto d = delayed_.find(key); d != delayed_.end()) p = std::max(p, d->second.priority);
      dirty_[key] = p;
      EraseDelayedLocked(key);
      scheduled = true;
    } else {
      scheduled = KeepEarliestLocked(key, at, priority);
    }
  } else if (auto ready = ready_index_.find(key); ready != ready_index_.end()) {
    // Ready now beats any later time; a higher priority moves it forward.
    if (priority <= ready->second.second) return;
    const Clock::TimePoint ready_at = std::get<0>(ready->second.first) + Boost(ready->second.second);
    ready_.erase(ready->second.first);
    ready_index_.erase(ready);
    MakeReadyLocked(key, ready_at, priority);
    scheduled = true;
  } else if (due) {
    Priority p = priority;
    if (auto d = delayed_.find(key); d != delayed_.end()) p = std::max(p, d->second.priority);
    EraseDelayedLocked(key);
    MakeReadyLocked(key, std::min(at, now), p);
    scheduled = true;
  } else {
    scheduled = KeepEarliestLocked(key, at, priority);
  }
  if (!scheduled) return;
  ++adds_total_;
  // Wake every waiter: one takes a ready key; for a new delayed time, all recompute their wait.
  cv_.notify_all();
}

Clock::Duration WorkQueue::Boost(Priority priority) const {
  return options_.priority_step * static_cast<int>(priority);
}

void WorkQueue::MakeReadyLocked(const std::string& key, Clock::TimePoint at, Priority priority) {
  Rank rank{at - Boost(priority), arrivals_++, key};
  ready_.insert(rank);
  ready_index_[key] = {std::move(rank), priority};
}

// A delayed key's ready time changes: the time index follows.
bool WorkQueue::KeepEarliestLocked(const std::string& key, Clock::TimePoint at, Priority priority) {
  auto [it, inserted] = delayed_.try_emplace(key, Pending{at, priority});
  if (inserted) {
    due_order_.emplace(at, key);
    return true;
  }
  bool changed = false;
  if (priority > it->second.priority) {
    it->second.priority = priority;
    changed = true;
  }
  if (at < it->second.at) {
    due_order_.erase({it->second.at, key});
    it->second.at = at;
    due_order_.emplace(at, key);
    changed = true;
  }
  return changed;
}

void WorkQueue::EraseDelayedLocked(const std::string& key) {
  auto it = delayed_.find(key);
  if (it == delayed_.end()) return;
  due_order_.erase({it->second.at, key});
  delayed_.erase(it);
}

// Only the keys that are due are visited (due_order_ is by ready time): a queue holding 10,000
// deployments costs the same per Get as one holding ten.
void WorkQueue::PromoteReadyLocked() {
  const Clock::TimePoint now = clock_.Now();
  std::vector<std::tuple<Clock::TimePoint, std::string, Priority>> due;
  for (auto it = due_order_.begin(); it != due_order_.end() && it->first <= now; ++it)
    due.emplace_back(it->first, it->second, delayed_.at(it->second).priority);  // by time, ties by key
  for (const auto& [at, key, priority] : due) {
    EraseDelayedLocked(key);
    if (processing_.contains(key)) {
      // Its time came while a worker holds it: ready again on Done.
      Priority& p = dirty_.try_emplace(key, priority).first->second;
      p = std::max(p, priority);
    } else if (!ready_index_.contains(key)) {
      MakeReadyLocked(key, at, priority);
    }
  }
}

void WorkQueue::Add(const std::string& key, Priority priority) {
  std::lock_guard<std::mutex> lock(mu_);
  ScheduleLocked(key, clock_.Now(), priority);
}

void WorkQueue::AddAfter(const std::string& key, Clock::Duration delay, Priority priority) {
  std::lock_guard<std::mutex> lock(mu_);
  ScheduleLocked(key, clock_.Now() + std::max(delay, Duration::zero()), priority);
}

Clock::Duration WorkQueue::AddAfterInterval(const std::string& key, Clock::Duration interval,
                                            Priority priority) {
  std::lock_guard<std::mutex> lock(mu_);
  const double random = std::clamp(options_.random(), 0.0, 1.0);
  const double factor = 1.0 - options_.jitter + 2.0 * options_.jitter * random;
  const Duration delay{
      std::llround(static_cast<double>(interval.count()) * std::max(factor, 0.0))};
  ScheduleLocked(key, clock_.Now() + delay, priority);
  return delay;
}

Clock::Duration WorkQueue::AddRateLimited(const std::string& key, Priority priority) {
  std::lock_guard<std::mutex> lock(mu_);
  int& failures = failures_[key];
  const Duration delay = Backoff(options_.backoff, failures);
  if (failures < std::numeric_limits<int>::max()) ++failures;
  ++retries_total_;
  ScheduleLocked(key, clock_.Now() + delay, priority);
  return delay;
}

void WorkQueue::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

int WorkQueue::Failures(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

// The failure count goes too: a deployment that comes back later starts without backoff.
void WorkQueue::Remove(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto ready = ready_index_.find(key); ready != ready_index_.end()) {
    ready_.erase(ready->second.first);
    ready_index_.erase(ready);
  }
  EraseDelayedLocked(key);
  dirty_.erase(key);
  failures_.erase(key);
}

std::string WorkQueue::TakeReadyLocked() {
  std::string key = std::get<2>(*ready_.begin());
  ready_.erase(ready_.begin());
  ready_index_.erase(key);
  processing_[key] = clock_.Steady();
  return key;
}

std::optional<std::string> WorkQueue::TryGet() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutdown_) return std::nullopt;
  PromoteReadyLocked();
  if (ready_.empty()) return std::nullopt;
  return TakeReadyLocked();
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (shutdown_) return std::nullopt;
    PromoteReadyLocked();
    if (!ready_.empty()) return TakeReadyLocked();
    std::chrono::milliseconds wait = kMaxWait;
    if (auto next = NextReadyAtLocked()) {
      const auto until = std::chrono::ceil<std::chrono::milliseconds>(*next - clock_.Now());
      wait = std::clamp(until, std::chrono::milliseconds(1), kMaxWait);
    }
    cv_.wait_for(lock, wait);
  }
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  processing_.erase(key);
  auto dirty = dirty_.find(key);
  if (dirty == dirty_.end()) return;
  const Priority priority = dirty->second;
  dirty_.erase(dirty);
  if (!ready_index_.contains(key)) {
    MakeReadyLocked(key, clock_.Now(), priority);
    cv_.notify_all();
  }
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutdown_ = true;
  cv_.notify_all();
}

bool WorkQueue::shutting_down() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutdown_;
}

std::optional<Clock::TimePoint> WorkQueue::NextReadyAt() const {
  std::lock_guard<std::mutex> lock(mu_);
  return NextReadyAtLocked();
}

std::optional<Clock::TimePoint> WorkQueue::NextReadyAtLocked() const {
  if (due_order_.empty()) return std::nullopt;
  return due_order_.begin()->first;
}

WorkQueueStats WorkQueue::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  WorkQueueStats s;
  s.depth = static_cast<int64_t>(ready_.size());
  s.waiting = static_cast<int64_t>(delayed_.size());
  s.processing = static_cast<int64_t>(processing_.size());
  s.adds_total = adds_total_;
  s.retries_total = retries_total_;
  const auto now = clock_.Steady();
  for (const auto& [key, since] : processing_) {
    s.longest_running_seconds =
        std::max(s.longest_running_seconds, std::chrono::duration<double>(now - since).count());
  }
  return s;
}

}  // namespace spaceport::runtime
