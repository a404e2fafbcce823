#include "emulators/github/rate_limiter.h"

#include <algorithm>

#include "emulators/github/github_json.h"

namespace spaceport::github_emulator {

RateDecision RateLimiter::Take(const std::string& caller, int limit, Clock::TimePoint now) {
  Counter& c = counters_[caller];
  if (!c.started || now >= c.window_start + window_) {
    c.started = true;
    c.window_start = now;
    c.used = 0;
  }
  c.limit = limit;
  RateDecision d;
  d.limit = limit;
  const Clock::TimePoint reset = c.window_start + window_;
  d.reset_epoch = EpochSeconds(reset);
  d.retry_after_seconds = std::max<int64_t>(1, EpochSeconds(reset) - EpochSeconds(now));
  if (c.used >= limit) {
    d.allowed = false;
    d.used = c.used;
    ++c.refused;
    return d;
  }
  ++c.used;
  ++c.admitted;
  c.max_used = std::max(c.max_used, c.used);
  d.used = c.used;
  return d;
}

Json RateLimiter::Stats(Clock::TimePoint now) const {
  Json callers = Json::Object();
  for (const auto& [name, c] : counters_) {
    const bool current = c.started && now < c.window_start + window_;
    Json entry = Json::Object();
    entry.Set("limit", Json(c.limit));
    entry.Set("used_in_current_window", Json(current ? c.used : 0));
    entry.Set("max_used_in_any_window", Json(c.max_used));
    entry.Set("admitted", Json(c.admitted));
    entry.Set("refused", Json(c.refused));
    entry.Set("reset", Json(EpochSeconds(c.window_start + window_)));
    callers.Append(name, std::move(entry));
  }
  Json out = Json::Object();
  out.Set("window_seconds", Json(static_cast<int64_t>(window_.count())));
  out.Set("callers", std::move(callers));
  return out;
}

void AddRateLimitHeaders(http::Response& response, const RateDecision& decision) {
  response.headers.Set("x-ratelimit-limit", std::to_string(decision.limit));
  response.headers.Set("x-ratelimit-remaining", std::to_string(std::max(0, decision.limit - decision.used)));
  response.headers.Set("x-ratelimit-used", std::to_string(decision.used));
  response.headers.Set("x-ratelimit-reset", std::to_string(decision.reset_epoch));
  response.headers.Set("x-ratelimit-resource", "core");
}

}  // namespace spaceport::github_emulator
