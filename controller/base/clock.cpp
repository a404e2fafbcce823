#include "base/clock.h"

#include <thread>

namespace spaceport {

void RealClock::SleepFor(Duration d) { std::this_thread::sleep_for(d); }

RealClock& RealClock::Instance() {
  static RealClock clock;
  return clock;
}

}  // namespace spaceport
