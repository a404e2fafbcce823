#include "clients/github/rate_budget.h"

#include <algorithm>
#include <charconv>

#include "clients/github/github_error.h"
#include "http/retry_after.h"

namespace spaceport::github {
namespace {

std::optional<int64_t> IntHeader(const http::Response& response, std::string_view name) {
  auto value = response.headers.Get(name);
  if (!value) return std::nullopt;
  int64_t out = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), out);
  if (ec != std::errc() || end != value->data() + value->size()) return std::nullopt;
  return out;
}

std::string Seconds(Clock::Duration d) {
  return std::to_string((d.count() + 999) / 1000) + " s";
}

}  // namespace

RateBudget::RateBudget(Clock& clock, RateBudgetOptions options)
    : clock_(clock), options_(options) {}

Status RateBudget::Acquire(std::string_view what) {
  bool waited = false;
  for (;;) {
    Clock::Duration wait{0};
    {
      std::lock_guard<std::mutex> lock(mu_);
      const Clock::TimePoint now = clock_.Now();
      if (stats_.paused_until && *stats_.paused_until <= now) stats_.paused_until.reset();
      if (!stats_.paused_until) {
        ++stats_.admitted;
        if (waited) ++stats_.waits;
        return Status::Ok();
      }
      wait = std::max(Clock::Duration(1), std::chrono::duration_cast<Clock::Duration>(
                                              *stats_.paused_until - now));
      if (wait > options_.max_wait) {
        ++stats_.refusals;
        return Status(StatusCode::kResourceExhausted,
                      "GitHub: " + std::string(what) +
                          ": not sent: GitHub's rate limit is reached; the API is available "
                          "again in " + Seconds(wait));
      }
    }
    waited = true;
    clock_.SleepFor(wait);
  }
}

bool RateBudget::Observe(const http::Response& response) {
  const Clock::TimePoint now = clock_.Now();
  const std::optional<int64_t> remaining = IntHeader(response, "x-ratelimit-remaining");
  const std::optional<int64_t> reset = IntHeader(response, "x-ratelimit-reset");
  std::optional<Clock::TimePoint> reset_at;
  if (reset) reset_at = Clock::TimePoint(std::chrono::seconds(*reset));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (remaining) stats_.remaining = remaining;
  }

  const bool limited = IsRateLimited(response);
  std::optional<Clock::TimePoint> until;
  if (limited) {
    if (auto header = response.headers.Get("Retry-After")) {
      if (auto wait = http::ParseRetryAfter(*header, now)) until = now + Clock::Duration(*wait);
    }
    if (!until && remaining == 0 && reset_at) until = reset_at;
    if (!until) until = now + options_.secondary_pause;
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.rate_limited;
  } else if (remaining == 0 && reset_at) {
    until = reset_at;  // the last request of the hour succeeded: stop before GitHub says 403
  }
  if (until && *until > now) PauseUntil(*until);
  return limited;
}

void RateBudget::PauseUntil(Clock::TimePoint until) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!stats_.paused_until || *stats_.paused_until < until) stats_.paused_until = until;
}

std::optional<Clock::Duration> RateBudget::PauseRemaining() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::TimePoint now = clock_.Now();
  if (!stats_.paused_until || *stats_.paused_until <= now) return std::nullopt;
  return std::chrono::duration_cast<Clock::Duration>(*stats_.paused_until - now);
}

RateBudgetStats RateBudget::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  RateBudgetStats out = stats_;
  if (out.paused_until && *out.paused_until <= clock_.Now()) out.paused_until.reset();
  return out;
}

}  // namespace spaceport::github
