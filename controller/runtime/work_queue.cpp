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

// Records `at` for `key` unless an earlier-or-equal time is already there. True when it changed.
bool KeepEarliest(std::map<std::string, Clock::TimePoint>& delayed, const std::string& key,
                  Clock::TimePoint at) {
  auto [it, inserted] = delayed.try_emplace(key, at);
  if (inserted) return true;
  if (at >= it->second) return false;
  it->second = at;
  return true;
}

}  // namespace

WorkQueue::WorkQueue(Clock& clock, WorkQueueOptions options)
    : clock_(clock), options_(std::move(options)) {
  if (!options_.random) options_.random = DefaultRandom();  // called under mu_ only
}

// Every add goes through here. A key is in at most one of ready_ and delayed_; while it is
// processing it is in neither, unless a later time was asked for (delayed_: promoted to dirty_
// when due) or it is dirty_ (ready again on Done).
void WorkQueue::ScheduleLocked(const std::string& key, Clock::TimePoint at) {
  const bool due = at <= clock_.Now();
  // Delayed keys whose time has come were ready before this one: they go first (FIFO).
  if (due) PromoteReadyLocked();
  bool scheduled = false;
  if (processing_.contains(key)) {
    if (dirty_.contains(key)) return;
    if (due) {
      dirty_.insert(key);
      delayed_.erase(key);
      scheduled = true;
    } else {
      scheduled = KeepEarliest(delayed_, key, at);
    }
  } else if (ready_set_.contains(key)) {
    return;  // ready now beats any later time
  } else if (due) {
    delayed_.erase(key);
    ready_.push_back(key);
    ready_set_.insert(key);
    scheduled = true;
  } else {
    scheduled = KeepEarliest(delayed_, key, at);
  }
  if (!scheduled) return;
  ++adds_total_;
  // Wake every waiter: one takes a ready key; for a new delayed time, all recompute their wait.
  cv_.notify_all();
}

void WorkQueue::PromoteReadyLocked() {
  const Clock::TimePoint now = clock_.Now();
  std::vector<std::pair<Clock::TimePoint, std::string>> due;
  for (const auto& [key, at] : delayed_) {
    if (at <= now) due.emplace_back(at, key);
  }
  std::sort(due.begin(), due.end());  // in order of ready time, ties by key
  for (const auto& [at, key] : due) {
    delayed_.erase(key);
    if (processing_.contains(key)) {
      dirty_.insert(key);  // its time came while a worker holds it: ready again on Done
    } else if (ready_set_.insert(key).second) {
      ready_.push_back(key);
    }
  }
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  ScheduleLocked(key, clock_.Now());
}

void WorkQueue::AddAfter(const std::string& key, Clock::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  ScheduleLocked(key, clock_.Now() + std::max(delay, Duration::zero()));
}

Clock::Duration WorkQueue::AddAfterInterval(const std::string& key, Clock::Duration interval) {
  std::lock_guard<std::mutex> lock(mu_);
  const double random = std::clamp(options_.random(), 0.0, 1.0);
  const double factor = 1.0 - options_.jitter + 2.0 * options_.jitter * random;
  const Duration delay{
      std::llround(static_cast<double>(interval.count()) * std::max(factor, 0.0))};
  ScheduleLocked(key, clock_.Now() + delay);
  return delay;
}

Clock::Duration WorkQueue::AddRateLimited(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  int& failures = failures_[key];
  const Duration delay = Backoff(options_.backoff, failures);
  if (failures < std::numeric_limits<int>::max()) ++failures;
  ++retries_total_;
  ScheduleLocked(key, clock_.Now() + delay);
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
  if (ready_set_.erase(key) > 0) ready_.erase(std::find(ready_.begin(), ready_.end(), key));
  delayed_.erase(key);
  dirty_.erase(key);
  failures_.erase(key);
}

std::string WorkQueue::TakeReadyLocked() {
  std::string key = std::move(ready_.front());
  ready_.pop_front();
  ready_set_.erase(key);
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
  if (dirty_.erase(key) > 0 && ready_set_.insert(key).second) {
    ready_.push_back(key);
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

// Linear in the delayed keys: a controller holds hundreds of deployments, not millions.
std::optional<Clock::TimePoint> WorkQueue::NextReadyAtLocked() const {
  std::optional<Clock::TimePoint> next;
  for (const auto& [key, at] : delayed_) {
    if (!next || at < *next) next = at;
  }
  return next;
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
