#include "clients/hub/host_budget.h"

#include <algorithm>

#include "clients/hub/rate_limit_headers.h"

namespace spaceport::hub {
namespace {

// A budget of 0 would admit nothing, ever, and a window of 0 cannot be divided by.
HostBudgetOptions Normalized(HostBudgetOptions options) {
  options.requests_per_window = std::max<int64_t>(options.requests_per_window, 1);
  options.window = std::max(options.window, std::chrono::seconds(1));
  return options;
}

}  // namespace

HostBudget::HostBudget(Clock& clock, HostBudgetOptions options)
    : clock_(clock), options_(Normalized(options)) {
  stats_.window_start = WindowStartFor(clock_.Now());
}

Clock::TimePoint HostBudget::WindowStartFor(Clock::TimePoint t) const {
  const auto since_epoch = std::chrono::duration_cast<Clock::Duration>(t.time_since_epoch());
  const auto window = std::chrono::duration_cast<Clock::Duration>(options_.window);
  return Clock::TimePoint(since_epoch - since_epoch % window);
}

void HostBudget::RollWindowLocked(Clock::TimePoint now) {
  const Clock::TimePoint start = WindowStartFor(now);
  if (start != stats_.window_start) {
    stats_.window_start = start;
    stats_.in_window = 0;
  }
  if (stats_.paused_until && *stats_.paused_until <= now) stats_.paused_until.reset();
}

Status HostBudget::Acquire(std::string_view what) {
  bool waited = false;
  for (;;) {
    Clock::Duration wait{0};
    std::string why;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const Clock::TimePoint now = clock_.Now();
      RollWindowLocked(now);
      if (stats_.paused_until) {
        wait = std::chrono::duration_cast<Clock::Duration>(*stats_.paused_until - now);
        why = "the Hub answered 429 (rate limited); paused";
      } else if (stats_.in_window >= options_.requests_per_window) {
        wait = std::chrono::duration_cast<Clock::Duration>(stats_.window_start + options_.window -
                                                           now);
        why = "the request budget (" + std::to_string(options_.requests_per_window) + " per " +
              std::to_string(options_.window.count()) + " s) is used up";
      } else {
        ++stats_.total;
        ++stats_.in_window;
        ++stats_.in_flight;
        stats_.max_in_window = std::max(stats_.max_in_window, stats_.in_window);
        if (waited) ++stats_.waits;
        return Status::Ok();
      }
      wait = std::max(wait, Clock::Duration(1));
      const bool may_wait = options_.when_exhausted == HostBudgetOptions::WhenExhausted::kWait &&
                            wait <= options_.max_wait;
      if (!may_wait) {
        ++stats_.refusals;
        return Status(StatusCode::kResourceExhausted,
                      "Hub: " + std::string(what) + ": not sent: " + why +
                          "; the host is available again in " + http::WholeSeconds(wait));
      }
    }
    waited = true;
    clock_.SleepFor(wait);
  }
}

bool HostBudget::Observe(const http::Response& response) {
  const Clock::TimePoint now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    RollWindowLocked(now);
    stats_.in_flight = std::max<int64_t>(stats_.in_flight - 1, 0);
    TakeHubCountLocked(response, now);
    if (response.status == 429) ++stats_.rate_limited;
  }
  std::optional<std::chrono::milliseconds> pause = PauseAfter(response, now);
  if (response.status == 429) {
    PauseUntil(now + (pause ? Clock::Duration(*pause) : options_.default_pause));
    return true;
  }
  // A success that says nothing remains: stop before the Hub has to say 429.
  if (pause && response.headers.Has("RateLimit")) {
    auto state = ParseRateLimit(*response.headers.Get("RateLimit"));
    if (state && state->remaining == 0) PauseUntil(now + Clock::Duration(*pause));
  }
  return false;
}

void HostBudget::Unanswered() {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.in_flight = std::max<int64_t>(stats_.in_flight - 1, 0);
}

void HostBudget::TakeHubCountLocked(const http::Response& response, Clock::TimePoint now) {
  const std::optional<std::string> limit = response.headers.Get("RateLimit");
  const std::optional<std::string> policy = response.headers.Get("RateLimit-Policy");
  if (!limit || !policy) return;
  const std::optional<RateLimitState> state = ParseRateLimit(*limit);
  const std::optional<RateLimitPolicy> quota = ParseRateLimitPolicy(*policy);
  if (!state || !state->remaining || !state->reset || !quota || !quota->quota) return;
  if (!state->name.empty() && !quota->name.empty() && state->name != quota->name) return;
  // The reset is in whole seconds, so the Hub's window end is known to about a second; an end
  // further from ours belongs to another window (an answer to a request sent in the last one).
  const Clock::TimePoint hub_end = now + Clock::Duration(*state->reset);
  const Clock::TimePoint our_end = stats_.window_start + options_.window;
  const auto apart =
      std::chrono::abs(std::chrono::duration_cast<Clock::Duration>(hub_end - our_end));
  const auto tolerance = std::min<Clock::Duration>(std::chrono::milliseconds(1500),
                                                   Clock::Duration(options_.window) / 2);
  if (apart >= tolerance) return;
  // Requests still on their way may not be in the Hub's count yet; they will be.
  const int64_t hub_used = *quota->quota - *state->remaining;
  stats_.in_window = std::max(stats_.in_window, hub_used + stats_.in_flight);
}

void HostBudget::PauseUntil(Clock::TimePoint until) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!stats_.paused_until || *stats_.paused_until < until) stats_.paused_until = until;
}

std::optional<Clock::Duration> HostBudget::PauseRemaining() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::TimePoint now = clock_.Now();
  if (!stats_.paused_until || *stats_.paused_until <= now) return std::nullopt;
  return std::chrono::duration_cast<Clock::Duration>(*stats_.paused_until - now);
}

HostBudgetStats HostBudget::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  HostBudgetStats out = stats_;
  const Clock::TimePoint now = clock_.Now();
  if (WindowStartFor(now) != out.window_start) {
    out.window_start = WindowStartFor(now);
    out.in_window = 0;
  }
  if (out.paused_until && *out.paused_until <= now) out.paused_until.reset();
  return out;
}

}  // namespace spaceport::hub
