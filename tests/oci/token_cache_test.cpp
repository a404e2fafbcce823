#include "clients/oci/token_cache.h"

#include <gtest/gtest.h>

namespace spaceport::oci {
namespace {

using std::chrono::seconds;

TEST(TokenCache, ATokenWithoutExpiresInIsUsedFor48SecondsOfItsAssumed60) {
  FakeClock clock;
  TokenCache cache(clock);
  ScopeSet pull{Scope::Pull("o/a")};
  cache.Put("ghcr.io", pull, "t1", std::nullopt);
  clock.Advance(seconds(47));
  EXPECT_EQ(cache.Get("ghcr.io", pull), "t1");
  clock.Advance(seconds(1));  // 48 s: inside the refresh margin (a fifth of 60 s)
  EXPECT_EQ(cache.Get("ghcr.io", pull), std::nullopt);
}

TEST(TokenCache, ALongTokenIsRefreshedThirtySecondsBeforeItExpires) {
  FakeClock clock;
  TokenCache cache(clock);
  ScopeSet pull{Scope::Pull("o/a")};
  cache.Put("r", pull, "t", seconds(300));
  clock.Advance(seconds(269));
  EXPECT_EQ(cache.Get("r", pull), "t");
  clock.Advance(seconds(1));
  EXPECT_EQ(cache.Get("r", pull), std::nullopt);
}

TEST(TokenCache, ANonPositiveExpiresInCountsAsMissing) {
  FakeClock clock;
  TokenCache cache(clock);
  ScopeSet pull{Scope::Pull("o/a")};
  cache.Put("r", pull, "t", seconds(0));
  clock.Advance(seconds(40));
  EXPECT_EQ(cache.Get("r", pull), "t");
}

TEST(TokenCache, AWiderTokenServesNarrowerRequestsButNotTheOtherWayRound) {
  FakeClock clock;
  TokenCache cache(clock);
  ScopeSet publish{Scope::Pull("o/src"), Scope::Push("o/dst")};
  cache.Put("r", publish, "wide", seconds(300));
  EXPECT_EQ(cache.Get("r", ScopeSet{Scope::Pull("o/src")}), "wide");
  EXPECT_EQ(cache.Get("r", ScopeSet{Scope::Push("o/dst")}), "wide");
  EXPECT_EQ(cache.Get("r", ScopeSet{Scope::Push("o/src")}), std::nullopt);
  EXPECT_EQ(cache.Get("other-registry", ScopeSet{Scope::Pull("o/src")}), std::nullopt);
}

TEST(TokenCache, InvalidateDropsOnlyTheRefusedToken) {
  FakeClock clock;
  TokenCache cache(clock);
  ScopeSet a{Scope::Pull("o/a")};
  ScopeSet b{Scope::Pull("o/b")};
  cache.Put("r", a, "ta", seconds(300));
  cache.Put("r", b, "tb", seconds(300));
  cache.Invalidate("r", "ta");
  EXPECT_EQ(cache.Get("r", a), std::nullopt);
  EXPECT_EQ(cache.Get("r", b), "tb");
}

TEST(TokenCache, ExpiredEntriesAreDroppedWhenANewTokenArrives) {
  FakeClock clock;
  TokenCache cache(clock);
  cache.Put("r", ScopeSet{Scope::Pull("o/a")}, "old", seconds(60));
  clock.Advance(seconds(61));
  cache.Put("r", ScopeSet{Scope::Pull("o/b")}, "new", seconds(60));
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace spaceport::oci
