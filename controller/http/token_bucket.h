// TokenBucket: the request rate of one API host (a registry), shared by every caller of it.
//
// The bucket holds up to `burst` tokens and gains `requests_per_second` of them per second;
// each request takes one. Registries publish no budget to count against (argocd-image-updater
// defaults to 20 requests per second per registry, and so do we), so this is a rate, not a
// window like the Hub's hub::HostBudget. It implements http::RateLimiter, so
// RateLimitedTransport (rate_limited_transport.h) puts it in front of a transport:
//
//  - Acquire(what) takes one token, sleeping on the injected Clock until its turn. Turns are
//    handed out in arrival order: a caller that has to wait books the next free instant and
//    sleeps until then, so a busy worker cannot starve the others, and sleeping happens outside
//    the lock. A wait longer than max_wait is refused with kResourceExhausted naming `what` and
//    when the host is available again, and books nothing.
//  - Observe(response): a 429, or a 503 with Retry-After (seconds or an HTTP-date), pauses every
//    caller until then (default_pause when a 429 gives no Retry-After); a pause extends, never
//    shortens, one in force. The bucket restarts empty after a pause, so the host does not get a
//    burst the instant it allows requests again. A caller already sleeping towards its turn when
//    a pause starts waits out the pause and books a new turn after it.
//
// requests_per_second <= 0 means no rate limit; pauses still apply. On a FakeClock every wait
// advances time at once, so tests pin exact instants. Thread-safe.
//
//   http::TokenBucketOptions rate{.requests_per_second = 2, .burst = 1};
//   auto bucket = std::make_shared<http::TokenBucket>(clock, rate);
//   for (int i = 0; i < 5; ++i) (void)bucket->Acquire("GET https://ghcr.io");  // 2 s in all
//   bucket->Observe(response);             // 429 with Retry-After: 7 → every caller waits 7 s
//   int64_t left = bucket->stats().tokens_now;
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "http/http.h"
#include "http/rate_limited_transport.h"

namespace spaceport::http {

struct TokenBucketOptions {
  double requests_per_second = 20;  // <= 0: no rate limit
  int burst = 40;                   // tokens the bucket holds when full; at least 1
  // The longest one Acquire waits; beyond it the call fails rather than hold a worker.
  Clock::Duration max_wait = std::chrono::seconds(60);
  // The pause after a 429 without Retry-After.
  Clock::Duration default_pause = std::chrono::seconds(5);
};

struct TokenBucketStats {
  int64_t admitted = 0;      // Acquire calls that succeeded
  int64_t waits = 0;         // of those, the ones that slept first
  int64_t refusals = 0;      // Acquire calls that failed
  int64_t rate_limited = 0;  // answers that paused the host
  // Requests that would be admitted now without waiting: whole tokens in the bucket (0 while
  // callers queue or a pause lasts). Unlimited buckets report `burst`.
  int64_t tokens_now = 0;
  std::optional<Clock::TimePoint> paused_until;  // set while a pause is in force
};

class TokenBucket final : public RateLimiter {
 public:
  TokenBucket(Clock& clock, TokenBucketOptions options = {});
  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  Status Acquire(std::string_view what) override;
  bool Observe(const Response& response) override;
  std::optional<Clock::Duration> PauseRemaining() const override;

  // Blocks every caller until `until` (extends, never shortens, a pause in force).
  void PauseUntil(Clock::TimePoint until);

  TokenBucketStats stats() const;
  const TokenBucketOptions& options() const { return options_; }
  bool limited() const { return interval_ > Instant::duration(0); }

 private:
  using Instant = Clock::TimePoint;

  bool PausedAtLocked(Instant now) const;
  void PauseUntilLocked(Instant until);

  Clock& clock_;
  const TokenBucketOptions options_;
  const Instant::duration interval_;   // between two tokens
  const Instant::duration tolerance_;  // how far ahead of the rate a burst may run
  mutable std::mutex mu_;
  // The instant by which every token handed out so far has been earned back (the "theoretical
  // arrival time" of the generic cell rate algorithm); the bucket is full when it is past.
  Instant earned_back_{};
  std::optional<Instant> paused_until_;
  TokenBucketStats counts_;
};

}  // namespace spaceport::http
