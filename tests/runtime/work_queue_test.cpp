// The work queue: dedupe, one worker per key, FIFO fairness, delays in fake time, per-key
// exponential backoff, interval jitter, Remove, ShutDown and the counters behind /metrics.
#include "runtime/work_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <ostream>
#include <set>
#include <thread>
#include <vector>

namespace spaceport::runtime {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAreArray;

WorkQueueOptions PinnedRandom(double value) {
  WorkQueueOptions options;
  options.random = [value] { return value; };
  return options;
}

// --- scripted cases: one queue, a FakeClock, and what TryGet must hand out after each step ---

struct Step {
  enum class Op { kAdd, kAddAfter, kAdvance, kExpect, kExpectNone, kDone, kRemove };
  Op op;
  std::string key;
  int64_t ms = 0;
};

Step Add(std::string key) { return {Step::Op::kAdd, std::move(key)}; }
Step AddAfter(std::string key, int64_t ms) { return {Step::Op::kAddAfter, std::move(key), ms}; }
Step Advance(int64_t ms) { return {Step::Op::kAdvance, "", ms}; }
Step Expect(std::string key) { return {Step::Op::kExpect, std::move(key)}; }
Step ExpectNone() { return {Step::Op::kExpectNone, ""}; }
Step Done(std::string key) { return {Step::Op::kDone, std::move(key)}; }
Step Remove(std::string key) { return {Step::Op::kRemove, std::move(key)}; }

struct ScriptCase {
  friend void PrintTo(const ScriptCase& c, std::ostream* os) { *os << c.name; }
  const char* name;
  std::vector<Step> steps;
};

class WorkQueueScript : public ::testing::TestWithParam<ScriptCase> {};

TEST_P(WorkQueueScript, HandsOutKeysAsScripted) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  int index = 0;
  for (const Step& step : GetParam().steps) {
    SCOPED_TRACE("step " + std::to_string(index++));
    switch (step.op) {
      case Step::Op::kAdd: queue.Add(step.key); break;
      case Step::Op::kAddAfter: queue.AddAfter(step.key, milliseconds(step.ms)); break;
      case Step::Op::kAdvance: clock.Advance(milliseconds(step.ms)); break;
      case Step::Op::kExpect: EXPECT_EQ(queue.TryGet(), std::optional(step.key)); break;
      case Step::Op::kExpectNone: EXPECT_EQ(queue.TryGet(), std::nullopt); break;
      case Step::Op::kDone: queue.Done(step.key); break;
      case Step::Op::kRemove: queue.Remove(step.key); break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WorkQueueScript,
    ::testing::Values(
        ScriptCase{"a_key_added_twice_while_waiting_is_handed_out_once",
                   {Add("a"), Add("a"), Expect("a"), ExpectNone()}},
        ScriptCase{"a_key_is_not_handed_to_a_second_worker_before_done",
                   {Add("a"), Expect("a"), Add("a"), ExpectNone(), Done("a"), Expect("a")}},
        ScriptCase{"several_adds_while_processing_collapse_into_one_rerun",
                   {Add("a"), Expect("a"), Add("a"), Add("a"), Done("a"), Expect("a"), Done("a"),
                    ExpectNone()}},
        ScriptCase{"done_without_an_add_while_processing_does_not_requeue",
                   {Add("a"), Expect("a"), Done("a"), ExpectNone()}},
        ScriptCase{"a_delayed_add_while_processing_runs_at_its_time_after_done",
                   {Add("a"), Expect("a"), AddAfter("a", 1000), Done("a"), ExpectNone(),
                    Advance(999), ExpectNone(), Advance(1), Expect("a")}},
        ScriptCase{"a_delayed_add_that_comes_due_while_processing_is_ready_on_done",
                   {Add("a"), Expect("a"), AddAfter("a", 1000), Advance(2000), ExpectNone(),
                    Done("a"), Expect("a")}},
        ScriptCase{"while_processing_the_earliest_of_several_delayed_adds_wins",
                   {Add("a"), Expect("a"), AddAfter("a", 5000), AddAfter("a", 1000), Done("a"),
                    Advance(1000), Expect("a")}},
        ScriptCase{"keys_come_out_in_the_order_they_were_added",
                   {Add("c"), Add("a"), Add("b"), Expect("c"), Expect("a"), Expect("b")}},
        ScriptCase{"a_re_added_key_goes_behind_the_keys_already_waiting",
                   {Add("a"), Add("b"), Add("c"), Expect("a"), Done("a"), Add("a"), Expect("b"),
                    Expect("c"), Expect("a")}},
        ScriptCase{"a_ready_key_is_not_also_delayed",
                   {Add("a"), AddAfter("a", 1000), Expect("a"), Done("a"), Advance(2000),
                    ExpectNone()}},
        ScriptCase{"a_delayed_key_re_added_with_an_earlier_time_moves_earlier",
                   {AddAfter("a", 10000), AddAfter("a", 1000), Advance(1000), Expect("a")}},
        ScriptCase{"a_delayed_key_re_added_with_a_later_time_keeps_its_time",
                   {AddAfter("a", 1000), AddAfter("a", 10000), Advance(1000), Expect("a"),
                    Done("a"), Advance(20000), ExpectNone()}},
        ScriptCase{"an_add_makes_a_delayed_key_ready_at_once",
                   {AddAfter("a", 10000), Add("a"), Expect("a"), Done("a"), Advance(20000),
                    ExpectNone()}},
        ScriptCase{"a_delayed_key_is_not_ready_a_millisecond_early",
                   {AddAfter("a", 1000), Advance(999), ExpectNone(), Advance(1), Expect("a")}},
        ScriptCase{"delayed_keys_become_ready_in_order_of_time_then_key",
                   {AddAfter("c", 2000), AddAfter("b", 1000), AddAfter("a", 2000), Advance(5000),
                    Expect("b"), Expect("a"), Expect("c")}},
        ScriptCase{"a_delayed_key_coming_due_queues_behind_keys_already_ready",
                   {AddAfter("a", 1000), Add("b"), Advance(1000), Add("c"), Expect("b"),
                    Expect("a"), Expect("c")}},
        ScriptCase{"a_zero_or_negative_delay_means_ready_now",
                   {AddAfter("a", 0), AddAfter("b", -5), Expect("a"), Expect("b")}},
        ScriptCase{"remove_drops_a_ready_key_and_keeps_the_others_in_order",
                   {Add("a"), Add("b"), Add("c"), Remove("b"), Expect("a"), Expect("c"),
                    ExpectNone()}},
        ScriptCase{"remove_drops_a_delayed_key",
                   {AddAfter("a", 1000), Remove("a"), Advance(2000), ExpectNone()}},
        ScriptCase{"remove_while_processing_means_done_does_not_requeue",
                   {Add("a"), Expect("a"), Add("a"), AddAfter("a", 1000), Remove("a"), Done("a"),
                    Advance(2000), ExpectNone()}},
        ScriptCase{"a_removed_key_can_be_added_again",
                   {Add("a"), Remove("a"), Add("a"), Expect("a")}}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

// --- backoff ---

struct BackoffCase {
  friend void PrintTo(const BackoffCase& c, std::ostream* os) { *os << c.name; }
  const char* name;
  BackoffOptions options;
  std::vector<int64_t> delays_ms;  // returned by consecutive AddRateLimited calls
};

class WorkQueueBackoff : public ::testing::TestWithParam<BackoffCase> {};

TEST_P(WorkQueueBackoff, ConsecutiveFailuresWaitAsListed) {
  FakeClock clock;
  WorkQueueOptions options;
  options.backoff = GetParam().options;
  WorkQueue queue(clock, options);
  std::vector<int64_t> got;
  for (size_t i = 0; i < GetParam().delays_ms.size(); ++i) {
    got.push_back(queue.AddRateLimited("default/app").count());
    ASSERT_EQ(queue.Failures("default/app"), static_cast<int>(i + 1));
  }
  EXPECT_THAT(got, ElementsAreArray(GetParam().delays_ms));
  EXPECT_EQ(queue.stats().retries_total, static_cast<int64_t>(got.size()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WorkQueueBackoff,
    ::testing::Values(
        BackoffCase{"defaults_double_from_750ms_and_stop_at_15min",
                    {},
                    {750, 1500, 3000, 6000, 12000, 24000, 48000, 96000, 192000, 384000, 768000,
                     900000, 900000, 900000}},
        BackoffCase{"flags_set_the_start_and_the_cap",
                    {milliseconds(100), milliseconds(1000)},
                    {100, 200, 400, 800, 1000, 1000}},
        BackoffCase{"a_start_above_the_cap_waits_the_cap",
                    {milliseconds(5000), milliseconds(2000)},
                    {2000, 2000}},
        BackoffCase{"a_zero_start_retries_at_once", {milliseconds(0), milliseconds(1000)}, {0, 0}}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(WorkQueueBackoff, ThousandsOfFailuresStayAtTheCapWithoutOverflow) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  Clock::Duration last{0};
  for (int i = 0; i < 5000; ++i) last = queue.AddRateLimited("default/app");
  EXPECT_EQ(last, std::chrono::minutes(15));
  EXPECT_EQ(queue.Failures("default/app"), 5000);
}

TEST(WorkQueueBackoff, ARateLimitedKeyIsReadyExactlyWhenItsBackoffEnds) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  queue.AddRateLimited("default/app");  // 750 ms
  queue.Done("default/app");
  ASSERT_EQ(queue.TryGet(), std::nullopt);
  EXPECT_EQ(queue.NextReadyAt(), clock.Now() + milliseconds(750));
  clock.Advance(milliseconds(749));
  EXPECT_EQ(queue.TryGet(), std::nullopt);
  clock.Advance(milliseconds(1));
  EXPECT_EQ(queue.TryGet(), "default/app");
}

TEST(WorkQueueBackoff, ForgetResetsTheFailureCountSoTheNextRetryStartsOver) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  for (int i = 0; i < 3; ++i) queue.AddRateLimited("default/app");
  EXPECT_EQ(queue.Failures("default/app"), 3);
  queue.Forget("default/app");
  EXPECT_EQ(queue.Failures("default/app"), 0);
  EXPECT_EQ(queue.AddRateLimited("default/app"), milliseconds(750));
}

TEST(WorkQueueBackoff, FailuresAreCountedPerKey) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  queue.AddRateLimited("default/a");
  queue.AddRateLimited("default/a");
  EXPECT_EQ(queue.AddRateLimited("default/b"), milliseconds(750));
  EXPECT_EQ(queue.Failures("default/a"), 2);
  EXPECT_EQ(queue.Failures("default/never"), 0);
}

TEST(WorkQueueBackoff, RemoveForgetsTheFailuresOfADeletedDeployment) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  queue.AddRateLimited("default/a");
  queue.Remove("default/a");
  EXPECT_EQ(queue.Failures("default/a"), 0);
}

// --- interval with jitter ---

struct JitterCase {
  friend void PrintTo(const JitterCase& c, std::ostream* os) { *os << c.name; }
  const char* name;
  double jitter;
  double random;
  int64_t interval_ms;
  int64_t delay_ms;
};

class WorkQueueInterval : public ::testing::TestWithParam<JitterCase> {};

TEST_P(WorkQueueInterval, RequeuesAfterTheJitteredIntervalAndNoSooner) {
  FakeClock clock;
  WorkQueueOptions options = PinnedRandom(GetParam().random);
  options.jitter = GetParam().jitter;
  WorkQueue queue(clock, options);
  const Clock::Duration delay =
      queue.AddAfterInterval("default/app", milliseconds(GetParam().interval_ms));
  EXPECT_EQ(delay.count(), GetParam().delay_ms);
  if (delay.count() > 0) {
    clock.Advance(delay - milliseconds(1));
    EXPECT_EQ(queue.TryGet(), std::nullopt);
    clock.Advance(milliseconds(1));
  }
  EXPECT_EQ(queue.TryGet(), "default/app");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WorkQueueInterval,
    ::testing::Values(
        JitterCase{"random_0_gives_the_interval_minus_5_percent", 0.05, 0.0, 300000, 285000},
        JitterCase{"random_just_below_1_stays_within_plus_5_percent", 0.05, 0.999999, 300000,
                   315000},
        JitterCase{"random_one_half_gives_the_interval_itself", 0.05, 0.5, 300000, 300000},
        JitterCase{"no_jitter_gives_exactly_the_interval", 0.0, 0.9, 60000, 60000},
        JitterCase{"a_20_percent_jitter_option_widens_the_spread", 0.2, 0.0, 10000, 8000}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(WorkQueueInterval, TheDefaultRandomSourceKeepsEveryDelayWithin5Percent) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  std::set<int64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const int64_t d = queue.AddAfterInterval("default/" + std::to_string(i), milliseconds(100000))
                          .count();
    ASSERT_GE(d, 95000);
    ASSERT_LE(d, 105000);
    seen.insert(d);
  }
  EXPECT_GT(seen.size(), 100u);  // spread out, not one value
}

// --- counters, shutdown ---

TEST(WorkQueueStats, CountDepthWaitingProcessingAddsAndRetries) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  queue.Add("default/a");
  queue.Add("default/b");
  queue.Add("default/b");  // a duplicate schedules nothing
  queue.AddAfter("default/c", milliseconds(5000));
  queue.AddRateLimited("default/d");
  ASSERT_EQ(queue.TryGet(), "default/a");
  clock.Advance(milliseconds(2500));

  const WorkQueueStats s = queue.stats();
  EXPECT_EQ(s.depth, 1);  // b
  EXPECT_EQ(s.waiting, 2);  // c; and d, which is due but becomes ready only when a Get looks
  EXPECT_EQ(s.processing, 1);  // a
  EXPECT_EQ(s.adds_total, 4);
  EXPECT_EQ(s.retries_total, 1);
  EXPECT_DOUBLE_EQ(s.longest_running_seconds, 2.5);

  queue.Done("default/a");
  EXPECT_EQ(queue.stats().processing, 0);
  EXPECT_DOUBLE_EQ(queue.stats().longest_running_seconds, 0);
}

TEST(WorkQueueStats, NextReadyAtIsTheEarliestDelayedTime) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  EXPECT_EQ(queue.NextReadyAt(), std::nullopt);
  queue.AddAfter("default/a", milliseconds(5000));
  queue.AddAfter("default/b", milliseconds(2000));
  EXPECT_EQ(queue.NextReadyAt(), clock.Now() + milliseconds(2000));
}

// The time index behind PromoteReady and NextReadyAt (due_order_) follows every change of a
// delayed key: an earlier AddAfter moves it forward, Remove takes it out, and 10,000 keys come out
// in time order (ties by key) as the clock passes their times.
TEST(WorkQueueStats, NextReadyAtFollowsAKeyMovedEarlierAndARemovedOne) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  queue.AddAfter("default/a", milliseconds(5000));
  queue.AddAfter("default/b", milliseconds(3000));
  queue.AddAfter("default/a", milliseconds(1000));  // earlier: kept
  EXPECT_EQ(queue.NextReadyAt(), clock.Now() + milliseconds(1000));
  queue.AddAfter("default/a", milliseconds(9000));  // later: ignored
  EXPECT_EQ(queue.NextReadyAt(), clock.Now() + milliseconds(1000));
  queue.Remove("default/a");
  EXPECT_EQ(queue.NextReadyAt(), clock.Now() + milliseconds(3000));
  clock.Advance(milliseconds(3000));
  EXPECT_EQ(queue.TryGet(), "default/b");
  EXPECT_EQ(queue.NextReadyAt(), std::nullopt);
}

