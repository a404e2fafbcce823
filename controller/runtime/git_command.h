// GitCommand: runs the git CLI for a git source — never through a shell, with a deadline, and
// cancellable from another thread.
//
// Each Run starts `git ARGS...` with posix_spawn in its own session (so it has no terminal to
// prompt on and its whole process group can be killed), stdin from /dev/null, and the
// environment of this process plus GIT_TERMINAL_PROMPT=0 (git fails instead of asking for a
// password) and LC_ALL=C (messages are read, so they must be in English). Stdout and stderr are
// captured separately. A command that outlives `timeout`, or that is running when Cancel() is
// called, has its process group killed with SIGKILL; after Cancel() every Run fails at once, so a
// stopping source never starts another fetch.
//
//   GitCommand git("git", std::chrono::seconds(120));
//   auto out = git.Run({"--git-dir", repo, "rev-parse", "--verify", "HEAD"});
//   if (!out.ok()) return out.status();        // could not start, timed out, cancelled
//   if (out->exit_code != 0) return Failed(out->err);
//
// Thread-safe: Run may be called from one thread while another calls Cancel.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"

namespace spaceport::runtime {

struct GitOutput {
  int exit_code = -1;  // the exit status; -1 when killed by a signal
  std::string out;     // stdout (at most 1 MiB kept)
  std::string err;     // stderr (at most 64 KiB kept)
};

class GitCommand {
 public:
  GitCommand(std::string binary, std::chrono::milliseconds timeout);
  ~GitCommand();
  GitCommand(const GitCommand&) = delete;
  GitCommand& operator=(const GitCommand&) = delete;

  // Runs `binary args...` to completion. An error Status only when git could not be started,
  // timed out (kDeadlineExceeded) or was cancelled (kUnavailable); a git failure is a GitOutput
  // with a non-zero exit_code.
  Result<GitOutput> Run(const std::vector<std::string>& args);

  // Kills the running command, if any, and makes every later Run fail. Idempotent.
  void Cancel();

 private:
  std::string binary_;
  std::chrono::milliseconds timeout_;
  int cancel_pipe_[2] = {-1, -1};  // readable once cancelled: Run polls it beside the output
  std::atomic<bool> cancelled_{false};
};

}  // namespace spaceport::runtime
