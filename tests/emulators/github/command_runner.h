// Running a workflow's command: an argv (no shell) started with posix_spawn, with the emulator's
// environment plus the given variables, stdout and stderr merged into one pipe of which the last
// `tail_bytes` are kept. Blocks until the process exits, is cancelled, or times out (then it is
// killed with SIGKILL). Call it from a worker thread, never from a request handler.
//
//   std::atomic<bool> cancel{false};
//   CommandOutcome o = RunCommand({"sh", "-c", "echo hi"}, {{"INPUT_VERSION", "1.0"}},
//                                 std::chrono::seconds(60), 4096, cancel);
//   o.exit_code == 0;  o.output_tail == "hi\n";
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace spaceport::github_emulator {

struct CommandOutcome {
  enum class End { kExited, kKilledBySignal, kTimedOut, kCancelled, kNotStarted };
  End end = End::kNotStarted;
  int exit_code = -1;  // when kExited
  std::string output_tail;
};

CommandOutcome RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds timeout, size_t tail_bytes, const std::atomic<bool>& cancel);

}  // namespace spaceport::github_emulator
