// UpstreamHealth: which upstream (the Hub, a registry, GitHub, the apiserver) is failing now and
// since when, for the `upstreams` list of GET /api/v1/status (docs/status.md), so ops see "the
// Hub has answered 503 or nothing for 4 minutes" instead of reading it out of each deployment's
// message.
//
// It is fed by every HTTP exchange the process has (http::SetExchangeObserver: the same place
// spaceport_api_requests_total counts, so each retry and each hop is seen): an answer of 5xx or
// 429, or no answer at all (a reset, a refused connection, a deadline), is a failure; any other
// answer is a success. A host is `Failing` once kFailingAfter failures came in a row, and stays
// so until an answer succeeds; `since` is the first failure of that run. Hosts are named as in the
// metrics, "host[:port]"; no path, query or header is ever kept.
//
//   UpstreamHealth health;
//   health.Record("127.0.0.1:8080", "503", now);  // ×3
//   health.Snapshot()[0].failing;                  // true, since = the first 503
//
// Thread-safe. ProcessUpstreamHealth() is the process-wide one, fed from its first use on.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"

namespace spaceport::runtime {

struct UpstreamState {
  std::string host;
  bool failing = false;
  Clock::TimePoint since{};          // failing: the first failure of the run; else: the last success
  std::string last_code;             // "200", "503", "error", ...
  int64_t consecutive_failures = 0;
  int64_t failures_total = 0;
  int64_t exchanges_total = 0;
};

// "error" (no answer), 5xx and 429.
bool IsUpstreamFailure(std::string_view code);

class UpstreamHealth {
 public:
  // Failures in a row before a host counts as failing: one lost request is the retry's business,
  // three in a row (the Client's retries of one call included) is an outage worth showing.
  static constexpr int64_t kFailingAfter = 3;

  void Record(const std::string& host, const std::string& code, Clock::TimePoint now);
  std::vector<UpstreamState> Snapshot() const;  // sorted by host

 private:
  mutable std::mutex mu_;
  std::map<std::string, UpstreamState> hosts_;
  std::map<std::string, Clock::TimePoint> run_start_;  // first failure of the current run
};

// [{"host", "state": "Failing"|"Ok", "since", "lastCode", "consecutiveFailures", "failures",
//   "requests"}], failing hosts first.
Json UpstreamsJson(const std::vector<UpstreamState>& states);

// The process-wide instance, observing every exchange from the first call on (the controller
// calls it when it starts).
UpstreamHealth& ProcessUpstreamHealth();

}  // namespace spaceport::runtime
