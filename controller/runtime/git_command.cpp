#include "runtime/git_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>

extern char** environ;

namespace spaceport::runtime {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxStdout = 1024 * 1024;
constexpr size_t kMaxStderr = 64 * 1024;
// Poll slices stay short so a cancel that could not be signalled through the pipe, and a git
// whose grandchild (ssh) keeps the pipes open after git exited, are both noticed quickly.
constexpr std::chrono::milliseconds kSlice{200};
constexpr std::chrono::milliseconds kExitSlice{2};

std::vector<std::string> ChildEnvironment() {
  const std::pair<std::string_view, std::string_view> ours[] = {{"GIT_TERMINAL_PROMPT", "0"},
                                                                {"LC_ALL", "C"}};
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    bool replaced = false;
    for (const auto& [name, value] : ours) {
      replaced =
          replaced || (entry.starts_with(name) && entry.substr(name.size()).starts_with("="));
    }
    if (!replaced) env.emplace_back(entry);
  }
  for (const auto& [name, value] : ours)
    env.push_back(std::string(name) + "=" + std::string(value));
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// One output pipe of the child: reads what is there without blocking.
struct Stream {
  int fd = -1;
  std::string* into = nullptr;
  size_t limit = 0;

  bool open() const { return fd >= 0; }
  void Drain() {
    char buffer[16 * 1024];
    while (fd >= 0) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {
        Close();
        return;
      }
      const size_t room = limit > into->size() ? limit - into->size() : 0;
      into->append(buffer, std::min(room, static_cast<size_t>(n)));
    }
  }
  void Close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

int WaitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

int ExitCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

Result<pid_t> Spawn(const std::string& binary, const std::vector<std::string>& args, int out_fd,
                    int err_fd) {
  std::vector<std::string> argv_storage{binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<std::string> env_storage = ChildEnvironment();
  std::vector<char*> argv = Pointers(argv_storage);
  std::vector<char*> envp = Pointers(env_storage);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);

  // A session of its own: no controlling terminal for ssh to prompt on, and one process group
  // to kill. Signal state is reset so git behaves the same whatever this process blocks.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  const int error = ::posix_spawnp(&pid, binary.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (error != 0) {
    return FailedPrecondition("cannot run " + binary + ": " + std::strerror(error));
  }
  return pid;
}

}  // namespace

GitCommand::GitCommand(std::string binary, std::chrono::milliseconds timeout)
    : binary_(std::move(binary)), timeout_(timeout) {
  if (::pipe2(cancel_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    cancel_pipe_[0] = cancel_pipe_[1] = -1;  // Cancel still works through cancelled_
  }
}

GitCommand::~GitCommand() {
  for (int fd : cancel_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

void GitCommand::Cancel() {
  if (cancelled_.exchange(true)) return;
  if (cancel_pipe_[1] >= 0) {
    const char byte = 'x';
    [[maybe_unused]] const ssize_t n = ::write(cancel_pipe_[1], &byte, 1);
  }
}

Result<GitOutput> GitCommand::Run(const std::vector<std::string>& args) {
  if (cancelled_) return Status(StatusCode::kUnavailable, "cancelled: the source is stopping");
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return Internal(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Internal(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  Result<pid_t> pid = Spawn(binary_, args, out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  GitOutput output;
  Stream streams[2] = {{out_pipe[0], &output.out, kMaxStdout},
                       {err_pipe[0], &output.err, kMaxStderr}};
  if (!pid.ok()) {
    for (Stream& s : streams) s.Close();
    return pid.status();
  }
  for (Stream& s : streams) ::fcntl(s.fd, F_SETFL, ::fcntl(s.fd, F_GETFL) | O_NONBLOCK);

  auto kill_and_reap = [&] {
    ::kill(-*pid, SIGKILL);
    for (Stream& s : streams) s.Close();
    WaitFor(*pid);
  };
  const Clock::time_point deadline = Clock::now() + timeout_;
  std::optional<int> exited;
  while (!exited) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      kill_and_reap();
      return Status(StatusCode::kDeadlineExceeded,
                    "git " + (args.empty() ? std::string() : args.front()) + " took longer than " +
                        std::to_string(timeout_.count() / 1000) + " s and was killed");
    }
    pollfd fds[3] = {
        {streams[0].fd, POLLIN, 0}, {streams[1].fd, POLLIN, 0}, {cancel_pipe_[0], POLLIN, 0}};
    // With both pipes at EOF git is about to exit: look again soon rather than a slice later.
    const auto slice = streams[0].open() || streams[1].open() ? kSlice : kExitSlice;
    const int ready = ::poll(fds, 3, static_cast<int>(std::min(left, slice).count()));
    if (ready < 0 && errno != EINTR) {
      const int error = errno;
      kill_and_reap();
      return Internal(std::string("cannot wait for git: ") + std::strerror(error));
    }
    if (cancelled_) {
      kill_and_reap();
      return Status(StatusCode::kUnavailable, "cancelled: the source is stopping");
    }
    for (Stream& s : streams) s.Drain();
    // Once git has exited, take what is in the pipes and stop reading, even when something it
    // started (ssh) still holds them open.
    int status = 0;
    if (::waitpid(*pid, &status, WNOHANG) == *pid) {
      exited = status;
      for (Stream& s : streams) {
        s.Drain();
        s.Close();
      }
    }
  }
  output.exit_code = ExitCode(*exited);
  return output;
}

}  // namespace spaceport::runtime
