// TimedRun: runs a program to completion with exactly the environment given, and kills it when it
// outlives its deadline.
//
// The end-to-end tests run the real `spaceport` binary as a CI job would, so they need what
// tests/cli/run_command.h gives (stdout and stderr kept apart, the exit code) plus two things it
// does not: an explicit environment, so the user's HF_TOKEN, ~/.cache/huggingface/token or Docker
// config can never leak into a test (and the test process's own environment is never modified);
// and a deadline, so an `apply` that never returns fails its test instead of hanging ctest. The
// outputs go to two files in `dir` (no pipes to drain); the child is killed by its PID only.
//
//   TimedResult r = TimedRun({SPACEPORT_BIN, "apply", "desired/"}, {"PATH=/usr/bin"}, dir,
//                            std::chrono::seconds(180));
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//   EXPECT_FALSE(r.timed_out);
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace spaceport::e2e {

struct TimedResult {
  int exit_code = -1;  // the exit status; 128+N when killed by signal N; -1 when not started
  bool timed_out = false;
  double seconds = 0;
  std::string out;
  std::string err;
};

inline TimedResult TimedRun(const std::vector<std::string>& argv,
                            const std::vector<std::string>& env, const std::filesystem::path& dir,
                            std::chrono::seconds deadline) {
  static int runs = 0;  // distinct output files per run, so a failed run's files stay readable
  const std::string stem = (dir / ("run-" + std::to_string(++runs))).string();
  const std::string out_file = stem + ".out", err_file = stem + ".err";

  TimedResult result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  std::vector<char*> args, envp;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int spawn_error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    result.err = "posix_spawn " + argv[0] + ": " + std::strerror(spawn_error);
    return result;
  }
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() - start > deadline) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  result.out = support::ReadFile(out_file);
  result.err = support::ReadFile(err_file);
  return result;
}

}  // namespace spaceport::e2e
