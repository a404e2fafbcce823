// Child processes for tests that drive real programs (docker-registry, skopeo, htpasswd).
//
// RunCommand runs a program to completion and captures its combined stdout and stderr.
// ChildProcess starts a long-running server with its output in a log file and stops it by PID
// (SIGTERM, then SIGKILL after a grace period) — never by name, so parallel test binaries and
// other users' processes are left alone. A server also dies (SIGKILL) when the test process that
// started it dies, even by a crash, so no test leaves one running for the tests after it.
//
//   auto r = support::RunCommand({"htpasswd", "-Bbn", "ciuser", "s3cret"});
//   if (r.exit_code != 0) FAIL() << r.output;
//   auto server = support::ChildProcess::Start({"docker-registry", "serve", cfg}, dir /
//   "registry.log");
//
// Programs are looked up on PATH. Thread-compatible (use one object from one thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace spaceport::support {

struct CommandResult {
  int exit_code = -1;  // -1 when the program could not be started or was killed by a signal
  std::string output;  // stdout and stderr interleaved
};

CommandResult RunCommand(const std::vector<std::string>& argv);

// The last line of a program's output without trailing blanks (what it printed after any
// warnings: a path, a token, "yes").
std::string LastLine(const std::string& output);

// Full path of a program on PATH, or nullopt.
std::optional<std::string> FindExecutable(const std::string& name);

// kFailedPrecondition naming scripts/setup when a program the tests need is not installed.
Status RequireExecutable(const std::string& name);

// Starts `argv` (argv[0] looked up on PATH) with stdin on /dev/null, stdout and stderr on the
// given descriptors of this process, and returns its pid: what ChildProcess and PipedProgram are
// built on. The program is killed (SIGKILL) when this process dies, a crash included: it is forked
// with PR_SET_PDEATHSIG by a thread that lives as long as the process (the signal follows the
// thread that forked, not the process): the main thread when it is the caller, else one fork
// thread. So a test that gives a thread its own namespace (unshare) starts servers from the main
// thread. An exec that fails is an error naming why.
Result<pid_t> StartServer(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd);

class ChildProcess {
 public:
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const std::filesystem::path& log_file);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // Stop()

  pid_t pid() const { return pid_; }
  // True while the process has not exited (reaps it when it has).
  bool Running();
  // Sends `sig` and waits up to `limit` for the exit, reaping it. Returns the exit code, 128+N
  // when killed by signal N, or nullopt when it is still running at the limit (or not started).
  std::optional<int> SignalAndWait(int sig, std::chrono::milliseconds limit);
  // SIGTERM, wait up to `grace`, then SIGKILL. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  // The whole log so far.
  std::string Log() const;

 private:
  ChildProcess(pid_t pid, std::filesystem::path log) : pid_(pid), log_(std::move(log)) {}
  pid_t pid_ = -1;
  std::filesystem::path log_;
};

}  // namespace spaceport::support
