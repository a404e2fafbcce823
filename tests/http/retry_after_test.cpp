#include "http/retry_after.h"

#include <gtest/gtest.h>

#include "base/clock.h"

namespace spaceport::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryAfter, Table) {
  const FakeClock clock;  // 2026-01-01T00:00:00Z (a Thursday)
  const std::pair<const char*, std::optional<milliseconds>> cases[] = {
      {"120", seconds(120)},
      {" 7 ", seconds(7)},
      {"0", seconds(0)},
      {"99999999999999", seconds(999'999'999)},
      {"Thu, 01 Jan 2026 00:00:30 GMT", seconds(30)},
      {"Thursday, 01-Jan-26 00:01:00 GMT", seconds(60)},
      {"Thu Jan  1 00:00:05 2026", seconds(5)},
      {"Wed, 31 Dec 2025 23:59:00 GMT", seconds(0)},
      {"", std::nullopt},
      {"-5", std::nullopt},
      {"1.5", std::nullopt},
      {"soon", std::nullopt},
      {"Thu, 01 Jan 2026 00:00:30 PST", std::nullopt},
      {"Thu, 31 Feb 2026 00:00:30 GMT", std::nullopt},
      {"Thu, 01 Foo 2026 00:00:30 GMT", std::nullopt},
      {"Thu, 01 Jan 2026 25:00:30 GMT", std::nullopt},
      {"Thu, 01 Jan 2026 00:00:30 GMT trailing", std::nullopt},
      // Found by fuzz/targets/retry_after.cpp: years outside system_clock's nanosecond range
      // overflowed (undefined behaviour) instead of being refused.
      {"Thu, 01 Jan 0026 00:00:30 GMT", std::nullopt},
      {"Fri, 31 Dec 9999 23:59:59 GMT", std::nullopt},
      {"Thu Jan  1 00:00:05 -999", std::nullopt},
  };
  for (const auto& [value, expected] : cases) {
    SCOPED_TRACE(std::string("Retry-After: \"") + value + "\"");
    EXPECT_EQ(ParseRetryAfter(value, clock.Now()), expected);
  }
}

TEST(RetryAfter, HttpDateParsesToTheExactInstant) {
  auto t = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 784111777);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), t);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), t);
}

}  // namespace
}  // namespace spaceport::http
