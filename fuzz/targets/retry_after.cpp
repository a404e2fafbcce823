// Feeds: arbitrary bytes as a `Retry-After` value to http::ParseRetryAfter (delta-seconds, and
// the three HTTP-date forms through ParseHttpDate), against a fixed "now".
// Checks beyond "no crash": a wait is never negative; a value that parses as an HTTP-date gives
// exactly date - now (or 0 for a past date); all-digit values give whole seconds, clamped at
// 999,999,999 s.
#include <chrono>
#include <string>

#include "http/retry_after.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using namespace std::chrono;
  const std::string_view value = FuzzText(data, size);
  std::string_view trimmed = value;  // ParseRetryAfter trims spaces before ParseHttpDate
  while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
  const system_clock::time_point now = system_clock::from_time_t(1767225600);  // 2026-01-01
  const std::optional<milliseconds> wait = spaceport::http::ParseRetryAfter(value, now);
  const std::optional<system_clock::time_point> date = spaceport::http::ParseHttpDate(trimmed);
  if (!wait) return 0;
  FUZZ_CHECK(wait->count() >= 0, "never negative");
  FUZZ_CHECK(wait->count() % 1000 == 0 || date.has_value(), "delta-seconds are whole seconds");
  FUZZ_CHECK(*wait <= milliseconds(seconds(999'999'999)) || date.has_value(), "clamped");
  if (date && trimmed.find_first_not_of("0123456789 ") != std::string_view::npos) {
    const milliseconds want = *date <= now ? milliseconds(0) : duration_cast<milliseconds>(*date - now);
    FUZZ_CHECK(*wait == want, "a date gives date - now");
  }
  return 0;
}
