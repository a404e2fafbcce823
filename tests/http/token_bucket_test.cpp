// TokenBucket on injected clocks: bursts then one request per interval, pauses after 429/503
// with Retry-After that hold back every caller, refusals past max_wait, turns in arrival order.
#include "http/token_bucket.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <thread>
#include <vector>

namespace spaceport::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TokenBucketOptions Rate(double per_second, int burst) {
  TokenBucketOptions o;
  o.requests_per_second = per_second;
  o.burst = burst;
  return o;
}

Response Answer(int status, std::optional<std::string> retry_after = std::nullopt) {
  Response r;
  r.status = status;
  if (retry_after) r.headers.Add("Retry-After", *retry_after);
  return r;
}

// A clock whose sleepers stay asleep until Open(), so a test can line callers up while they
// wait; a sleep advances the time by its length when it ends.
class HeldClock final : public Clock {
 public:
  TimePoint Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::time_point(Now().time_since_epoch());
  }
  void SleepFor(Duration d) override {
    std::unique_lock<std::mutex> lock(mu_);
    sleeps_.push_back(d);
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    now_ += d;
  }
  void WaitForSleepers(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return sleeps_.size() >= n; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  std::vector<Duration> sleeps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  TimePoint now_ = FakeClock().Now();
  bool open_ = false;
  std::vector<Duration> sleeps_;
};

TEST(TokenBucket, AFullBucketAdmitsTheBurstAtOnceThenOneRequestPerInterval) {
  FakeClock clock;
  TokenBucket bucket(clock, Rate(4, 3));
  const Clock::TimePoint start = clock.Now();
  std::vector<Clock::Duration> admitted_at;
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(bucket.Acquire("GET https://ghcr.io").ok());
    admitted_at.push_back(std::chrono::duration_cast<Clock::Duration>(clock.Now() - start));
  }
  EXPECT_EQ(admitted_at, (std::vector<Clock::Duration>{milliseconds(0), milliseconds(0),
                                                       milliseconds(0), milliseconds(250),
                                                       milliseconds(500), milliseconds(750)}));
  const TokenBucketStats stats = bucket.stats();
  EXPECT_EQ(stats.admitted, 6);
  EXPECT_EQ(stats.waits, 3);
  EXPECT_EQ(stats.refusals, 0);
  EXPECT_EQ(stats.tokens_now, 0);
}

