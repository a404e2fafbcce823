#include "emulators/hub/rate_budget.h"

#include <algorithm>

#include "emulators/hub/responses.h"
#include "emulators/hub/time_format.h"

namespace spaceport::hub_emulator {

RateBudget::RateBudget(std::chrono::seconds window)
    : window_seconds_(std::max<int64_t>(1, window.count())) {}

int64_t RateBudget::WindowOf(Clock::TimePoint now) const {
  return EpochSeconds(now) / window_seconds_;
}

BudgetDecision RateBudget::Take(const std::string& caller, const std::string& bucket, int quota,
                                Clock::TimePoint now) {
  Counter& c = counters_[{caller, bucket}];
  const int64_t window = WindowOf(now);
  if (c.window != window) {
    c.window = window;
    c.used = 0;
  }
  c.quota = quota;
  BudgetDecision d;
  d.bucket = bucket;
  d.quota = quota;
  d.window_seconds = window_seconds_;
  d.reset_seconds = std::max<int64_t>(1, (window + 1) * window_seconds_ - EpochSeconds(now));
  if (c.used >= quota) {
    d.allowed = false;
    ++c.refused;
    return d;
  }
  ++c.used;
  ++c.admitted;
  c.max_used = std::max(c.max_used, c.used);
  d.remaining = quota - c.used;
  return d;
}

Json RateBudget::Stats(Clock::TimePoint now) const {
  Json callers = Json::Object();
  for (const auto& [key, c] : counters_) {
    Json bucket = Json::Object();
    bucket.Set("quota", Json(c.quota));
    bucket.Set("used_in_current_window", Json(c.window == WindowOf(now) ? c.used : 0));
    bucket.Set("max_used_in_any_window", Json(c.max_used));
    bucket.Set("admitted", Json(c.admitted));
    bucket.Set("refused", Json(c.refused));
    if (!callers.Find(key.first)) callers.Set(key.first, Json::Object());
    callers.Find(key.first)->Set(key.second, std::move(bucket));
  }
  Json out = Json::Object();
  out.Set("window_seconds", Json(window_seconds_));
  out.Set("current_window_start", Json(IsoTime(Clock::TimePoint(
                                      std::chrono::seconds(WindowOf(now) * window_seconds_)))));
  out.Set("callers", std::move(callers));
  return out;
}

void AddRateLimitHeaders(http::Response& response, const BudgetDecision& d) {
  response.headers.Set("RateLimit", "\"" + d.bucket + "\";r=" + std::to_string(d.remaining) +
                                        ";t=" + std::to_string(d.reset_seconds));
  response.headers.Set("RateLimit-Policy", "\"fixed window\";\"" + d.bucket +
                                               "\";q=" + std::to_string(d.quota) +
                                               ";w=" + std::to_string(d.window_seconds));
}

http::Response RateLimited(const BudgetDecision& d) {
  http::Response r = HubError(
      429, "", "You have exceeded our rate limit for \"" + d.bucket + "\" requests (" +
                   std::to_string(d.quota) + " per " + std::to_string(d.window_seconds) +
                   " seconds). Retry after " + std::to_string(d.reset_seconds) + " seconds.");
  r.headers.Set("Retry-After", std::to_string(d.reset_seconds));
  AddRateLimitHeaders(r, d);
  return r;
}

}  // namespace spaceport::hub_emulator
