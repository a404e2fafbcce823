// Clock: time is injected. Production code asks a Clock for the time and to sleep; tests pass a
// FakeClock and advance it, so backoff, Retry-After and intervals are tested without waiting.
//
//   void Retry(Clock& clock) { clock.SleepFor(std::chrono::seconds(2)); }
//   FakeClock fake; Retry(fake); EXPECT_EQ(fake.slept(), std::chrono::seconds(2));
//
// RealClock is thread-safe. FakeClock is thread-safe; SleepFor advances its time at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <mutex>

namespace spaceport {

class Clock {
 public:
  using Duration = std::chrono::milliseconds;
  using TimePoint = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // A monotonic reading, for deadlines and elapsed times.
  virtual std::chrono::steady_clock::time_point Steady() const = 0;
  virtual void SleepFor(Duration d) = 0;
};

class RealClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::now();
  }
  void SleepFor(Duration d) override;

  static RealClock& Instance();
};

class FakeClock final : public Clock {
 public:
  FakeClock() : now_(std::chrono::system_clock::from_time_t(1767225600)) {}  // 2026-01-01T00:00:00Z

  TimePoint Now() const override {
    std::lock_guard<std::mutex> l(mu_);
    return now_;
  }
  std::chrono::steady_clock::time_point Steady() const override {
    std::lock_guard<std::mutex> l(mu_);
    return std::chrono::steady_clock::time_point(now_.time_since_epoch());
  }
  void SleepFor(Duration d) override {
    std::lock_guard<std::mutex> l(mu_);
    now_ += d;
    slept_ += d;
  }
  void Advance(Duration d) {
    std::lock_guard<std::mutex> l(mu_);
    now_ += d;
  }
  // Total time passed to SleepFor.
  Duration slept() const {
    std::lock_guard<std::mutex> l(mu_);
    return slept_;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;
  Duration slept_{0};
};

// Time as RFC 3339 in UTC to the second ("2026-01-01T00:00:00Z"), the form of every timestamp
// Spaceport writes (status, notifications, build records, logs); and its inverse, which accepts
// only that form.
std::string FormatRfc3339(Clock::TimePoint t);
std::optional<Clock::TimePoint> ParseRfc3339(const std::string& text);

}  // namespace spaceport
