// Timestamps as the Hub writes them: ISO-8601 in UTC with milliseconds and a "Z"
// ("2026-01-01T00:00:00.000Z"), and the shorter "2026-01-01 00:00:00" the build log banners use.
//
//   IsoTime(FakeClock().Now()) == "2026-01-01T00:00:00.000Z"
#pragma once

#include <string>

#include "base/clock.h"

namespace spaceport::hub_emulator {

std::string IsoTime(Clock::TimePoint t);
std::string LogBannerTime(Clock::TimePoint t);
int64_t EpochSeconds(Clock::TimePoint t);

}  // namespace spaceport::hub_emulator
