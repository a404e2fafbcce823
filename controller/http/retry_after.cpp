#include "http/retry_after.h"

#include <array>
#include <cstdio>
#include <string>

#include "base/ascii.h"

namespace spaceport::http {
namespace {

std::optional<unsigned> MonthNumber(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  const std::string lower = AsciiLower(name);
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (lower == kMonths[i]) return i + 1;
  }
  return std::nullopt;
}

std::optional<std::chrono::system_clock::time_point> MakeTime(int year, std::string_view month,
                                                              int day, int hour, int minute,
                                                              int second) {
  const std::optional<unsigned> m = MonthNumber(month);
  // system_clock counts nanoseconds, so only about 1678..2262 fits; a date outside a plausible
  // window ("01 Jan 0026", year 9999, a negative asctime year) is malformed, not an overflow.
  if (year < 1900 || year > 2200) return std::nullopt;
  if (!m || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
      second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(*m),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view value) {
  const std::string text(value);  // sscanf needs a terminated string
  char weekday[10] = {};
  char month[4] = {};
  char zone[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, consumed = 0;

  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (std::sscanf(text.c_str(), "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", weekday,
                  &day, month, &year, &hour, &minute, &second, zone, &consumed) == 8 &&
      static_cast<size_t>(consumed) == text.size() && std::string_view(zone) == "GMT") {
    return MakeTime(year, month, day, hour, minute, second);
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years below 70 are 20xx.
  if (std::sscanf(text.c_str(), "%9[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d %3[A-Z]%n", weekday,
                  &day, month, &year, &hour, &minute, &second, zone, &consumed) == 8 &&
      static_cast<size_t>(consumed) == text.size() && std::string_view(zone) == "GMT") {
    return MakeTime(year < 70 ? 2000 + year : 1900 + year, month, day, hour, minute, second);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (std::sscanf(text.c_str(), "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", weekday, month, &day,
                  &hour, &minute, &second, &year, &consumed) == 7 &&
      static_cast<size_t>(consumed) == text.size()) {
    return MakeTime(year, month, day, hour, minute, second);
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;

  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    // A huge number is clamped rather than overflowed; the caller compares it to its maximum.
    if (value.size() > 9) return std::chrono::milliseconds(std::chrono::seconds(999'999'999));
    return std::chrono::milliseconds(std::chrono::seconds(std::stol(std::string(value))));
  }
  const auto date = ParseHttpDate(value);
  if (!date) return std::nullopt;
  if (*date <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
}

}  // namespace spaceport::http
