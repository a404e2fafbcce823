// The lock record of a command build: how a build started by one Spaceport process is found
// again by the next one (design.md §4: what must be remembered is written where the next process
// finds it).
//
// One record per image version, `<state_dir>/builds/<key>.json` where key = sha256 of
// "repository:version" in hex, holding the build process's pid and start time (field 22 of
// /proc/PID/stat, so a recycled pid is not mistaken for the build), the same for its monitor
// (the process that waits for the build and writes its result), the build id, the image, the log
// file and, once known, the exit status. The monitor writes the result to `<key>.exit` ("exited
// 0", "signaled 9", "timed_out") with async-signal-safe calls only; the next reader folds it
// into the record. Inspect() classifies a record:
//
//   a result exists                                   → finished (exit status)
//   the build or its monitor is alive (same start)    → in flight
//   neither                                           → disappeared ("build process disappeared")
//
// `<key>.lock` is held with flock(2) while a record is checked and replaced, so two processes
// starting the same build at once start it once.
//
//   act::BuildLocks locks(state_dir);
//   auto lock = locks.Lock(act::BuildLockKey("ghcr.io/a/app:v1"));   // held until destroyed
//   auto record = locks.Read(key);                                   // nullopt: never built
//   if (*record && act::Inspect(**record).liveness == act::BuildLiveness::kInFlight) ...
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace spaceport::act {

struct BuildExit {
  enum class Kind { kExited, kSignaled, kTimedOut };
  Kind kind = Kind::kExited;
  int code = 0;  // exit status, or signal number

  bool success() const { return kind == Kind::kExited && code == 0; }
  std::string Describe() const;  // "exited with status 2", ...
};

struct BuildLockRecord {
  int64_t pid = 0;                  // the build process (leader of its process group)
  uint64_t start_time = 0;          // its /proc start time; 0 when it was already gone
  int64_t monitor_pid = 0;
  uint64_t monitor_start_time = 0;
  std::string build_id;
  std::string image;      // repository:version
  std::string log_path;
  std::string started_at;  // RFC 3339, informational
  int64_t timeout_seconds = 0;
  std::optional<BuildExit> exit;
  bool exit_recorded = false;  // `exit` is in the record file itself, not only in <key>.exit
};

enum class BuildLiveness { kInFlight, kFinished, kDisappeared };

struct BuildInspection {
  BuildLiveness liveness = BuildLiveness::kDisappeared;
  std::optional<BuildExit> exit;  // kFinished
};

// sha256("repository:version") in hex.
std::string BuildLockKey(std::string_view image);

// The start time of a running process (clock ticks since boot, /proc/PID/stat field 22);
// nullopt when there is no such process or it is a zombie.
std::optional<uint64_t> ProcessStartTime(pid_t pid);

// Parses "exited 0" / "signaled 9" / "timed_out" (the monitor's result file).
std::optional<BuildExit> ParseBuildExit(std::string_view text);

class BuildLocks {
 public:
  explicit BuildLocks(std::filesystem::path state_dir);

  const std::filesystem::path& dir() const { return dir_; }  // <state_dir>/builds
  std::filesystem::path RecordPath(std::string_view key) const;
  std::filesystem::path ExitPath(std::string_view key) const;
  std::filesystem::path LogPath(std::string_view key) const;

  // An exclusive flock on <key>.lock, released when the returned object is destroyed.
  class Held {
   public:
    explicit Held(int fd) : fd_(fd) {}
    Held(Held&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    Held& operator=(Held&&) = delete;
    ~Held();
    int fd() const { return fd_; }

   private:
    int fd_;
  };
  // Creates the builds directory (mode 0700) when missing.
  Result<Held> Lock(std::string_view key) const;

  // The record with the monitor's result folded in; nullopt when there is none.
  Result<std::optional<BuildLockRecord>> Read(std::string_view key) const;
  // Atomically replaces the record (temporary file + rename).
  Status Write(std::string_view key, const BuildLockRecord& record) const;

 private:
  std::filesystem::path dir_;
};

// Classifies a record as above (reads /proc; the result must already be folded in).
BuildInspection Inspect(const BuildLockRecord& record);

}  // namespace spaceport::act
