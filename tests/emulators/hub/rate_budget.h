// RateBudget: the Hub's request quotas, per caller and bucket, over fixed windows.
//
// The Hub counts requests per 5-minute fixed window (1,000 "api" requests for a free user) and
// answers 429 once a window's quota is spent, with `Retry-After: <seconds to the window's end>`
// and the IETF draft headers `RateLimit: "api";r=<remaining>;t=<reset>` and
// `RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window>`. Windows are aligned to
// multiples of the window length since the epoch. A refused request does not use quota.
//
// Stats() is what tests read (GET /__emulator/stats): per caller and bucket the count in the
// current window, the most ever admitted in one window (never above the quota, by
// construction) and how many requests were refused — a well-behaved client keeps that at 0.
//
//   RateBudget budget(std::chrono::seconds(300));
//   BudgetDecision d = budget.Take("alice", "api", 1000, clock.Now());
//   if (!d.allowed) return RateLimited(d);
//   AddRateLimitHeaders(response, d);
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>

#include "base/clock.h"
#include "base/json.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

struct BudgetDecision {
  bool allowed = true;
  std::string bucket;
  int quota = 0;
  int remaining = 0;           // after this request
  int64_t reset_seconds = 0;   // until the window ends (at least 1)
  int64_t window_seconds = 0;
};

class RateBudget {
 public:
  explicit RateBudget(std::chrono::seconds window);

  BudgetDecision Take(const std::string& caller, const std::string& bucket, int quota,
                      Clock::TimePoint now);
  Json Stats(Clock::TimePoint now) const;
  void Reset() { counters_.clear(); }

 private:
  struct Counter {
    int64_t window = -1;  // index of the window `used` counts
    int quota = 0;
    int used = 0;
    int max_used = 0;
    int64_t admitted = 0;
    int64_t refused = 0;
  };
  int64_t WindowOf(Clock::TimePoint now) const;

  int64_t window_seconds_;
  std::map<std::pair<std::string, std::string>, Counter> counters_;
};

void AddRateLimitHeaders(http::Response& response, const BudgetDecision& decision);
// The 429 answer for a refused request.
http::Response RateLimited(const BudgetDecision& decision);

}  // namespace spaceport::hub_emulator
