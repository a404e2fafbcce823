// BudgetScheduler: fits the resyncs the deployments' intervals ask for into an API's request
// budget, by stretching every interval by the same factor instead of falling behind in
// arbitrary order (docs/scaling.md, "Budget scheduling").
//
// Each deployment declares its routine demand on this API: `cost` requests every `interval`
// (SetDemand; the controller feeds the requests its routine passes really made, averaged). The
// demand of all of them, plus what bulk observation takes off the top (SetReserved: one list per
// owner and page per list interval), is compared with what the window allows at the planned
// utilisation (80% by default: the rest is left for changes, first deploys and retries):
//
//   stretch = max(1, Σ cost_d / interval_d  ÷  (utilisation · budget/window − reserved/window))
//
// Every routine interval then becomes interval · stretch (Effective), so each deployment keeps
// its share and none starves; the work queue's priorities (runtime/work_queue.h) put changes,
// webhooks, manual triggers, and deployments in error or drift ahead of routine resyncs. When the
// reserve alone exceeds the budget the stretch is capped (kMaxStretch) and the report says so.
//
// Observed(key, when) records each deployment's last observation, so Report() can say how far
// behind their nominal intervals the deployments are (the /api/v1/budget line and the metrics).
//
//   BudgetScheduler hub(clock, {.api = "hub", .requests_per_window = 1000, .window = 5min});
//   hub.SetDemand("default/tools", 10min, 2.0);
//   queue.AddAfterInterval(key, hub.Effective(10min));
//
// Time comes from the injected Clock. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/json.h"

namespace spaceport::runtime {

struct BudgetCapacity {
  std::string api = "hub";  // the label in metrics and the API ("hub", "github")
  int64_t requests_per_window = 1000;
  Clock::Duration window = std::chrono::minutes(5);
  double utilisation = 0.8;  // share of the budget routine resyncs may be planned to use
};

// What Report() returns: the whole schedule in one value (the API line, metrics, conditions).
struct BudgetReport {
  std::string api;
  double stretch = 1.0;                 // ≥ 1; 1 = every interval as declared
  double demand_per_window = 0;         // routine requests the declared intervals ask for
  double reserved_per_window = 0;       // bulk observation (lists), taken off the top
  double available_per_window = 0;      // what routine resyncs may use
  int64_t deployments = 0;              // with demand on this API
  int64_t limited = 0;                  // of them, resynced later than declared (stretch > 1)
  bool capped = false;                  // the stretch hit kMaxStretch: the budget cannot keep up
  double max_behind_seconds = 0;        // the most any deployment is past its declared interval
  double oldest_observation_seconds = 0;  // the oldest last observation
};

class BudgetScheduler {
 public:
  static constexpr double kMaxStretch = 100.0;

  BudgetScheduler(Clock& clock, BudgetCapacity capacity);
  BudgetScheduler(const BudgetScheduler&) = delete;
  BudgetScheduler& operator=(const BudgetScheduler&) = delete;

  // Bulk observation's requests per window (lists), subtracted from what resyncs may use.
  void SetReserved(double requests_per_window);
  // The deployment's routine demand; cost ≤ 0 or interval ≤ 0 removes it (no demand here).
  void SetDemand(const std::string& key, Clock::Duration interval, double cost_per_pass);
  // Averages `requests` into the deployment's cost per pass (a moving average over about ten
  // passes; the first sample is taken as is) and sets its demand.
  void RecordPass(const std::string& key, Clock::Duration interval, double requests);
  void Observed(const std::string& key, Clock::TimePoint when);
  void Remove(const std::string& key);

  double Stretch() const;
  // interval · Stretch(), rounded to the millisecond.
  Clock::Duration Effective(Clock::Duration interval) const;
  // Whether `key` has demand here (its intervals are the ones stretched).
  bool HasDemand(const std::string& key) const;
  BudgetReport Report() const;
  const BudgetCapacity& capacity() const { return capacity_; }

 private:
  struct Entry {
    Clock::Duration interval{};
    double cost = 0;
    bool has_cost = false;
    std::optional<Clock::TimePoint> observed;
  };
  static double PerSecond(const Entry& e);  // e's share of the demand, requests per second
  void ChangedLocked(double before, double after);
  double DemandPerWindowLocked() const;
  double AvailablePerWindowLocked() const;
  double StretchLocked() const;

  Clock& clock_;
  const BudgetCapacity capacity_;
  mutable std::mutex mu_;
  static constexpr int64_t kResumEvery = 10000;
  double demand_per_second_ = 0;  // Σ PerSecond(entry), kept as entries change
  int64_t changes_ = 0;
  double reserved_ = 0;
  std::map<std::string, Entry> entries_;
};

// The /api/v1/budget entry of one API, and its one-line "summary" ("hub: intervals stretched
// x1.80 for 5000 deployment(s) (…); 12 s behind the declared intervals at most").
Json BudgetJson(const BudgetReport& r);
std::string BudgetLine(const BudgetReport& r);

// "10m", "17m30s", "2h5m", "45s", "750ms": a duration as the docs and conditions write it.
std::string FormatInterval(Clock::Duration d);

}  // namespace spaceport::runtime
