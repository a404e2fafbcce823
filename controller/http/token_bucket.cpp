#include "http/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "http/retry_after.h"

namespace spaceport::http {
namespace {

TokenBucketOptions Normalized(TokenBucketOptions options) {
  if (!(options.requests_per_second > 0) || std::isinf(options.requests_per_second)) {
    options.requests_per_second = 0;  // NaN, negative and infinite rates mean "no limit"
  }
  options.burst = std::max(options.burst, 1);
  return options;
}

Clock::TimePoint::duration IntervalFor(const TokenBucketOptions& options) {
  if (options.requests_per_second <= 0) return Clock::TimePoint::duration(0);
  return std::chrono::duration_cast<Clock::TimePoint::duration>(
      std::chrono::duration<double>(1.0 / options.requests_per_second));
}

// Sleeping a little long is harmless; waking before the booked instant is not.
Clock::Duration RoundedUp(Clock::TimePoint::duration d) {
  return std::chrono::ceil<Clock::Duration>(d);
}

std::string RateText(const TokenBucketOptions& options) {
  std::ostringstream out;
  out << options.requests_per_second << " per second, burst " << options.burst;
  return out.str();
}

}  // namespace

TokenBucket::TokenBucket(Clock& clock, TokenBucketOptions options)
    : clock_(clock),
      options_(Normalized(options)),
      interval_(IntervalFor(options_)),
      tolerance_(interval_ * (options_.burst - 1)) {}

bool TokenBucket::PausedAtLocked(Instant now) const {
  return paused_until_.has_value() && *paused_until_ > now;
}

void TokenBucket::PauseUntilLocked(Instant until) {
  if (!paused_until_ || *paused_until_ < until) paused_until_ = until;
  // Start empty after the pause: tokens are earned again from `until` on, one per interval.
  if (limited()) earned_back_ = std::max(earned_back_, until + tolerance_);
}

Status TokenBucket::Acquire(std::string_view what) {
  bool slept = false;
  for (;;) {
    Clock::Duration wait{0};
    {
      std::lock_guard<std::mutex> lock(mu_);
      const Instant now = clock_.Now();
      const bool paused = PausedAtLocked(now);
      const Instant start = paused ? *paused_until_ : now;
      const Instant turn = limited() ? std::max(start, earned_back_ - tolerance_) : start;
      if (turn > now) {
        wait = RoundedUp(turn - now);
        if (wait > options_.max_wait) {
          ++counts_.refusals;
          const std::string why =
              paused ? "every request to this host is paused after a rate-limit answer"
                     : "the rate limit (" + RateText(options_) + ") has callers queued";
          return Status(StatusCode::kResourceExhausted,
                        std::string(what) + ": not sent: " + why +
                            "; the host is available again in " + WholeSeconds(wait) + " (at " +
                            FormatRfc3339(now + wait) + ")");
        }
      }
      // Book the turn: the token is this caller's whether it goes now or after its sleep.
      if (limited()) earned_back_ = std::max(earned_back_, start) + interval_;
      if (wait == Clock::Duration(0)) {
        ++counts_.admitted;
        if (slept) ++counts_.waits;
        return Status::Ok();
      }
    }
    slept = true;
    clock_.SleepFor(wait);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!PausedAtLocked(clock_.Now())) {
        ++counts_.admitted;
        ++counts_.waits;
        return Status::Ok();
      }
    }
    // A pause began while this caller slept: it books a new turn after the pause.
  }
}

bool TokenBucket::Observe(const Response& response) {
  if (response.status != 429 && response.status != 503) return false;
  const Instant now = clock_.Now();
  std::optional<std::chrono::milliseconds> asked;
  if (auto header = response.headers.Get("Retry-After")) asked = ParseRetryAfter(*header, now);
  // A 503 without Retry-After is an outage, the Client's retries deal with it.
  if (!asked && response.status == 503) return false;
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.rate_limited;
  PauseUntilLocked(now + (asked ? Clock::Duration(*asked) : options_.default_pause));
  return true;
}

void TokenBucket::PauseUntil(Clock::TimePoint until) {
  std::lock_guard<std::mutex> lock(mu_);
  PauseUntilLocked(until);
}

std::optional<Clock::Duration> TokenBucket::PauseRemaining() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Instant now = clock_.Now();
  if (!PausedAtLocked(now)) return std::nullopt;
  return RoundedUp(*paused_until_ - now);
}

TokenBucketStats TokenBucket::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Instant now = clock_.Now();
  TokenBucketStats out = counts_;
  if (PausedAtLocked(now)) {
    out.paused_until = paused_until_;
    out.tokens_now = 0;
  } else if (!limited()) {
    out.tokens_now = options_.burst;
  } else {
    // n requests go at once when the n-th one's turn, earned_back_ + (n-1)·interval - tolerance,
    // is not after now.
    const Instant::duration slack = now + tolerance_ - earned_back_;
    out.tokens_now = slack < Instant::duration(0)
                         ? 0
                         : std::min<int64_t>(slack / interval_ + 1, options_.burst);
  }
  return out;
}

}  // namespace spaceport::http
