#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

namespace spaceport::support {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  return -1;
}

// The thread that forks the servers other threads than the main one start. A server must die with
// the test process that started it, or a crashed test leaves a registry, an emulator or a
// controller running for the rest of CI. PR_SET_PDEATHSIG does that, but it fires when the
// *thread* that forked exits, not the process; so a server is forked by a thread that lives as
// long as the process: the main thread, or this one.
class ForkThread {
 public:
  static ForkThread& Instance() {
    static ForkThread* instance = new ForkThread();  // never destroyed: it must outlive every child
    return *instance;
  }

  // Runs `fork_child` on the fork thread and returns what it returned.
  pid_t Run(const std::function<pid_t()>& fork_child) {
    std::packaged_task<pid_t()> task(fork_child);
    std::future<pid_t> result = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
    return result.get();
  }

 private:
  ForkThread() { std::thread([this] { Loop(); }).detach(); }

  [[noreturn]] void Loop() {
    while (true) {
      std::packaged_task<pid_t()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::packaged_task<pid_t()>> tasks_;
};

// The child's side of StartServer, between fork and exec: only async-signal-safe calls, everything
// else is prepared before the fork. An exec that fails writes its errno to `error_fd` (close-on-exec,
// so a successful exec closes it without a word).
[[noreturn]] void ExecServer(const char* path, char* const* argv, int stdout_fd, int stderr_fd, pid_t parent,
                             int error_fd) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);  // parent already gone
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  const int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0 || dup2(stdout_fd, STDOUT_FILENO) < 0 || dup2(stderr_fd, STDERR_FILENO) < 0 ||
      dup2(null, STDIN_FILENO) < 0) {
    const int e = errno;
    (void)!write(error_fd, &e, sizeof e);
    _exit(127);
  }
  execve(path, argv, environ);
  const int e = errno;
  (void)!write(error_fd, &e, sizeof e);
  _exit(127);
}

}  // namespace

std::optional<std::string> FindExecutable(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) == 0) return name;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::stringstream ss(dirs);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

Status RequireExecutable(const std::string& name) {
  if (FindExecutable(name)) return Status::Ok();
  return FailedPrecondition(
      "`" + name + "` is not installed; run scripts/setup to install the test dependencies");
}

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult result;
  int fds[2];
  if (argv.empty() || pipe(fds) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  std::vector<char*> args = Argv(argv);
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    result.output = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return result;
  }
  char buffer[4096];
  while (true) {
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = ExitCodeOf(status);
  return result;
}

Result<pid_t> StartServer(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd) {
  if (argv.empty()) return InvalidArgument("empty command");
  const std::optional<std::string> path = FindExecutable(argv[0]);
  if (!path) return RequireExecutable(argv[0]);
  std::vector<char*> args = Argv(argv);
  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) return Internal("cannot start " + argv[0] + ": " + std::strerror(errno));
  const pid_t parent = getpid();
  const auto fork_server = [&]() -> pid_t {
    const pid_t child = fork();
    if (child == 0) ExecServer(path->c_str(), args.data(), stdout_fd, stderr_fd, parent, error_pipe[1]);
    return child < 0 ? -errno : child;  // errno is the forking thread's own
  };
  // The main thread lives as long as the process, and forks itself: the server then also shares
  // what the test gave that thread alone (RunStateDirFaults' private mount namespace). Any other
  // thread may end before the server should, so the fork thread forks for it.
  const pid_t pid = gettid() == parent ? fork_server() : ForkThread::Instance().Run(fork_server);
  close(error_pipe[1]);
  if (pid < 0) {
    close(error_pipe[0]);
    return Internal("cannot start " + argv[0] + ": " + std::strerror(-pid));
  }
  int exec_errno = 0;
  ssize_t n = 0;
  while ((n = read(error_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  close(error_pipe[0]);
  if (n > 0) {  // the exec failed: the child has exited, reap it
    int status = 0;
    waitpid(pid, &status, 0);
    return Internal("cannot start " + argv[0] + ": " + std::strerror(exec_errno));
  }
  return pid;
}

Result<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                         const std::filesystem::path& log_file) {
  if (argv.empty()) return InvalidArgument("empty command");
  const int log = open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) return Internal("cannot open " + log_file.string() + ": " + std::strerror(errno));
  Result<pid_t> pid = StartServer(argv, log, log);
  close(log);
  if (!pid.ok()) return pid.status();
  return ChildProcess(*pid, log_file);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), log_(std::move(other.log_)) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Stop();
    pid_ = other.pid_;
    log_ = std::move(other.log_);
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() { Stop(); }

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return r == 0;
}

std::optional<int> ChildProcess::SignalAndWait(int sig, std::chrono::milliseconds limit) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, sig);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;  // reaped: never signal this pid again, it may belong to someone else now
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return std::nullopt;
    }
    if (r < 0 && errno == ECHILD) {
      pid_ = -1;
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ChildProcess::Log() const {
  std::ifstream in(log_, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string LastLine(const std::string& output) {
  std::string s = output;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  const size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

}  // namespace spaceport::support
