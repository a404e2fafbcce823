// HostBudget on a FakeClock: fixed windows, waiting or failing fast, and 429 pauses that hold
// back every caller of the host.
#include "clients/hub/host_budget.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "clients/hub/budgeted_transport.h"
#include "clients/hub/hub_error.h"
#include "hub/fake_hub.h"

namespace spaceport::hub {
namespace {

using std::chrono::seconds;
using testing::FakeHub;
using testing::Reply;

HostBudgetOptions Budget(int64_t per_window, HostBudgetOptions::WhenExhausted when =
                                                 HostBudgetOptions::WhenExhausted::kWait) {
  HostBudgetOptions o;
  o.requests_per_window = per_window;
  o.window = seconds(300);
  o.when_exhausted = when;
  return o;
}

TEST(HostBudget, RequestsWithinTheBudgetGoOutWithoutWaiting) {
  FakeClock clock;
  HostBudget budget(clock, Budget(3));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(budget.Acquire("GET x").ok());
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
  EXPECT_EQ(budget.stats().total, 3);
  EXPECT_EQ(budget.stats().in_window, 3);
}

TEST(HostBudget, ARequestBeyondTheBudgetWaitsForTheNextFixedWindow) {
  FakeClock clock;  // starts on a window boundary (2026-01-01T00:00:00Z)
  HostBudget budget(clock, Budget(2));
  clock.Advance(seconds(100));
  ASSERT_TRUE(budget.Acquire("a").ok());
  ASSERT_TRUE(budget.Acquire("b").ok());
  ASSERT_TRUE(budget.Acquire("c").ok());
  EXPECT_EQ(clock.slept(), seconds(200));  // to the boundary at 300 s, not 300 s after "a"
  HostBudgetStats stats = budget.stats();
  EXPECT_EQ(stats.in_window, 1);
  EXPECT_EQ(stats.max_in_window, 2);
  EXPECT_EQ(stats.waits, 1);
}

TEST(HostBudget, FailFastRefusesBeyondTheBudgetSayingWhenTheHostIsFree) {
  FakeClock clock;
  HostBudget budget(clock, Budget(1, HostBudgetOptions::WhenExhausted::kFailFast));
  clock.Advance(seconds(60));
  ASSERT_TRUE(budget.Acquire("GET one").ok());
  Status refused = budget.Acquire("GET two");
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ConditionReasonFor(refused), reason::kRateLimited);
  EXPECT_NE(refused.message().find("GET two"), std::string::npos);
  EXPECT_NE(refused.message().find("240 s"), std::string::npos) << refused.message();
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
  EXPECT_EQ(budget.stats().refusals, 1);
  EXPECT_EQ(budget.stats().total, 1);
}

TEST(HostBudget, A429PausesTheHostForAsLongAsTheHubAsks) {
  struct Case {
    std::string name;
    http::Headers headers;
    Clock::Duration want_pause;
  };
  const Case cases[] = {
      {"Retry-After", {{"Retry-After", "30"}}, seconds(30)},
      {"RateLimit reset when nothing remains",
       {{"RateLimit", R"("api";r=0;t=75)"}, {"RateLimit-Policy", R"("fixed window";"api";q=1000;w=300)"}},
       seconds(75)},
      {"no hint: the default pause", {}, seconds(30)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeClock clock;
    HostBudget budget(clock, Budget(1000));
    budget.Observe(Reply(429, "", c.headers));
    EXPECT_EQ(budget.PauseRemaining(), c.want_pause);
    ASSERT_TRUE(budget.Acquire("next").ok());
    EXPECT_EQ(clock.slept(), c.want_pause);
    EXPECT_EQ(budget.stats().rate_limited, 1);
    EXPECT_FALSE(budget.PauseRemaining().has_value());
  }
}

TEST(HostBudget, ASuccessSayingNothingRemainsPausesBeforeThe429) {
  FakeClock clock;
  HostBudget budget(clock, Budget(1000));
  budget.Observe(Reply(200, "{}", {{"RateLimit", R"("api";r=0;t=12)"}}));
  EXPECT_EQ(budget.PauseRemaining(), Clock::Duration(seconds(12)));
  budget.Observe(Reply(200, "{}", {{"RateLimit", R"("api";r=7;t=12)"}}));
  EXPECT_EQ(budget.PauseRemaining(), Clock::Duration(seconds(12)));  // not shortened
}

// The Hub's count of the window, as its headers state it on every answer.
http::Headers HubCount(int64_t remaining, int64_t reset_seconds) {
  return {{"RateLimit",
           R"("api";r=)" + std::to_string(remaining) + ";t=" + std::to_string(reset_seconds)},
          {"RateLimit-Policy", R"("fixed window";"api";q=10;w=300)"}};
}

TEST(HostBudget, TheHubsCountOfTheSameWindowIsTakenWhenItIsHigher) {
  struct Case {
    std::string name;
    http::Headers headers;
    int64_t want_in_window;
  };
  // Three requests admitted at 100 s into a window (it ends in 200 s); the first is answered.
  const Case cases[] = {
      {"the Hub counted 8 (others' requests): 8 plus the 2 still on their way", HubCount(2, 200),
       10},
      {"the Hub counted less than we sent: ours stands", HubCount(9, 200), 3},
      {"a reset rounded up to the next whole second is still this window", HubCount(2, 201), 10},
      {"an answer about the window before (it ends in 1 s) is not taken", HubCount(2, 1), 3},
      {"no RateLimit-Policy: no quota to count from", {{"RateLimit", R"("api";r=2;t=200)"}}, 3},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeClock clock;
    HostBudget budget(clock, Budget(10));
    clock.Advance(seconds(100));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(budget.Acquire("GET x").ok());
    budget.Observe(Reply(200, "{}", c.headers));
    EXPECT_EQ(budget.stats().in_window, c.want_in_window);
    EXPECT_EQ(budget.stats().in_flight, 2);
  }
}

TEST(HostBudget, RequestsOnTheirWayAtABoundaryAreCountedInTheNextWindowWhenTheHubSaysSo) {
  FakeClock clock;
  HostBudget budget(clock, Budget(10));
  clock.Advance(seconds(299));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(budget.Acquire("GET x").ok());  // window 0
  clock.Advance(seconds(2));                                                // now in window 1
  // The four arrived after the boundary: the Hub counts them in window 1, and one is answered.
  budget.Observe(Reply(200, "{}", HubCount(6, 299)));
  EXPECT_EQ(budget.stats().in_window, 7);  // the Hub's 4, and 3 answers still to come
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(budget.Acquire("GET y").ok());
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
  ASSERT_TRUE(budget.Acquire("GET z").ok());  // the 11th in window 1 waits for window 2
  EXPECT_EQ(clock.slept(), Clock::Duration(seconds(299)));
}

TEST(HostBudget, AnUnansweredRequestIsNoLongerOnItsWay) {
  FakeClock clock;
  HostBudget budget(clock, Budget(10));
  ASSERT_TRUE(budget.Acquire("GET x").ok());
  ASSERT_TRUE(budget.Acquire("GET y").ok());
  budget.Unanswered();
  EXPECT_EQ(budget.stats().in_flight, 1);
  budget.Observe(Reply(200));
  budget.Observe(Reply(200));  // more answers than requests never count below zero
  EXPECT_EQ(budget.stats().in_flight, 0);
  EXPECT_EQ(budget.stats().in_window, 2);
}

TEST(HostBudget, APauseLongerThanMaxWaitFailsEvenInWaitMode) {
  FakeClock clock;
  HostBudgetOptions o = Budget(1000);
  o.max_wait = seconds(60);
  HostBudget budget(clock, o);
  budget.Observe(Reply(429, "", {{"Retry-After", "3600"}}));  // the commit quota's hour
  Status s = budget.Acquire("POST commit");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("429"), std::string::npos);
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
}

TEST(HostBudget, ManyThreadsNeverExceedTheWindowBudget) {
  FakeClock clock;
  const Clock::TimePoint start = clock.Now();
  HostBudget budget(clock, Budget(30));
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!budget.Acquire("GET").ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  HostBudgetStats stats = budget.stats();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(stats.total, kThreads * kEach);
  EXPECT_EQ(stats.max_in_window, 30);
  // 400 requests at 30 per window need at least 13 window boundaries to pass.
  EXPECT_GE(clock.Now() - start, Clock::Duration(seconds(300 * 13)));
}

TEST(BudgetedTransport, RequestsOnTheWireAreSpreadOverWindowsNeverAboveTheBudget) {
  FakeClock clock;
  FakeHub hub(&clock);
  for (int i = 0; i < 70; ++i) hub.Expect("GET /api/x", Reply(200));
  auto budget = std::make_shared<HostBudget>(clock, Budget(30));
  BudgetedTransport wire(hub, budget, testing::kHubOrigin);
  for (int i = 0; i < 70; ++i) {
    http::Request r;
    r.url = std::string(testing::kHubOrigin) + "/api/x";
    ASSERT_TRUE(wire.Send(r).ok());
  }
  std::map<int64_t, int> per_window;
  for (Clock::TimePoint t : hub.times()) {
    per_window[std::chrono::duration_cast<seconds>(t.time_since_epoch()).count() / 300]++;
  }
  std::vector<int> counts;
  for (const auto& [window, n] : per_window) counts.push_back(n);
  EXPECT_EQ(counts, (std::vector<int>{30, 30, 10}));
}

TEST(BudgetedTransport, A429BecomesAFailureAndOtherHostsAreNotCharged) {
  FakeClock clock;
  FakeHub hub(&clock);
  hub.Expect("GET /api/x", testing::HubError(429, "", "slow down"))
      .Expect("GET https://cdn.test/blob", Reply(200, "bytes"))
      .Expect("GET /api/x", Reply(200));
  auto budget = std::make_shared<HostBudget>(clock, Budget(1000));
  BudgetedTransport wire(hub, budget, testing::kHubOrigin);
  http::Request api;
  api.url = std::string(testing::kHubOrigin) + "/api/x";
  auto limited = wire.Send(api);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(limited.status().message().find("slow down"), std::string::npos);
  EXPECT_NE(limited.status().message().find("paused for 30 s"), std::string::npos)
      << limited.status().message();

  http::Request cdn;
  cdn.url = "https://cdn.test/blob";
  ASSERT_TRUE(wire.Send(cdn).ok());  // another host: not paused, not counted
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
  ASSERT_TRUE(wire.Send(api).ok());  // the Hub: waits out the pause first
  EXPECT_EQ(clock.slept(), Clock::Duration(seconds(30)));
  EXPECT_EQ(budget->stats().total, 2);
}

// A Hub that cannot be reached: every send fails without an answer.
class Unreachable final : public http::Transport {
 public:
  Result<http::Response> Send(const http::Request&) override {
    return Status(StatusCode::kUnavailable, "connection refused");
  }
};

TEST(BudgetedTransport, ARequestThatGotNoAnswerCountsButIsNoLongerOnItsWay) {
  FakeClock clock;
  Unreachable down;
  auto budget = std::make_shared<HostBudget>(clock, Budget(10));
  BudgetedTransport wire(down, budget, testing::kHubOrigin);
  http::Request r;
  r.url = std::string(testing::kHubOrigin) + "/api/x";
  EXPECT_FALSE(wire.Send(r).ok());
  EXPECT_EQ(budget->stats().in_window, 1);  // it may have reached the Hub
  EXPECT_EQ(budget->stats().in_flight, 0);
}

}  // namespace
}  // namespace spaceport::hub
