#include "runtime/budget_scheduler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace spaceport::runtime {
namespace {

// The weight of a new sample in a deployment's average cost: about the last ten passes count.
constexpr double kAverageWeight = 0.1;

double Seconds(Clock::Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

BudgetScheduler::BudgetScheduler(Clock& clock, BudgetCapacity capacity)
    : clock_(clock), capacity_(std::move(capacity)) {}

void BudgetScheduler::SetReserved(double requests_per_window) {
  std::lock_guard<std::mutex> lock(mu_);
  reserved_ = std::max(0.0, requests_per_window);
}

double BudgetScheduler::PerSecond(const Entry& e) {
  return e.has_cost && e.interval > Clock::Duration::zero() ? e.cost / Seconds(e.interval) : 0.0;
}

// The demand is kept as a running sum, so a pass costs the same with 10,000 deployments as with
// ten; it is summed afresh every kResumEvery changes so rounding cannot drift.
void BudgetScheduler::ChangedLocked(double before, double after) {
  if (++changes_ % kResumEvery == 0) {
    demand_per_second_ = 0;
    for (const auto& [key, e] : entries_) demand_per_second_ += PerSecond(e);
    return;
  }
  demand_per_second_ = std::max(0.0, demand_per_second_ - before + after);
}

void BudgetScheduler::SetDemand(const std::string& key, Clock::Duration interval, double cost_per_pass) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entries_[key];
  const double before = PerSecond(e);
  if (cost_per_pass <= 0 || interval <= Clock::Duration::zero()) {
    e.cost = 0;
    e.has_cost = false;
    e.interval = {};
  } else {
    e.interval = interval;
    e.cost = cost_per_pass;
    e.has_cost = true;
  }
  ChangedLocked(before, PerSecond(e));
}

void BudgetScheduler::RecordPass(const std::string& key, Clock::Duration interval, double requests) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entries_[key];
  const double before = PerSecond(e);
  e.cost = e.has_cost ? e.cost + kAverageWeight * (std::max(0.0, requests) - e.cost) : std::max(0.0, requests);
  e.has_cost = true;
  e.interval = interval;
  ChangedLocked(before, PerSecond(e));
}

void BudgetScheduler::Observed(const std::string& key, Clock::TimePoint when) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[key].observed = when;
}

void BudgetScheduler::Remove(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  const double before = PerSecond(it->second);
  entries_.erase(it);
  ChangedLocked(before, 0.0);
}

double BudgetScheduler::DemandPerWindowLocked() const {
  return demand_per_second_ * Seconds(capacity_.window);
}

double BudgetScheduler::AvailablePerWindowLocked() const {
  return std::max(0.0, capacity_.utilisation * static_cast<double>(capacity_.requests_per_window) - reserved_);
}

double BudgetScheduler::StretchLocked() const {
  const double demand = DemandPerWindowLocked();
  if (demand <= 0) return 1.0;
  const double available = AvailablePerWindowLocked();
  if (available <= 0) return kMaxStretch;
  const double stretch = demand / available;
  if (stretch <= 1.0 + 1e-9) return 1.0;  // exactly the budget is within it, whatever the rounding
  return std::min(stretch, kMaxStretch);
}

double BudgetScheduler::Stretch() const {
  std::lock_guard<std::mutex> lock(mu_);
  return StretchLocked();
}

Clock::Duration BudgetScheduler::Effective(Clock::Duration interval) const {
  const double stretch = Stretch();
  return Clock::Duration(std::llround(static_cast<double>(interval.count()) * stretch));
}

bool BudgetScheduler::HasDemand(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  return it != entries_.end() && it->second.has_cost && it->second.cost > 0;
}

BudgetReport BudgetScheduler::Report() const {
  std::lock_guard<std::mutex> lock(mu_);
  BudgetReport r;
  r.api = capacity_.api;
  r.demand_per_window = DemandPerWindowLocked();
  r.reserved_per_window = reserved_;
  r.available_per_window = AvailablePerWindowLocked();
  r.stretch = StretchLocked();
  r.capped = r.stretch >= kMaxStretch && r.demand_per_window > 0;
  const Clock::TimePoint now = clock_.Now();
  for (const auto& [key, e] : entries_) {
    const bool demand = e.has_cost && e.cost > 0;
    if (demand) {
      ++r.deployments;
      if (r.stretch > 1.0) ++r.limited;
    }
    if (!e.observed) continue;
    const double age = Seconds(std::chrono::duration_cast<Clock::Duration>(now - *e.observed));
    r.oldest_observation_seconds = std::max(r.oldest_observation_seconds, age);
    if (demand) r.max_behind_seconds = std::max(r.max_behind_seconds, age - Seconds(e.interval));
  }
  return r;
}

std::string BudgetLine(const BudgetReport& r) {
  char stretch[32];
  std::snprintf(stretch, sizeof stretch, "%.2f", r.stretch);
  const auto round = [](double v) { return std::to_string(std::llround(v)); };
  std::string line = r.api + ": ";
  if (r.deployments == 0) {
    line += "no routine demand";
  } else if (r.stretch <= 1.0) {
    line += "within budget, intervals as declared (" + round(r.demand_per_window) + " of " +
            round(r.available_per_window) + " requests per window)";
  } else {
    line += std::string(r.capped ? "over budget even at the longest stretch: " : "") +
            "intervals stretched x" + stretch + " for " + std::to_string(r.limited) + " deployment(s) (" +
            round(r.demand_per_window) + " requests per window asked, " + round(r.available_per_window) +
            " available)";
  }
  line += "; " + (r.max_behind_seconds > 0 ? round(r.max_behind_seconds) + " s behind the declared intervals at most"
                                            : std::string("none behind its declared interval"));
  return line;
}

Json BudgetJson(const BudgetReport& r) {
  Json j = Json::Object();
  j.Append("api", Json(r.api));
  j.Append("stretch", Json(r.stretch));
  j.Append("demandPerWindow", Json(r.demand_per_window));
  j.Append("reservedPerWindow", Json(r.reserved_per_window));
  j.Append("availablePerWindow", Json(r.available_per_window));
  j.Append("deployments", Json(r.deployments));
  j.Append("limited", Json(r.limited));
  j.Append("capped", Json(r.capped));
  j.Append("maxBehindSeconds", Json(std::max(0.0, r.max_behind_seconds)));
  j.Append("oldestObservationSeconds", Json(r.oldest_observation_seconds));
  j.Append("summary", Json(BudgetLine(r)));
  return j;
}

std::string FormatInterval(Clock::Duration d) {
  if (d < std::chrono::seconds(1)) return std::to_string(d.count()) + "ms";
  int64_t s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  std::string out;
  if (s >= 3600) {
    out += std::to_string(s / 3600) + "h";
    s %= 3600;
  }
  if (s >= 60) {
    out += std::to_string(s / 60) + "m";
    s %= 60;
  }
  if (s > 0 || out.empty()) out += std::to_string(s) + "s";
  return out;
}

}  // namespace spaceport::runtime
