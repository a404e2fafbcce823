#include "base/clock.h"

#include <ctime>

#include <thread>

namespace spaceport {

void RealClock::SleepFor(Duration d) { std::this_thread::sleep_for(d); }

RealClock& RealClock::Instance() {
  static RealClock clock;
  return clock;
}

std::string FormatRfc3339(Clock::TimePoint t) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);  // std::gmtime shares one buffer between threads
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<Clock::TimePoint> ParseRfc3339(const std::string& text) {
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

}  // namespace spaceport
