// WorkQueue: the controller's queue of SpaceDeployment keys ("namespace/name"), in the manner of
// client-go's rate-limited delaying work queue.
//
// Rules (issue 6):
//  - Dedupe: a key waiting in the queue is held once; adding it again changes nothing (a delayed
//    add moves its ready time earlier, never later).
//  - Never two workers on one key: Get() hands a key to one worker; until that worker calls
//    Done(key), the key is not handed out again. An Add while it is processing marks it dirty, and
//    Done() puts it back (ready at once).
//  - Backoff per key: AddRateLimited(key) requeues after initial·2^failures (750 ms doubling,
//    capped at 15 min by default); Forget(key) resets the count after a success.
//  - Requeue after an interval with jitter: AddAfterInterval(key, interval) picks a delay uniformly
//    in interval·[1-jitter, 1+jitter] (5% by default), from an injected random source.
//  - Order: ready keys are handed out by priority, then in the order they became ready (FIFO
//    within a priority), so every deployment gets its turn (fairness). Each add names a Priority
//    (default kRoutine): kUrgent (a desired-state change, a webhook, a manual trigger) before
//    kAttention (a deployment in error, drift or on its way) before kRoutine (a resync, oldest
//    first). A priority is a head start, not a bypass: a key ranks as if it had become ready
//    `priority_step` (urgent: twice that) earlier, so a routine key that has waited longer than
//    that goes before a newer urgent one — none starves, however many urgent keys arrive (the
//    order only matters when the workers are behind, e.g. waiting on the Hub's budget).
//
// Time comes from the injected Clock. Tests use a FakeClock and TryGet(), which never blocks;
// production workers call Get(), which blocks until a key is ready or the queue is shut down.
//
//   WorkQueue queue(RealClock::Instance(), {});
//   queue.Add("default/tools");
//   while (auto key = queue.Get()) {          // nullopt after ShutDown()
//     Status s = Reconcile(*key);
//     if (s.ok()) { queue.Forget(*key); queue.AddAfterInterval(*key, interval); }
//     else queue.AddRateLimited(*key);
//     queue.Done(*key);
//   }
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "base/clock.h"

namespace spaceport::runtime {

struct BackoffOptions {
  Clock::Duration initial{750};
  Clock::Duration max = std::chrono::minutes(15);
};

// Ordered: a key scheduled twice keeps the higher priority.
enum class Priority { kRoutine = 0, kAttention = 1, kUrgent = 2 };

struct WorkQueueOptions {
  BackoffOptions backoff;
  // The head start of each priority over the next (see Order above).
  Clock::Duration priority_step = std::chrono::minutes(10);
  double jitter = 0.05;  // AddAfterInterval spreads requeues over ±5% of the interval
  // Uniform random number in [0, 1); default: a seeded std::mt19937_64. Tests pin it.
  std::function<double()> random;
};

struct WorkQueueStats {
  int64_t depth = 0;          // keys ready now, waiting for a worker (workqueue_depth)
  int64_t waiting = 0;        // keys scheduled for later (delayed)
  int64_t processing = 0;     // keys handed to a worker and not Done yet
  int64_t adds_total = 0;     // Add/AddAfter*/AddRateLimited calls that scheduled something
  int64_t retries_total = 0;  // AddRateLimited calls (workqueue_retries_total)
  // Longest time a key currently processing has been held (workqueue_longest_running_processor_seconds).
  double longest_running_seconds = 0;
};

class WorkQueue {
 public:
  WorkQueue(Clock& clock, WorkQueueOptions options);
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Add(const std::string& key, Priority priority = Priority::kRoutine);  // ready now
  void AddAfter(const std::string& key, Clock::Duration delay, Priority priority = Priority::kRoutine);
  // Ready after `interval` ± jitter; returns the delay chosen.
  Clock::Duration AddAfterInterval(const std::string& key, Clock::Duration interval,
                                   Priority priority = Priority::kRoutine);
  // Ready after this key's backoff; counts a failure and a retry. Returns the delay chosen.
  Clock::Duration AddRateLimited(const std::string& key, Priority priority = Priority::kAttention);
  void Forget(const std::string& key);  // resets the key's failure count
  int Failures(const std::string& key) const;
  // Removes a key that is waiting (a deployment deleted from the source). A key being processed
  // is not re-added by Done().
  void Remove(const std::string& key);

  // The next ready key, or nullopt when none is ready at Clock::Now(). Never blocks.
  std::optional<std::string> TryGet();
  // Blocks until a key is ready, or returns nullopt once ShutDown() was called. Waits in real
  // time (condition variable), re-reading the clock at least every 200 ms.
  std::optional<std::string> Get();
  void Done(const std::string& key);

  // Get() returns nullopt from now on (also to blocked callers); keys processing may still Done().
  void ShutDown();
  bool shutting_down() const;

  // When the earliest delayed key becomes ready; nullopt when nothing is delayed.
  std::optional<Clock::TimePoint> NextReadyAt() const;
  WorkQueueStats stats() const;

  struct Pending {  // a delayed key: when it is due, and at what priority
    Clock::TimePoint at{};
    Priority priority = Priority::kRoutine;
  };

 private:
  // Implementation state lives in work_queue.cpp's helpers; members below are the whole of it.
  // ready_'s order: rank (ready time minus the priority's head start), then arrival, then key.
  using Rank = std::tuple<Clock::TimePoint, uint64_t, std::string>;
  void ScheduleLocked(const std::string& key, Clock::TimePoint at, Priority priority);
  Clock::Duration Boost(Priority priority) const;
  void MakeReadyLocked(const std::string& key, Clock::TimePoint at, Priority priority);
  void PromoteReadyLocked();
  bool KeepEarliestLocked(const std::string& key, Clock::TimePoint at, Priority priority);
  void EraseDelayedLocked(const std::string& key);
  std::string TakeReadyLocked();  // pops ready_'s front and marks it processing
  std::optional<Clock::TimePoint> NextReadyAtLocked() const;

  Clock& clock_;
  WorkQueueOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<Rank> ready_;                               // keys ready now, in hand-out order
  std::map<std::string, std::pair<Rank, Priority>> ready_index_;  // key → its place in ready_
  uint64_t arrivals_ = 0;
  std::map<std::string, Pending> delayed_;             // key → ready time and priority
  std::set<std::pair<Clock::TimePoint, std::string>> due_order_;  // delayed_ by ready time
  std::map<std::string, std::chrono::steady_clock::time_point> processing_;
  std::map<std::string, Priority> dirty_;              // added while processing
  std::map<std::string, int> failures_;
  int64_t adds_total_ = 0;
  int64_t retries_total_ = 0;
  bool shutdown_ = false;
};

}  // namespace spaceport::runtime
