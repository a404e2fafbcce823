// RateLimit / RateLimit-Policy (IETF draft v9 as the Hub sends them) and the pause a 429 asks for.
#include "clients/hub/rate_limit_headers.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "hub/fake_hub.h"

namespace spaceport::hub {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Reply;

TEST(RateLimitHeaders, TheHubsRateLimitValueGivesRemainingAndReset) {
  struct Case {
    std::string name;
    std::string value;
    std::optional<int64_t> remaining;
    std::optional<seconds> reset;
    std::string policy_name;
  };
  const Case cases[] = {
      {"the Hub's form", R"("api";r=0;t=120)", 0, seconds(120), "api"},
      {"spaces around parameters are tolerated", R"("api"; r=12 ; t=30)", 12, seconds(30), "api"},
      {"an unnamed item", "r=5;t=1", 5, seconds(1), ""},
      {"unknown parameters are ignored", R"("api";r=3;t=9;x=abc)", 3, seconds(9), "api"},
      {"the first item that carries numbers is used", R"("empty", "api";r=1;t=2)", 1, seconds(2),
       "api"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto state = ParseRateLimit(c.value);
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->remaining, c.remaining);
    EXPECT_EQ(state->reset, c.reset);
    EXPECT_EQ(state->name, c.policy_name);
  }
  EXPECT_FALSE(ParseRateLimit("garbage").has_value());
  EXPECT_FALSE(ParseRateLimit(R"("api";r=-1;t=x)").has_value());
}

TEST(RateLimitHeaders, TheHubsPolicyValueGivesQuotaAndWindow) {
  auto policy = ParseRateLimitPolicy(R"("fixed window";"api";q=1000;w=300)");
  ASSERT_TRUE(policy.has_value());
  EXPECT_EQ(policy->name, "api");
  EXPECT_EQ(policy->quota, 1000);
  EXPECT_EQ(policy->window, seconds(300));
}

TEST(RateLimitHeaders, PauseAfterTakesTheLongerOfResetAndRetryAfter) {
  FakeClock clock;
  struct Case {
    std::string name;
    http::Headers headers;
    std::optional<milliseconds> want;
  };
  const Case cases[] = {
      {"RateLimit r=0 gives its reset", {{"RateLimit", R"("api";r=0;t=120)"}}, seconds(120)},
      {"RateLimit with requests remaining gives no pause", {{"RateLimit", R"("api";r=5;t=120)"}},
       std::nullopt},
      {"Retry-After seconds", {{"Retry-After", "42"}}, seconds(42)},
      {"Retry-After as an HTTP-date", {{"Retry-After", "Thu, 01 Jan 2026 00:01:00 GMT"}},
       seconds(60)},
      {"both: the longer one", {{"RateLimit", R"("api";r=0;t=10)"}, {"Retry-After", "30"}},
       seconds(30)},
      {"no hint at all", {}, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(PauseAfter(Reply(429, "", c.headers), clock.Now()), c.want);
  }
}

}  // namespace
}  // namespace spaceport::hub