TEST(TokenBucket, TokensComeBackAtTheRateWhileIdleButNeverAboveTheBurst) {
  FakeClock clock;
  TokenBucket bucket(clock, Rate(2, 4));
  EXPECT_EQ(bucket.stats().tokens_now, 4);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(bucket.Acquire("GET x").ok());
  EXPECT_EQ(bucket.stats().tokens_now, 1);
  clock.Advance(milliseconds(499));
  EXPECT_EQ(bucket.stats().tokens_now, 1);
  clock.Advance(milliseconds(1));
  EXPECT_EQ(bucket.stats().tokens_now, 2);
  clock.Advance(seconds(60));
  EXPECT_EQ(bucket.stats().tokens_now, 4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(bucket.Acquire("GET x").ok());
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
}

struct PauseCase {
  friend void PrintTo(const PauseCase& c, std::ostream* os) { *os << c.name; }
  const char* name;
  Response answer;
  bool pauses;
  Clock::Duration pause;  // the wait of the next Acquire
};

class TokenBucketPause : public ::testing::TestWithParam<PauseCase> {};

TEST_P(TokenBucketPause, TheNextRequestWaitsExactlyAsLongAsTheHostAsked) {
  FakeClock clock;
  TokenBucket bucket(clock, {});
  EXPECT_EQ(bucket.Observe(GetParam().answer), GetParam().pauses);
  ASSERT_TRUE(bucket.Acquire("GET https://ghcr.io").ok());
  EXPECT_EQ(clock.slept(), GetParam().pause);
  EXPECT_EQ(bucket.stats().rate_limited, GetParam().pauses ? 1 : 0);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TokenBucketPause,
    ::testing::Values(
        PauseCase{"a_429_with_retry_after_seconds_pauses_that_long", Answer(429, "7"), true,
                  seconds(7)},
        PauseCase{"a_429_with_an_http_date_pauses_until_that_date",
                  Answer(429, "Thu, 01 Jan 2026 00:00:30 GMT"), true, seconds(30)},
        PauseCase{"a_503_with_retry_after_pauses_too", Answer(503, "3"), true, seconds(3)},
        PauseCase{"a_429_without_retry_after_pauses_the_default_5_s", Answer(429), true,
                  seconds(5)},
        PauseCase{"a_429_with_a_malformed_retry_after_pauses_the_default", Answer(429, "soon"),
                  true, seconds(5)},
        PauseCase{"a_503_without_retry_after_is_an_outage_not_a_pause", Answer(503), false,
                  seconds(0)},
        PauseCase{"a_success_with_retry_after_does_not_pause", Answer(200, "9"), false,
                  seconds(0)}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(TokenBucket, A429SeenByOneWorkerPausesEveryWorkerAndTheBucketRestartsEmpty) {
  FakeClock clock;
  TokenBucket bucket(clock, Rate(20, 40));
  const Clock::TimePoint start = clock.Now();
  std::thread seen_by([&] {
    EXPECT_TRUE(bucket.Acquire("GET https://ghcr.io").ok());
    EXPECT_TRUE(bucket.Observe(Answer(429, "7")));
  });
  seen_by.join();
  EXPECT_EQ(bucket.stats().paused_until, start + seconds(7));
  EXPECT_EQ(bucket.stats().tokens_now, 0);

  std::vector<Clock::Duration> admitted_at;
  for (int worker = 0; worker < 3; ++worker) {  // one after another, each on its own thread
    std::thread other([&] {
      EXPECT_TRUE(bucket.Acquire("GET https://ghcr.io").ok());
      admitted_at.push_back(std::chrono::duration_cast<Clock::Duration>(clock.Now() - start));
    });
    other.join();
  }
  // No burst the instant the pause ends: one request per 50 ms from then on.
  EXPECT_EQ(admitted_at,
            (std::vector<Clock::Duration>{seconds(7), milliseconds(7050), milliseconds(7100)}));
  EXPECT_EQ(bucket.stats().paused_until, std::nullopt);
}

TEST(TokenBucket, APauseExtendsButNeverShortensOneInForce) {
  FakeClock clock;
  TokenBucket bucket(clock, {});
  bucket.Observe(Answer(429, "10"));
  bucket.Observe(Answer(429, "2"));
  EXPECT_EQ(bucket.PauseRemaining(), Clock::Duration(seconds(10)));
  bucket.Observe(Answer(503, "20"));
  EXPECT_EQ(bucket.PauseRemaining(), Clock::Duration(seconds(20)));
  EXPECT_EQ(bucket.stats().rate_limited, 3);
}

TEST(TokenBucket, APauseLongerThanMaxWaitIsRefusedNamingTheRequestAndWhenTheHostIsBack) {
  FakeClock clock;
  TokenBucket bucket(clock, {});  // max_wait 60 s
  bucket.Observe(Answer(429, "120"));
  Status refused = bucket.Acquire("GET https://ghcr.io");
  ASSERT_EQ(refused.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(),
            "GET https://ghcr.io: not sent: every request to this host is paused after a "
            "rate-limit answer; the host is available again in 120 s (at 2026-01-01T00:02:00Z)");
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
  EXPECT_EQ(bucket.stats().refusals, 1);
  EXPECT_EQ(bucket.stats().admitted, 0);
}

TEST(TokenBucket, AQueueLongerThanMaxWaitIsRefusedAndTheRefusalBooksNoTurn) {
  FakeClock clock;
  TokenBucketOptions o = Rate(1, 1);
  o.max_wait = milliseconds(500);
  TokenBucket bucket(clock, o);
  ASSERT_TRUE(bucket.Acquire("GET https://ghcr.io").ok());
  Status refused = bucket.Acquire("GET https://ghcr.io");
  ASSERT_EQ(refused.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(),
            "GET https://ghcr.io: not sent: the rate limit (1 per second, burst 1) has callers "
            "queued; the host is available again in 1 s (at 2026-01-01T00:00:01Z)");
  clock.Advance(seconds(1));
  ASSERT_TRUE(bucket.Acquire("GET https://ghcr.io").ok());  // the refused caller took nothing
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
}

TEST(TokenBucket, WaitingCallersGetTurnsInArrivalOrderAndSleepOutsideTheLock) {
  HeldClock clock;
  TokenBucket bucket(clock, Rate(10, 1));
  ASSERT_TRUE(bucket.Acquire("GET x").ok());  // takes the only token
  Status first_status, second_status;
  std::thread first([&] { first_status = bucket.Acquire("GET x"); });
  clock.WaitForSleepers(1);
  // `first` is asleep; a later caller still gets in, and gets the turn after it.
  std::thread second([&] { second_status = bucket.Acquire("GET x"); });
  clock.WaitForSleepers(2);
  EXPECT_EQ(clock.sleeps(), (std::vector<Clock::Duration>{milliseconds(100), milliseconds(200)}));
  clock.Open();
  first.join();
  second.join();
  EXPECT_TRUE(first_status.ok());
  EXPECT_TRUE(second_status.ok());
  EXPECT_EQ(bucket.stats().admitted, 3);
  EXPECT_EQ(bucket.stats().waits, 2);
}

TEST(TokenBucket, ACallerAsleepWhenAPauseStartsWaitsItOutBeforeSending) {
  HeldClock clock;
  TokenBucket bucket(clock, Rate(1, 1));
  const Clock::TimePoint start = clock.Now();
  ASSERT_TRUE(bucket.Acquire("GET x").ok());
  Clock::TimePoint sent_at;
  std::thread waiting([&] {
    EXPECT_TRUE(bucket.Acquire("GET x").ok());
    sent_at = clock.Now();
  });
  clock.WaitForSleepers(1);  // booked the turn at +1 s
  bucket.Observe(Answer(429, "7"));
  clock.Open();
  waiting.join();
  EXPECT_EQ(sent_at, start + seconds(7));
  EXPECT_EQ(clock.sleeps(), (std::vector<Clock::Duration>{seconds(1), seconds(6)}));
}

TEST(TokenBucket, WithoutARateOnlyPausesHoldCallersBack) {
  FakeClock clock;
  TokenBucket bucket(clock, Rate(0, 40));
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(bucket.Acquire("GET x").ok());
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
  EXPECT_EQ(bucket.stats().tokens_now, 40);
  bucket.Observe(Answer(429, "2"));
  ASSERT_TRUE(bucket.Acquire("GET x").ok());
  EXPECT_EQ(clock.slept(), Clock::Duration(seconds(2)));
}

TEST(TokenBucket, ManyThreadsAreEachAdmittedOnceWithNothingLost) {
  FakeClock clock;
  TokenBucket bucket(clock, Rate(100, 5));
  constexpr int kThreads = 8, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) failures += bucket.Acquire("GET x").ok() ? 0 : 1;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(bucket.stats().admitted, kThreads * kEach);
  // 200 requests at 100/s after a burst of 5 need at least 1.95 s.
  EXPECT_GE(clock.slept(), Clock::Duration(milliseconds(1950)));
}

}  // namespace
}  // namespace spaceport::http
