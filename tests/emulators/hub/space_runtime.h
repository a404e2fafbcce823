// SpaceRuntime: one Space's runtime as a stage machine driven by explicit times, so it runs the
// same on a FakeClock and on real time. It is settled lazily: Settle(now) applies every
// transition that fell due up to `now`, each stamped with the time it was due (not the time it
// was observed), so the history is the same however often the Space is polled.
//
//   build trigger ──▶ BUILDING ──(build_time, image check passed)──▶ APP_STARTING
//                       │                                                │ (start_time)
//                       └──(image check failed)──▶ BUILD_ERROR           ▼
//                                                                     RUNNING
//   pause ──▶ PAUSED (until a restart);  NO_APP_FILE / CONFIG_ERROR / static RUNNING at once.
//
// With `rolling`, a build triggered while RUNNING shows RUNNING_BUILDING and
// RUNNING_APP_STARTING instead (the old container keeps serving). A build whose image check has
// not reported yet stays in BUILDING past its build time; it leaves BUILDING at the later of the
// two. Not thread-safe: the Hub calls it under its lock.
//
//   SpaceRuntime rt("cpu-basic");
//   int64_t build = rt.StartBuild(sha, now, {seconds(3), seconds(2), false}, {"busybox"});
//   rt.RecordCheck(build, true, {}, now);
//   rt.Settle(now + seconds(5));   // stage() == "RUNNING"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"

namespace spaceport::hub_emulator {

struct LogLine {
  Clock::TimePoint at;
  std::string text;  // without the trailing newline
};

struct BuildTiming {
  Clock::Duration build_time{0};
  Clock::Duration start_time{0};
  bool rolling = false;
};

class SpaceRuntime {
 public:
  // A Space with no hardware (static) passes std::nullopt.
  explicit SpaceRuntime(std::optional<std::string> requested_hardware = "cpu-basic");

  // Outcomes decided from the repo content, each at once.
  void SetNoAppFile(const std::string& sha);
  void SetConfigError(const std::string& sha, const std::string& message);
  void SetStaticRunning(const std::string& sha);

  // Starts a build of `sha` checking `images`; returns the build's id for RecordCheck. A build
  // started meanwhile, a pause or a forced stage makes older ids stale (their results ignored).
  int64_t StartBuild(const std::string& sha, Clock::TimePoint now, BuildTiming timing,
                     const std::vector<std::string>& images);
  // The image check's verdict; `lines` go to the build log when the build ends.
  void RecordCheck(int64_t build, bool passed, std::vector<std::string> lines, Clock::TimePoint now);

  void Pause();
  // Sets any stage directly (tests: RUNTIME_ERROR, SLEEPING, ...). RUNNING and *APP_STARTING
  // take the requested hardware as current.
  void Force(const std::string& stage, const std::string& error_message);
  void RequestHardware(const std::string& flavor) { requested_hardware_ = flavor; }
  // Seconds of inactivity before sleeping; -1 = never; nullopt = the default for the hardware.
  void SetSleepTime(std::optional<int64_t> seconds) { sleep_time_ = seconds; }

  void Settle(Clock::TimePoint now);

  const std::string& stage() const { return stage_; }
  const std::string& sha() const { return sha_; }
  const std::optional<std::string>& requested_hardware() const { return requested_hardware_; }
  const std::optional<std::string>& current_hardware() const { return current_hardware_; }
  // gcTimeout as served: explicit sleep time, else 172800 on cpu-basic, else none.
  std::optional<int64_t> gc_timeout() const;
  const std::vector<LogLine>& build_log() const { return build_log_; }
  const std::vector<LogLine>& run_log() const { return run_log_; }

  // The runtime JSON of GET /api/spaces/{id}/runtime.
  Json ToJson(const std::string& domain) const;

 private:
  enum class Check { kPending, kPassed, kFailed };
  bool Building() const { return stage_ == "BUILDING" || stage_ == "RUNNING_BUILDING"; }
  bool Starting() const { return stage_ == "APP_STARTING" || stage_ == "RUNNING_APP_STARTING"; }
  void Settled(const std::string& stage, const std::string& sha);

  std::string stage_ = "NO_APP_FILE";
  std::string error_message_;
  std::string sha_;
  std::optional<std::string> requested_hardware_;
  std::optional<std::string> current_hardware_;
  std::optional<int64_t> sleep_time_;

  int64_t build_id_ = 0;
  BuildTiming timing_;
  bool rolling_build_ = false;
  Clock::TimePoint build_started_{};
  Check check_ = Check::kPending;
  Clock::TimePoint check_done_at_{};
  std::vector<std::string> check_lines_;
  Clock::TimePoint starting_at_{};

  std::vector<LogLine> build_log_;
  std::vector<LogLine> run_log_;
};

}  // namespace spaceport::hub_emulator