TEST(WorkQueueStats, TenThousandDelayedKeysComeOutInTimeOrder) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  std::vector<std::pair<int64_t, std::string>> want;
  for (int i = 0; i < 10000; ++i) {
    const int64_t ms = (i * 7919) % 1000;  // many ties
    const std::string key = "ns/d-" + std::to_string(i);
    queue.AddAfter(key, milliseconds(ms));
    want.emplace_back(ms, key);
  }
  std::sort(want.begin(), want.end());
  std::vector<std::string> got;
  for (int step = 0; step <= 1000; ++step) {
    while (std::optional<std::string> key = queue.TryGet()) {
      got.push_back(*key);
      queue.Done(*key);
    }
    clock.Advance(milliseconds(1));
  }
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i].second) << i;
}

TEST(WorkQueueShutDown, NoKeyIsHandedOutAfterShutDownButWorkersMayStillFinish) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  queue.Add("default/a");
  queue.Add("default/b");
  ASSERT_EQ(queue.TryGet(), "default/a");
  queue.ShutDown();
  EXPECT_TRUE(queue.shutting_down());
  EXPECT_EQ(queue.TryGet(), std::nullopt);
  EXPECT_EQ(queue.Get(), std::nullopt);  // returns at once, does not block
  queue.Done("default/a");
  EXPECT_EQ(queue.stats().processing, 0);
}

