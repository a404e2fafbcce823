// SpaceSettingsCache: variables and secrets reused while younger than the resync interval, read
// again once older, and at once after Invalidate (our write, a Hub webhook) — on a FakeClock.
#include "observe/space_settings_cache.h"

#include <gtest/gtest.h>

#include <ostream>

namespace spaceport::observe {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

SpaceSettings Variables(std::string value) {
  SpaceSettings s;
  s.variables = std::map<std::string, std::string>{{"MODEL", std::move(value)}};
  return s;
}

struct Case {
  friend void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }
  const char* name;
  Clock::Duration max_age;
  Clock::Duration after;    // time since the Store
  bool invalidate;          // a webhook or our own write in between
  bool want_reuse;
};

class SettingsResync : public ::testing::TestWithParam<Case> {};

TEST_P(SettingsResync, ReusesOnlyWhileYoungerThanTheResyncInterval) {
  const Case& c = GetParam();
  FakeClock clock;
  SpaceSettingsCache cache(clock, c.max_age);
  cache.Store("acme/tools", Variables("a"));
  clock.Advance(c.after);
  if (c.invalidate) cache.Invalidate("acme/tools");
  std::optional<SpaceSettings> got = cache.Reuse("acme/tools");
  EXPECT_EQ(got.has_value(), c.want_reuse);
  if (got) {
    EXPECT_EQ(got->variables->at("MODEL"), "a");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SettingsResync,
    ::testing::Values(
        Case{"zero_reads_every_pass", Clock::Duration(0), Clock::Duration(0), false, false},
        Case{"younger_than_the_interval_is_reused", minutes(10), minutes(9) + seconds(59), false, true},
        Case{"as_old_as_the_interval_is_read_again", minutes(10), minutes(10), false, false},
        Case{"a_webhook_or_our_write_reads_again_at_once", minutes(10), seconds(1), true, false}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(SettingsResync, AStoreAfterTheReadStartsTheIntervalAgainAndOtherSpacesAreUntouched) {
  FakeClock clock;
  SpaceSettingsCache cache(clock, minutes(10));
  cache.Store("acme/tools", Variables("a"));
  cache.Store("acme/other", Variables("b"));
  clock.Advance(minutes(10));
  EXPECT_FALSE(cache.Reuse("acme/tools"));
  cache.Store("acme/tools", Variables("c"));
  clock.Advance(minutes(5));
  ASSERT_TRUE(cache.Reuse("acme/tools"));
  EXPECT_EQ(cache.Reuse("acme/tools")->variables->at("MODEL"), "c");
  cache.Invalidate("acme/tools");
  EXPECT_FALSE(cache.Reuse("acme/tools"));
  EXPECT_FALSE(cache.Reuse("acme/other"));  // aged out on its own, not by the other's Invalidate
}

}  // namespace
}  // namespace spaceport::observe
