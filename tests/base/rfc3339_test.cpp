#include <gtest/gtest.h>

#include <chrono>

#include "base/clock.h"

namespace spaceport {
namespace {

using std::chrono::seconds;

TEST(Rfc3339, FormatsUtcToTheSecondAndParsesItBack) {
  const Clock::TimePoint t = std::chrono::system_clock::from_time_t(1767225600) + seconds(3661);
  EXPECT_EQ(FormatRfc3339(t), "2026-01-01T01:01:01Z");
  EXPECT_EQ(FormatRfc3339(t + std::chrono::milliseconds(999)), "2026-01-01T01:01:01Z");
  const auto parsed = ParseRfc3339("2026-01-01T01:01:01Z");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, t);
}

TEST(Rfc3339, ParseRefusesEverythingButTheUtcForm) {
  for (const char* text : {"", "2026-01-01", "2026-01-01T01:01:01", "2026-01-01T01:01:01+02:00",
                           "2026-01-01T01:01:01Zjunk", "yesterday"}) {
    EXPECT_FALSE(ParseRfc3339(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace spaceport