// --- the blocking Get(): the only tests that wait in real time, each bounded ---

constexpr auto kBlockedFor = milliseconds(100);
constexpr auto kBound = std::chrono::seconds(10);

TEST(WorkQueueGet, ABlockedGetReturnsNothingOnceShutDownIsCalledFromAnotherThread) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  auto got = std::async(std::launch::async, [&] { return queue.Get(); });
  ASSERT_EQ(got.wait_for(kBlockedFor), std::future_status::timeout) << "Get did not block";
  std::thread([&] { queue.ShutDown(); }).join();
  ASSERT_EQ(got.wait_for(kBound), std::future_status::ready);
  EXPECT_EQ(got.get(), std::nullopt);
}

TEST(WorkQueueGet, ABlockedGetReturnsAKeyAddedFromAnotherThread) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  auto got = std::async(std::launch::async, [&] { return queue.Get(); });
  ASSERT_EQ(got.wait_for(kBlockedFor), std::future_status::timeout) << "Get did not block";
  std::thread([&] { queue.Add("default/a"); }).join();
  ASSERT_EQ(got.wait_for(kBound), std::future_status::ready);
  EXPECT_EQ(got.get(), "default/a");
  EXPECT_EQ(queue.stats().processing, 1);
}

// Nobody calls Add: Get notices the FakeClock moving because it re-reads it at least every 200 ms.
TEST(WorkQueueGet, ABlockedGetReturnsADelayedKeyOnceTheFakeClockReachesItsTime) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  queue.AddAfter("default/a", std::chrono::minutes(5));
  auto got = std::async(std::launch::async, [&] { return queue.Get(); });
  ASSERT_EQ(got.wait_for(kBlockedFor), std::future_status::timeout) << "Get did not block";
  clock.Advance(std::chrono::minutes(5));
  ASSERT_EQ(got.wait_for(kBound), std::future_status::ready);
  EXPECT_EQ(got.get(), "default/a");
}

// Many workers, keys re-added all the time: at no moment do two workers hold the same key.
TEST(WorkQueueGet, ConcurrentWorkersNeverHoldTheSameKeyAtOnce) {
  FakeClock clock;
  WorkQueue queue(clock, {});
  std::mutex mu;
  std::set<std::string> held;
  std::atomic<int> overlaps{0}, handled{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.Get()) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!held.insert(*key).second) ++overlaps;
        }
        std::this_thread::yield();
        {
          std::lock_guard<std::mutex> lock(mu);
          held.erase(*key);
        }
        ++handled;
        queue.Done(*key);
      }
    });
  }
  for (int i = 0; i < 20000; ++i) queue.Add("default/" + std::to_string(i % 5));
  const auto give_up = std::chrono::steady_clock::now() + kBound;
  while (std::chrono::steady_clock::now() < give_up) {  // let the workers drain the queue
    const WorkQueueStats s = queue.stats();
    if (s.depth == 0 && s.processing == 0) break;
    std::this_thread::yield();
  }
  queue.ShutDown();
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(handled.load(), 5);  // every key at least once
  EXPECT_EQ(queue.stats().depth, 0);
}

}  // namespace
}  // namespace spaceport::runtime
