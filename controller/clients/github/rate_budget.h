// RateBudget: GitHub's rate limits for one API host and token, shared by every caller.
//
// GitHub does not count in fixed windows the way the Hub does (hub::HostBudget); it tells each
// caller how much is left: every response carries x-ratelimit-remaining and x-ratelimit-reset
// (epoch seconds). Secondary limits come as 403 or 429, with Retry-After, or with
// x-ratelimit-remaining: 0, or only with "secondary rate limit" in the message. GitHub's advice,
// followed here: wait Retry-After when given; else, when nothing remains, until the reset;
// else at least a minute. hub::HostBudget was not reused because its admission is a fixed-window
// count and its Observe reads the Hub's RateLimit draft headers and 429 only; what both share is
// "pause the host, not the process", which this class does the same way:
//
//  - Observe(response) pauses every caller until the instant the response asks for;
//  - Acquire(what) admits a request, sleeping on the injected Clock while a pause lasts, or fails
//    at once with kResourceExhausted when the pause is longer than max_wait.
//
// Share one (std::shared_ptr) among every GithubClient that uses the same host and token. It is
// an http::RateLimiter, so GithubClient puts it in front of the wire with
// http::RateLimitedTransport, like the registries' token buckets and the Hub's budget.
// Thread-safe; waiting happens outside the lock.
//
//   auto budget = std::make_shared<github::RateBudget>(clock);
//   if (Status s = budget->Acquire("GET runs"); !s.ok()) return s;   // RateLimited
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

namespace spaceport::github {

struct RateBudgetOptions {
  // The longest one Acquire waits; beyond it the call fails (an hour-long primary reset must not
  // hold a reconcile worker for an hour).
  Clock::Duration max_wait = std::chrono::minutes(2);
  // The pause after a secondary limit that gives neither Retry-After nor a reset.
  Clock::Duration secondary_pause = std::chrono::seconds(60);
};

struct RateBudgetStats {
  int64_t admitted = 0;       // requests admitted
  int64_t rate_limited = 0;   // rate-limit answers observed (403/429)
  int64_t waits = 0;          // Acquire calls that slept
  int64_t refusals = 0;       // Acquire calls that failed
  std::optional<int64_t> remaining;  // the last x-ratelimit-remaining seen
  std::optional<Clock::TimePoint> paused_until;
};

class RateBudget final : public http::RateLimiter {
 public:
  explicit RateBudget(Clock& clock, RateBudgetOptions options = {});
  RateBudget(const RateBudget&) = delete;
  RateBudget& operator=(const RateBudget&) = delete;

  Status Acquire(std::string_view what) override;
  // Reads a response's rate-limit headers; true when it was a rate-limit answer.
  bool Observe(const http::Response& response) override;
  // Blocks callers until `until` (extends, never shortens, a pause in force).
  void PauseUntil(Clock::TimePoint until);
  std::optional<Clock::Duration> PauseRemaining() const override;
  RateBudgetStats stats() const;

 private:
  Clock& clock_;
  const RateBudgetOptions options_;
  mutable std::mutex mu_;
  RateBudgetStats stats_;
};

}  // namespace spaceport::github
