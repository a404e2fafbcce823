// OffsetClock: real time plus an offset that only grows. The hub-emulator program runs on it so
// an end-to-end test can skip a long build (POST /__emulator/clock {"advance_seconds": 600})
// without every client sleeping. Thread-safe.
//
//   OffsetClock clock(RealClock::Instance());
//   clock.Advance(std::chrono::minutes(10));   // Now() is 10 minutes ahead from here on
#pragma once

#include <atomic>

#include "base/clock.h"

namespace spaceport::hub_emulator {

class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(Clock& base) : base_(base) {}
  TimePoint Now() const override { return base_.Now() + Duration(offset_ms_.load()); }
  std::chrono::steady_clock::time_point Steady() const override {
    return base_.Steady() + Duration(offset_ms_.load());
  }
  void SleepFor(Duration d) override { base_.SleepFor(d); }
  void Advance(Duration d) { offset_ms_ += d.count(); }

 private:
  Clock& base_;
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace spaceport::hub_emulator
