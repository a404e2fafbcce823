// RateLimiter: GitHub's primary rate limit for the REST API ("core"), per token.
//
// GitHub gives each token a quota per hour (5,000 for a personal token; 60 for anonymous
// callers, per IP) counted from the first request of the window, and reports it on every answer
// as x-ratelimit-limit / -remaining / -used / -reset (epoch seconds) / -resource. Once it is
// spent, requests get 403 (or 429) "API rate limit exceeded", with x-ratelimit-remaining: 0;
// the emulator adds Retry-After (seconds to the reset), as GitHub does for secondary limits.
// A refused request does not use quota.
//
//   RateLimiter limiter(std::chrono::seconds(3600));
//   RateDecision d = limiter.Take("alice", 5000, clock.Now());
//   AddRateLimitHeaders(response, d);
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "http/http.h"

namespace spaceport::github_emulator {

struct RateDecision {
  bool allowed = true;
  int limit = 0;
  int used = 0;          // in this window, after this request
  int64_t reset_epoch = 0;
  int64_t retry_after_seconds = 0;  // until the reset, at least 1
};

class RateLimiter {
 public:
  explicit RateLimiter(std::chrono::seconds window) : window_(window) {}

  RateDecision Take(const std::string& caller, int limit, Clock::TimePoint now);
  // {window_seconds, callers:{NAME:{limit, used_in_current_window, max_used_in_any_window,
  //  admitted, refused, reset}}}
  Json Stats(Clock::TimePoint now) const;

 private:
  struct Counter {
    Clock::TimePoint window_start{};
    bool started = false;
    int limit = 0;
    int used = 0;
    int max_used = 0;
    int64_t admitted = 0;
    int64_t refused = 0;
  };
  std::chrono::seconds window_;
  std::map<std::string, Counter> counters_;
};

void AddRateLimitHeaders(http::Response& response, const RateDecision& decision);

}  // namespace spaceport::github_emulator
