// Request budgets: fixed windows per token and bucket, 429 with Retry-After and the RateLimit
// headers, and a count that never exceeds the quota.
#include <gtest/gtest.h>

#include "emulators/hub/rate_budget.h"
#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using std::chrono::seconds;
using testing::HubFixture;
using testing::kAlice;
using testing::kBob;

TEST(RateBudget, AdmitsUpToTheQuotaPerWindowThenRefusesUntilTheWindowEnds) {
  FakeClock clock;  // 2026-01-01T00:00:00Z, a multiple of 300 s
  RateBudget budget(seconds(300));
  clock.Advance(seconds(100));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(budget.Take("alice", "api", 3, clock.Now()).allowed);
  const BudgetDecision refused = budget.Take("alice", "api", 3, clock.Now());
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reset_seconds, 200);
  clock.Advance(seconds(199));
  EXPECT_FALSE(budget.Take("alice", "api", 3, clock.Now()).allowed);
  clock.Advance(seconds(1));  // the next window
  const BudgetDecision next = budget.Take("alice", "api", 3, clock.Now());
  EXPECT_TRUE(next.allowed);
  EXPECT_EQ(next.remaining, 2);
  EXPECT_EQ(next.reset_seconds, 300);
}

TEST(RateBudget, CallersAndBucketsHaveSeparateBudgets) {
  FakeClock clock;
  RateBudget budget(seconds(60));
  EXPECT_TRUE(budget.Take("alice", "api", 1, clock.Now()).allowed);
  EXPECT_FALSE(budget.Take("alice", "api", 1, clock.Now()).allowed);
  EXPECT_TRUE(budget.Take("alice", "resolvers", 1, clock.Now()).allowed);
  EXPECT_TRUE(budget.Take("bob", "api", 1, clock.Now()).allowed);
}

TEST(RateBudget, HeadersFollowTheIetfDraftTheHubUses) {
  BudgetDecision d;
  d.bucket = "api";
  d.quota = 1000;
  d.remaining = 0;
  d.reset_seconds = 42;
  d.window_seconds = 300;
  const http::Response r = RateLimited(d);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.Get("Retry-After"), "42");
  EXPECT_EQ(r.headers.Get("RateLimit"), "\"api\";r=0;t=42");
  EXPECT_EQ(r.headers.Get("RateLimit-Policy"), "\"fixed window\";\"api\";q=1000;w=300");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json; charset=utf-8");
}

Options SmallBudget() {
  Options o = testing::DefaultOptions();
  o.api_budget = 5;
  o.resolver_budget = 2;
  o.window = seconds(60);
  return o;
}

TEST(RateBudgetEndpoints, TheRequestOverTheQuotaGets429WithRetryAfterToTheWindowEnd) {
  HubFixture hub(SmallBudget());
  hub.clock.Advance(seconds(15));
  for (int i = 0; i < 5; ++i) {
    const auto r = hub.Get("/api/whoami-v2");
    ASSERT_EQ(r.status(), 200);
    EXPECT_EQ(r.header("RateLimit"), "\"api\";r=" + std::to_string(4 - i) + ";t=45");
  }
  const auto refused = hub.Get("/api/whoami-v2");
  EXPECT_EQ(refused.status(), 429);
  EXPECT_EQ(refused.header("Retry-After"), "45");
  EXPECT_EQ(refused.header("RateLimit-Policy"), "\"fixed window\";\"api\";q=5;w=60");
  EXPECT_EQ(hub.Get("/api/whoami-v2", kBob).status(), 200) << "bob has his own budget";
  hub.clock.Advance(seconds(45));
  EXPECT_EQ(hub.Get("/api/whoami-v2").status(), 200) << "a new window";
}

TEST(RateBudgetEndpoints, DownloadsUseTheResolverBucketAndTheControlApiIsFree) {
  HubFixture hub(SmallBudget());
  hub.CreateSpace("alice/demo");  // api 1
  for (int i = 0; i < 2; ++i) EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/main/README.md").status(), 200);
  EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/main/README.md").status(), 429);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(hub.hub->Control("GET", "/__emulator/stats").ok());
  EXPECT_EQ(hub.Get("/api/whoami-v2").status(), 200) << "api budget untouched by downloads and control calls";
}

TEST(RateBudgetEndpoints, AClientThatWaitsForRetryAfterIsNeverRefusedTwiceAndNeverExceedsTheQuota) {
  HubFixture hub(SmallBudget());
  int refusals = 0;
  for (int i = 0; i < 40; ++i) {
    const auto r = hub.Get("/api/whoami-v2");
    if (r.status() == 429) {
      ++refusals;
      hub.clock.Advance(seconds(std::stoi(r.header("Retry-After"))));
      ASSERT_EQ(hub.Get("/api/whoami-v2").status(), 200) << "Retry-After leads to the next window";
    }
    hub.clock.Advance(seconds(1));
  }
  const Json stats = *hub.hub->Control("GET", "/__emulator/stats");
  const Json& api = *stats.Find("budget")->Find("callers")->Find("alice")->Find("api");
  EXPECT_EQ(api.Find("quota")->AsInt(), 5);
  EXPECT_LE(*api.Find("max_used_in_any_window")->AsInt(), 5);
  EXPECT_EQ(api.Find("max_used_in_any_window")->AsInt(), 5);
  EXPECT_EQ(api.Find("refused")->AsInt(), refusals);
  EXPECT_GT(refusals, 0);
}

TEST(RateBudgetEndpoints, AnonymousCallersShareOneBudget) {
  HubFixture hub(SmallBudget());
  hub.CreateSpace("alice/demo");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(hub.Get("/api/spaces/alice/demo", "").status(), 200);
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo", "").status(), 429);
  const Json stats = *hub.hub->Control("GET", "/__emulator/stats");
  EXPECT_TRUE(stats.Find("budget")->Find("callers")->Find("anonymous"));
}

}  // namespace
}  // namespace spaceport::hub_emulator
