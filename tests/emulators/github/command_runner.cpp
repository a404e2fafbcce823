#include "emulators/github/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace spaceport::github_emulator {
namespace {

// The emulator's environment with `extra` added (overriding variables of the same name).
std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (!extra.count(name)) out.push_back(entry);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

void KeepTail(std::string& tail, const char* data, size_t n, size_t limit) {
  tail.append(data, n);
  if (tail.size() > limit) tail.erase(0, tail.size() - limit);
}

}  // namespace

CommandOutcome RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds timeout, size_t tail_bytes, const std::atomic<bool>& cancel) {
  CommandOutcome outcome;
  if (argv.empty()) return outcome;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    outcome.output_tail = std::string("pipe: ") + std::strerror(errno);
    return outcome;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  // Its own process group, so a timeout or cancel also ends what the command started.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // the program blocks SIGTERM; the child must not

  std::vector<std::string> args = argv;
  std::vector<char*> c_args;
  for (std::string& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  std::vector<std::string> environment = MergedEnvironment(env);
  std::vector<char*> c_env;
  for (std::string& e : environment) c_env.push_back(e.data());
  c_env.push_back(nullptr);

  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, c_args[0], &actions, &attr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    outcome.output_tail = "cannot start " + argv[0] + ": " + std::strerror(spawned) + "\n";
    return outcome;
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool open = true;
  char buf[4096];
  while (open) {
    if (cancel.load() || std::chrono::steady_clock::now() >= deadline) {
      outcome.end = cancel.load() ? CommandOutcome::End::kCancelled : CommandOutcome::End::kTimedOut;
      kill(-pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      KeepTail(outcome.output_tail, buf, static_cast<size_t>(n), tail_bytes);
    } else if (n == 0 || errno != EINTR) {
      open = false;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (outcome.end == CommandOutcome::End::kNotStarted) {
    if (WIFEXITED(status)) {
      outcome.end = CommandOutcome::End::kExited;
      outcome.exit_code = WEXITSTATUS(status);
    } else {
      outcome.end = CommandOutcome::End::kKilledBySignal;
    }
  }
  return outcome;
}

}  // namespace spaceport::github_emulator
