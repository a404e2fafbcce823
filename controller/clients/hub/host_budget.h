// HostBudget: the request budget of one API host, shared by every caller of that host.
//
// The Hub counts requests per fixed 5-minute window (1,000 for a free account) and answers
// 429 beyond that; design.md §4 asks that a 429 pause that host, not the process, and that we
// never hammer. One HostBudget per host, shared (std::shared_ptr) by every HubClient and worker
// thread that talks to it, does both:
//
//  (a) Acquire() counts each request in a fixed window (aligned to multiples of `window` since
//      the epoch, as the Hub and its emulator count) and, when the window's budget is used up,
//      makes the caller wait for the next window — or fail at once with kResourceExhausted when
//      `when_exhausted` is kFailFast, or when the wait would exceed `max_wait`;
//  (b) Observe() reads every response: a 429 (or a RateLimit header saying nothing remains)
//      blocks all callers until its Retry-After / reset has passed (default_pause when the Hub
//      gave no hint). Acquire() then waits or fails as in (a);
//  (c) Observe() also takes the Hub's own count of the window (RateLimit r with
//      RateLimit-Policy q: q - r used) when it is higher than ours, plus the requests still on
//      their way. Our count alone misses what the Hub counts but we did not send in this window:
//      requests admitted just before a boundary that arrive after it, and requests of a previous
//      process (a restarted controller) or of another client with the same token. An answer
//      about another window (its reset is not our window's end) is not taken.
//
// Time is the injected Clock: waits are Clock::SleepFor, so on a FakeClock they advance time at
// once and tests pin exact instants. Thread-safe; waiting happens outside the lock. It is an
// http::RateLimiter, so BudgetedTransport is http::RateLimitedTransport over it.
//
//   auto budget = std::make_shared<hub::HostBudget>(clock, hub::HostBudgetOptions{});
//   if (Status s = budget->Acquire("GET runtime"); !s.ok()) return s;   // RateLimited
//   auto response = transport.Send(request);
//   if (response.ok()) budget->Observe(*response);
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "http/http.h"
#include "http/rate_limited_transport.h"

namespace spaceport::hub {

struct HostBudgetOptions {
  enum class WhenExhausted { kWait, kFailFast };

  int64_t requests_per_window = 1000;
  std::chrono::seconds window{300};
  WhenExhausted when_exhausted = WhenExhausted::kWait;
  // A caller never waits longer than this in one Acquire; beyond it, kResourceExhausted (so a
  // commit quota's hour-long Retry-After does not hold a worker thread for an hour).
  Clock::Duration max_wait = std::chrono::minutes(5);
  // The pause after a 429 that carries neither Retry-After nor RateLimit.
  Clock::Duration default_pause = std::chrono::seconds(30);
};

struct HostBudgetStats {
  int64_t total = 0;             // requests admitted since construction
  int64_t in_window = 0;         // counted in the current window (admitted, or the Hub's count)
  int64_t max_in_window = 0;     // the most counted in any one window
  int64_t in_flight = 0;         // admitted, neither observed nor Unanswered yet
  int64_t rate_limited = 0;      // 429 responses observed
  int64_t waits = 0;             // Acquire calls that had to wait
  int64_t refusals = 0;          // Acquire calls that failed with kResourceExhausted
  Clock::TimePoint window_start{};
  std::optional<Clock::TimePoint> paused_until;  // set while a 429 pause is in force
};

class HostBudget final : public http::RateLimiter {
 public:
  HostBudget(Clock& clock, HostBudgetOptions options = {});
  HostBudget(const HostBudget&) = delete;
  HostBudget& operator=(const HostBudget&) = delete;

  // Admits one request (counting it), waiting if the window is used up or the host is paused.
  // kResourceExhausted, naming `what` and when the host is available again, when it may not wait.
  Status Acquire(std::string_view what) override;

  // Reads a response for rate-limit signals (see above); true for a 429.
  bool Observe(const http::Response& response) override;
  // An admitted request that got no answer: no longer on its way.
  void Unanswered() override;

  // Blocks every caller until `until` (extends, never shortens, a pause in force).
  void PauseUntil(Clock::TimePoint until);

  // How long the current 429 pause still lasts; nullopt when none is in force.
  std::optional<Clock::Duration> PauseRemaining() const override;

  HostBudgetStats stats() const;
  const HostBudgetOptions& options() const { return options_; }

 private:
  Clock::TimePoint WindowStartFor(Clock::TimePoint t) const;
  void RollWindowLocked(Clock::TimePoint now);
  void TakeHubCountLocked(const http::Response& response, Clock::TimePoint now);

  Clock& clock_;
  const HostBudgetOptions options_;
  mutable std::mutex mu_;
  HostBudgetStats stats_;
};

}  // namespace spaceport::hub
