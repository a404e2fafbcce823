// Budget-aware scheduling: the stretch factor as a table, the work queue's priority order as a
// table, no starvation under a stream of urgent keys, and a 5,000-deployment simulation on a
// FakeClock against the real hub::HostBudget that gives the maximum age of an observation.
#include "runtime/budget_scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <random>
#include <vector>

#include "clients/hub/host_budget.h"
#include "runtime/work_queue.h"

namespace spaceport::runtime {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// --- the stretch factor ---

struct StretchCase {
  friend void PrintTo(const StretchCase& c, std::ostream* os) { *os << c.name; }
  const char* name;
  int deployments;
  double cost_per_pass;
  Clock::Duration interval;
  double reserved;
  double want_stretch;
};

class BudgetStretch : public ::testing::TestWithParam<StretchCase> {};

// Budget 1,000 per 5 minutes at 80%: 800 requests per window for resyncs before the reserve.
TEST_P(BudgetStretch, StretchesEveryIntervalByTheOverload) {
  const StretchCase& c = GetParam();
  FakeClock clock;
  BudgetScheduler s(clock, {.api = "hub", .requests_per_window = 1000, .window = minutes(5), .utilisation = 0.8});
  s.SetReserved(c.reserved);
  for (int i = 0; i < c.deployments; ++i) s.SetDemand("default/d" + std::to_string(i), c.interval, c.cost_per_pass);
  EXPECT_NEAR(s.Stretch(), c.want_stretch, 1e-9);
  EXPECT_EQ(s.Effective(minutes(10)),
            milliseconds(std::llround(600000.0 * c.want_stretch)));
  const BudgetReport r = s.Report();
  EXPECT_EQ(r.limited, c.want_stretch > 1 ? c.deployments : 0);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BudgetStretch,
    ::testing::Values(
        StretchCase{"no_deployments_no_stretch", 0, 2, minutes(10), 0, 1.0},
        // 500 × 2 per 10 min = 500 per 5 min ≤ 800.
        StretchCase{"within_budget_intervals_as_declared", 500, 2, minutes(10), 0, 1.0},
        // 800 × 2 per 10 min = 800 per 5 min: exactly the budget.
        StretchCase{"exactly_the_budget_is_not_stretched", 800, 2, minutes(10), 0, 1.0},
        // 5,000 × 2 per 10 min = 5,000 per 5 min; 5,000 / 800.
        StretchCase{"five_thousand_settings_reads_stretch_6_25", 5000, 2, minutes(10), 0, 6.25},
        // Lists take 300 of the 800: 500 left for 1,000 per window.
        StretchCase{"the_list_reserve_comes_off_the_top", 1000, 2, minutes(10), 300, 2.0},
        // Nothing left after the reserve: the longest stretch, not a division by zero.
        StretchCase{"a_reserve_over_the_budget_caps_the_stretch", 10, 1, minutes(10), 900,
                    BudgetScheduler::kMaxStretch},
        StretchCase{"zero_cost_deployments_ask_nothing", 5000, 0, minutes(10), 0, 1.0}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(BudgetScheduler, RecordPassAveragesTheCostOverAboutTenPasses) {
  FakeClock clock;
  BudgetScheduler s(clock, {});
  s.RecordPass("default/a", minutes(10), 2);
  EXPECT_NEAR(s.Report().demand_per_window, 1.0, 1e-9);  // 2 per 10 min = 1 per 5 min
  for (int i = 0; i < 100; ++i) s.RecordPass("default/a", minutes(10), 0);  // settings cached
  EXPECT_LT(s.Report().demand_per_window, 0.001);
  s.Remove("default/a");
  EXPECT_EQ(s.Report().deployments, 0);
}

// The demand is a running sum; after 25,000 changes (two full re-sums among them) it still equals
// the sum of what the deployments left ask.
TEST(BudgetScheduler, TheRunningDemandEqualsTheSumAfterManyChanges) {
  FakeClock clock;
  BudgetScheduler s(clock, {});
  for (int i = 0; i < 25000; ++i) {
    const std::string key = "ns/d-" + std::to_string(i % 700);
    if (i % 7 == 0) s.Remove(key);
    else if (i % 3 == 0) s.SetDemand(key, minutes(1 + i % 9), 1 + i % 4);
    else s.RecordPass(key, minutes(5), i % 5);
  }
  for (int d = 0; d < 700; ++d) s.Remove("ns/d-" + std::to_string(d));
  EXPECT_NEAR(s.Report().demand_per_window, 0.0, 1e-6);
  s.SetDemand("ns/x", minutes(10), 2);
  EXPECT_NEAR(s.Report().demand_per_window, 1.0, 1e-9);
}

TEST(BudgetScheduler, ReportSaysHowFarBehindTheDeclaredIntervalsTheOldestIs) {
  FakeClock clock;
  BudgetScheduler s(clock, {});
  s.SetDemand("default/a", minutes(10), 2);
  s.SetDemand("default/b", minutes(10), 2);
  s.Observed("default/a", clock.Now());
  clock.Advance(minutes(4));
  s.Observed("default/b", clock.Now());
  clock.Advance(minutes(9));  // a: 13 min old, 3 past its interval; b: 9 min old
  const BudgetReport r = s.Report();
  EXPECT_NEAR(r.max_behind_seconds, 180, 1e-9);
  EXPECT_NEAR(r.oldest_observation_seconds, 780, 1e-9);
  EXPECT_EQ(BudgetLine(r),
            "hub: within budget, intervals as declared (2 of 800 requests per window); 180 s behind the "
            "declared intervals at most");
}

TEST(BudgetScheduler, TheSummaryLineNamesTheStretchAndTheDemand) {
  FakeClock clock;
  BudgetScheduler s(clock, {.api = "hub", .requests_per_window = 1000, .window = minutes(5), .utilisation = 0.8});
  for (int i = 0; i < 5000; ++i) s.SetDemand("default/d" + std::to_string(i), minutes(10), 2);
  EXPECT_EQ(BudgetLine(s.Report()),
            "hub: intervals stretched x6.25 for 5000 deployment(s) (5000 requests per window asked, 800 "
            "available); none behind its declared interval");
}

TEST(FormatInterval, WritesHoursMinutesSeconds) {
  EXPECT_EQ(FormatInterval(minutes(10)), "10m");
  EXPECT_EQ(FormatInterval(seconds(3750)), "1h2m30s");
  EXPECT_EQ(FormatInterval(seconds(45)), "45s");
  EXPECT_EQ(FormatInterval(milliseconds(750)), "750ms");
}

// --- the work queue's priority order ---

struct Add {
  std::string key;
  Priority priority;
  int64_t after_ms = 0;  // AddAfter when > 0
};

struct OrderCase {
  friend void PrintTo(const OrderCase& c, std::ostream* os) { *os << c.name; }
  const char* name;
  std::vector<Add> adds;   // in this order, 1 s apart
  std::vector<std::string> want;  // hand-out order once all are ready
};

class QueuePriority : public ::testing::TestWithParam<OrderCase> {};

TEST_P(QueuePriority, HandsOutByPriorityThenOldestFirst) {
  FakeClock clock;
  WorkQueueOptions options;
  options.priority_step = minutes(10);
  WorkQueue queue(clock, options);
  for (const Add& a : GetParam().adds) {
    if (a.after_ms > 0) queue.AddAfter(a.key, milliseconds(a.after_ms), a.priority);
    else queue.Add(a.key, a.priority);
    clock.Advance(seconds(1));
  }
  clock.Advance(hours(1));
  std::vector<std::string> got;
  while (auto key = queue.TryGet()) got.push_back(*key);
  EXPECT_EQ(got, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, QueuePriority,
    ::testing::Values(
        OrderCase{"routine_keys_go_oldest_first",
                  {{"r1", Priority::kRoutine}, {"r2", Priority::kRoutine}, {"r3", Priority::kRoutine}},
                  {"r1", "r2", "r3"}},
        OrderCase{"urgent_before_attention_before_routine",
                  {{"r", Priority::kRoutine}, {"a", Priority::kAttention}, {"u", Priority::kUrgent}},
                  {"u", "a", "r"}},
        OrderCase{"a_webhook_on_a_waiting_routine_key_moves_it_forward",
                  {{"r1", Priority::kRoutine}, {"r2", Priority::kRoutine}, {"r2", Priority::kUrgent}},
                  {"r2", "r1"}},
        OrderCase{"a_routine_add_never_lowers_an_urgent_key",
                  {{"u", Priority::kUrgent}, {"r", Priority::kRoutine}, {"u", Priority::kRoutine}},
                  {"u", "r"}},
        // r waited 25 min before u came: more than the urgent head start of 2 × 10 min.
        OrderCase{"a_routine_key_older_than_the_head_start_goes_before_a_new_urgent_one",
                  {{"r", Priority::kRoutine}, {"u", Priority::kUrgent, 25 * 60 * 1000}},
                  {"r", "u"}},
        OrderCase{"a_delayed_attention_key_keeps_its_priority_when_due",
                  {{"r", Priority::kRoutine}, {"a", Priority::kAttention, 5000}},
                  {"a", "r"}}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(QueuePriority, ARoutineKeyGoesBeforeEveryUrgentKeyThatCameTwoStepsAfterIt) {
  FakeClock clock;
  WorkQueueOptions options;
  options.priority_step = minutes(1);
  WorkQueue queue(clock, options);
  queue.Add("routine", Priority::kRoutine);
  // Two urgent keys arrive each second and the one worker handles one a second: the urgent
  // backlog grows forever, yet the routine key must get its turn before any urgent key that
  // arrived more than 2 × priority_step after it.
  std::map<std::string, int> arrived;
  for (int second = 0; second < 3600; ++second) {
    for (int k = 0; k < 2; ++k) {
      const std::string key = "urgent/" + std::to_string(2 * second + k);
      arrived[key] = second;
      queue.Add(key, Priority::kUrgent);
    }
    std::optional<std::string> key = queue.TryGet();
    ASSERT_TRUE(key);
    if (*key == "routine") {
      EXPECT_LE(second, 4 * 60 + 1);  // the 240 urgent keys of the first two minutes went first
      return;
    }
    EXPECT_LE(arrived[*key], 2 * 60) << *key << " went before the older routine key";
    queue.Done(*key);
    clock.Advance(seconds(1));
  }
  FAIL() << "the routine key starved";
}

// --- 5,000 deployments, a small budget, simulated on a FakeClock ---

struct SimResult {
  double max_observation_age_s = 0;  // the longest gap between two observations of one key
  double max_urgent_wait_s = 0;      // the longest a webhook waited for its pass
  int64_t passes = 0;
  int64_t budget_waits = 0;
  double stretch = 1;
};

// One worker; a pass costs `cost` Hub requests admitted by the real HostBudget (waiting on the
// FakeClock when the window is used up) and takes 50 ms. Every 30 s a webhook makes a random
// deployment urgent. `stretch` false: the intervals as declared (the queue falls behind).
SimResult Simulate(int deployments, double cost, Clock::Duration interval, int64_t budget, bool stretch,
                   Clock::Duration length) {
  FakeClock clock;
  hub::HostBudget hub_budget(clock, {.requests_per_window = budget,
                                     .window = seconds(300),
                                     .when_exhausted = hub::HostBudgetOptions::WhenExhausted::kWait,
                                     .max_wait = minutes(10),
                                     .default_pause = seconds(30)});
  BudgetScheduler scheduler(clock, {.api = "hub", .requests_per_window = budget, .window = minutes(5), .utilisation = 0.8});
  WorkQueueOptions qo;
  auto engine = std::make_shared<std::mt19937_64>(42);
  qo.random = [engine] { return std::uniform_real_distribution<double>(0, 1)(*engine); };
  WorkQueue queue(clock, qo);
  std::mt19937_64 pick(7);
  std::vector<std::string> keys;
  for (int i = 0; i < deployments; ++i) keys.push_back("fleet/d" + std::to_string(i));
  for (const std::string& k : keys) queue.Add(k, Priority::kRoutine);
  std::map<std::string, Clock::TimePoint> last;
  std::map<std::string, Clock::TimePoint> urgent_since;
  const Clock::TimePoint start = clock.Now();
  Clock::TimePoint next_webhook = start;
  SimResult result;
  // The first observation of every deployment is a burst; figures count from the steady state
  // on (two stretched intervals in).
  const Clock::Duration warm_up = 2 * interval;
  int64_t waits_at_warm_up = -1;
  while (clock.Now() - start < length) {
    while (clock.Now() >= next_webhook) {
      const std::string& k = keys[pick() % keys.size()];
      urgent_since.try_emplace(k, clock.Now());
      queue.Add(k, Priority::kUrgent);
      next_webhook += seconds(30);
    }
    const bool steady = clock.Now() - start > warm_up * scheduler.Stretch();
    if (steady && waits_at_warm_up < 0) waits_at_warm_up = hub_budget.stats().waits;
    std::optional<std::string> key = queue.TryGet();
    if (!key) {
      const auto next = queue.NextReadyAt();
      clock.Advance(std::max<Clock::Duration>(
          milliseconds(1), std::chrono::duration_cast<Clock::Duration>(
                               std::min(next.value_or(next_webhook), next_webhook) - clock.Now())));
      continue;
    }
    for (int i = 0; i < static_cast<int>(cost); ++i) (void)hub_budget.Acquire("GET settings");
    clock.Advance(milliseconds(50));
    const Clock::TimePoint now = clock.Now();
    if (auto it = last.find(*key); it != last.end() && steady)
      result.max_observation_age_s =
          std::max(result.max_observation_age_s, std::chrono::duration<double>(now - it->second).count());
    last[*key] = now;
    if (auto u = urgent_since.find(*key); u != urgent_since.end()) {
      if (steady)
        result.max_urgent_wait_s = std::max(result.max_urgent_wait_s, std::chrono::duration<double>(now - u->second).count());
      urgent_since.erase(u);
    }
    scheduler.RecordPass(*key, interval, cost);
    scheduler.Observed(*key, now);
    queue.AddAfterInterval(*key, stretch ? scheduler.Effective(interval) : interval, Priority::kRoutine);
    queue.Done(*key);
    ++result.passes;
  }
  // A key never observed since the start, or not for long, counts as old as it is.
  for (const std::string& k : keys) {
    auto it = last.find(k);
    const double age = std::chrono::duration<double>(clock.Now() - (it == last.end() ? start : it->second)).count();
    result.max_observation_age_s = std::max(result.max_observation_age_s, age);
  }
  result.budget_waits = hub_budget.stats().waits - std::max<int64_t>(0, waits_at_warm_up);
  result.stretch = scheduler.Stretch();
  return result;
}

// 5,000 deployments, 2 Hub requests each per 10-minute interval, 1,000 requests per 5 minutes:
// the intervals ask for 5,000 per window, 800 are planned; stretched ×6.25 to 62.5 minutes.
TEST(BudgetSimulation, FiveThousandDeploymentsOnASmallBudgetAreAllObservedWithinTheStretchedInterval) {
  const SimResult stretched = Simulate(5000, 2, minutes(10), 1000, /*stretch=*/true, hours(8));
  const SimResult declared = Simulate(5000, 2, minutes(10), 1000, /*stretch=*/false, hours(8));
  std::printf("[budget-sim] stretched: stretch %.2f, max observation age %.0f s, max webhook wait %.0f s, "
              "%lld passes, %lld budget waits\n",
              stretched.stretch, stretched.max_observation_age_s, stretched.max_urgent_wait_s,
              static_cast<long long>(stretched.passes), static_cast<long long>(stretched.budget_waits));
  std::printf("[budget-sim] as declared: max observation age %.0f s, max webhook wait %.0f s, %lld passes, "
              "%lld budget waits\n",
              declared.max_observation_age_s, declared.max_urgent_wait_s, static_cast<long long>(declared.passes),
              static_cast<long long>(declared.budget_waits));
  EXPECT_NEAR(stretched.stretch, 6.25, 0.01);
  // 62.5 min ± 5% jitter: the oldest observation is at most 66 minutes old.
  EXPECT_LE(stretched.max_observation_age_s, 62.5 * 60 * 1.05 + 60);
  EXPECT_GT(stretched.max_observation_age_s, 62.5 * 60 * 0.9);
  // Within the planned 80%, the budget seldom makes a pass wait (only the echo of the first
  // burst), and webhooks are served at once.
  EXPECT_LT(stretched.budget_waits * 4, declared.budget_waits);
  EXPECT_LE(stretched.max_urgent_wait_s, 5);
  // As declared, the same fleet waits on the budget and webhooks queue behind the backlog.
  EXPECT_GT(declared.budget_waits, 0);
  EXPECT_GT(declared.max_urgent_wait_s, 10 * stretched.max_urgent_wait_s + 60);
}

}  // namespace
}  // namespace spaceport::runtime
