#include "act/build_command.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

#include "act/build_render.h"

extern char** environ;

namespace spaceport::act {
namespace {

// --- the child side: async-signal-safe calls only (the parent may have other threads) ---

void CloseFrom(int lowest) {
  if (::close_range(static_cast<unsigned>(lowest), UINT_MAX, 0) == 0) return;
  for (int fd = lowest; fd < 4096; ++fd) ::close(fd);
}

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// Decimal digits of a non-negative number into `out`; returns the length.
size_t FormatInt(int value, char* out) {
  char digits[16];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < sizeof digits);
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

int64_t MonotonicMs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void SleepMs(int64_t ms) {
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// Everything the forked processes need, prepared before fork.
struct LaunchPlan {
  std::vector<std::string> argv_storage, env_storage;
  std::vector<char*> argv, envp;
  std::string exit_path, exit_temp_path;
  std::string record_path;  // the lock record Spaceport writes before it lets the build run
  int log_fd = -1;
  int null_fd = -1;
  int go_read_fd = -1;   // the monitor's end: one byte once the record is written
  int go_write_fd = -1;  // Spaceport's end
  int64_t timeout_ms = 0;
  int64_t grace_ms = 0;
};

// Reads one byte from `fd`: true for a byte, false at end of file (every writer gone).
bool ReadGo(int fd) {
  char go = 0;
  ssize_t n = 0;
  do {
    n = ::read(fd, &go, 1);
  } while (n < 0 && errno == EINTR);
  return n == 1;
}

// Reads up to `capacity` - 1 bytes of the file at `path` into `text` and ends them with a NUL;
// returns how many were read (0 when it cannot be opened).
size_t ReadSmallFile(const char* path, char* text, size_t capacity) {
  size_t size = 0;
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    while (size < capacity - 1) {
      const ssize_t n = ::read(fd, text + size, capacity - 1 - size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      size += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  text[size] = '\0';
  return size;
}

// Whether the lock record at `path` names `pid` as its monitor ("monitorPid": PID). A small
// hand-written scan, because the monitor may only make async-signal-safe calls.
bool RecordNamesMonitor(const char* path, pid_t pid) {
  char text[8192];
  const size_t size = ReadSmallFile(path, text, sizeof text);
  static const char kKey[] = "\"monitorPid\"";
  constexpr size_t kKeySize = sizeof kKey - 1;
  for (size_t i = 0; i + kKeySize <= size; ++i) {
    size_t matched = 0;
    while (matched < kKeySize && text[i + matched] == kKey[matched]) ++matched;
    if (matched < kKeySize) continue;
    const char* at = text + i + kKeySize;
    while (*at == ' ' || *at == ':') ++at;
    int64_t value = 0;
    bool digits = false;
    for (; *at >= '0' && *at <= '9'; ++at, digits = true) value = value * 10 + (*at - '0');
    return digits && value == pid;
  }
  return false;
}

// Zeroes the environment block this process inherited from Spaceport (the range /proc/self/stat
// gives as env_start and env_end, fields 50 and 51). The monitor is forked, not executed, so
// without this its /proc/PID/environ would show Spaceport's whole environment, tokens included,
// to anything that may read the monitor's /proc files, for as long as the build runs (it outlives
// Spaceport). Fork copied the block, so Spaceport's own is untouched. Called after the build is
// forked: the build's exec still looks PATH up in it.
void ScrubInheritedEnvironment() {
  char text[2048];
  const size_t size = ReadSmallFile("/proc/self/stat", text, sizeof text);
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const char* at = nullptr;
  for (size_t i = 0; i < size; ++i)
    if (text[i] == ')') at = text + i + 1;
  if (at == nullptr) return;
  uint64_t fields[2] = {0, 0};  // env_start, env_end
  for (int field = 2; *at != '\0' && field < 51;) {
    while (*at == ' ') ++at;
    ++field;
    uint64_t value = 0;
    for (; *at >= '0' && *at <= '9'; ++at) value = value * 10 + static_cast<uint64_t>(*at - '0');
    while (*at != ' ' && *at != '\0' && *at != '\n') ++at;
    if (field >= 50) fields[field - 50] = value;
  }
  constexpr uint64_t kMaxBlock = 64u << 20;  // the kernel caps argv + envp far below this
  if (fields[0] == 0 || fields[1] <= fields[0] || fields[1] - fields[0] > kMaxBlock) return;
  std::memset(reinterpret_cast<void*>(fields[0]), 0, fields[1] - fields[0]);
}

// Waits for `child` until the deadline; on timeout kills its process group. Returns the result
// line written to the exit file.
[[noreturn]] void RunMonitor(const LaunchPlan& plan, pid_t build) {
  const int64_t deadline = MonotonicMs() + plan.timeout_ms;
  int status = 0;
  bool timed_out = false;
  for (;;) {
    const pid_t done = ::waitpid(build, &status, WNOHANG);
    if (done == build) break;
    if (done < 0 && errno != EINTR) break;
    if (!timed_out && MonotonicMs() >= deadline) {
      timed_out = true;
      ::kill(-build, SIGTERM);
      const int64_t hard = MonotonicMs() + plan.grace_ms;
      while (MonotonicMs() < hard && ::waitpid(build, &status, WNOHANG) == 0) SleepMs(50);
      ::kill(-build, SIGKILL);
      ::waitpid(build, &status, 0);
      break;
    }
    SleepMs(100);
  }
  ::kill(-build, SIGKILL);  // whatever the build left running in its group goes with it

  char line[64];
  size_t n = 0;
  auto put = [&](const char* text) {
    for (; *text != '\0'; ++text) line[n++] = *text;
  };
  if (timed_out) {
    put("timed_out");
  } else if (WIFSIGNALED(status)) {
    put("signaled ");
    n += FormatInt(WTERMSIG(status), line + n);
  } else {
    put("exited ");
    n += FormatInt(WIFEXITED(status) ? WEXITSTATUS(status) : 255, line + n);
  }
  line[n++] = '\n';
  const int fd = ::open(plan.exit_temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd >= 0) {
    WriteAll(fd, line, n);
    ::fsync(fd);
    ::close(fd);
    ::rename(plan.exit_temp_path.c_str(), plan.exit_path.c_str());
  }
  ::_exit(0);
}

// Runs in the first child: a new session, the monitor and the build under it; the first child
// exits at once so the monitor is nobody's child here (no zombie in Spaceport).
//
// The command must not run before its lock record exists: a Spaceport killed in between would
// leave a build that the next one cannot find, and the next one would build the version again.
// So the build waits at a gate the monitor opens only once Spaceport has said "go" (after writing
// the record) — or, when Spaceport died before saying it, once the record on disk names this
// monitor (it died between the write and the go). Otherwise the build is called off without a
// trace (no result file), and the next Spaceport, finding no record, starts it afresh.
[[noreturn]] void LaunchDetached(const LaunchPlan& plan, int report_fd, int lock_fd) {
  ::close(lock_fd);  // the flock stays with Spaceport
  ::close(plan.go_write_fd);  // so that Spaceport's death reads as end of file at the monitor
  ::setsid();
  const pid_t monitor = ::fork();
  if (monitor != 0) ::_exit(monitor < 0 ? 1 : 0);

  int gate[2] = {-1, -1};
  if (::pipe2(gate, O_CLOEXEC) != 0) ::_exit(1);
  const pid_t build = ::fork();
  if (build == 0) {
    ::setpgid(0, 0);
    ::close(gate[1]);
    if (!ReadGo(gate[0])) ::_exit(0);  // called off by the monitor
    ::dup2(plan.null_fd, 0);
    ::dup2(plan.log_fd, 1);
    ::dup2(plan.log_fd, 2);
    CloseFrom(3);
    ::execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
    const char* why = "spaceport: cannot run the build command: ";
    WriteAll(2, why, std::strlen(why));
    WriteAll(2, plan.argv[0], std::strlen(plan.argv[0]));
    const char* tail = ": exec failed\n";
    WriteAll(2, tail, std::strlen(tail));
    ::_exit(127);
  }
  if (build > 0) ::setpgid(build, build);  // also here, so kill(-build) works at once
  ScrubInheritedEnvironment();  // before the gate opens: the build never sees it filled
  ::close(gate[0]);

  const int64_t pids[2] = {build, ::getpid()};
  WriteAll(report_fd, reinterpret_cast<const char*>(pids), sizeof pids);
  if (build > 0 && !ReadGo(plan.go_read_fd) &&
      !RecordNamesMonitor(plan.record_path.c_str(), ::getpid())) {
    ::close(gate[1]);  // the build reads end of file and exits without running the command
    int ignored = 0;
    while (::waitpid(build, &ignored, 0) < 0 && errno == EINTR) {
    }
    ::_exit(0);
  }
  if (build > 0) WriteAll(gate[1], "g", 1);
  ::close(gate[1]);
  ::dup2(plan.null_fd, 0);
  ::dup2(plan.null_fd, 1);
  ::dup2(plan.null_fd, 2);
  CloseFrom(3);
  if (build < 0) ::_exit(1);
  RunMonitor(plan, build);
}

// --- the parent side ---

bool ReadAll(int fd, char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Whole names and name prefixes (ending in '_') of the toolchain variables a build inherits.
constexpr std::string_view kToolchainNames[] = {
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM", "TMPDIR",
    "DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKER_BUILDKIT",
    "BUILDKIT_HOST", "REGISTRY_AUTH_FILE", "STORAGE_DRIVER", "STORAGE_OPTS", "SSL_CERT_FILE",
    "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"};
constexpr std::string_view kToolchainPrefixes[] = {"LC_", "XDG_", "BUILDAH_", "CONTAINERS_"};

bool IsToolchainName(std::string_view name) {
  for (std::string_view n : kToolchainNames)
    if (name == n) return true;
  for (std::string_view p : kToolchainPrefixes)
    if (name.starts_with(p)) return true;
  return false;
}

Result<LaunchPlan> PlanLaunch(const BuildRequest& request, const std::string& log_path,
                              const std::string& exit_path, const std::string& record_path,
                              int64_t timeout_ms, int64_t grace_ms) {
  LaunchPlan plan;
  const PlaceholderValues values{request.version, request.Image(), request.build_id};
  for (const std::string& arg : request.spec.command->run) {
    auto rendered = RenderPlaceholders(arg, values);
    if (!rendered.ok()) return rendered.status();
    plan.argv_storage.push_back(std::move(*rendered));
  }
  plan.env_storage = BuildEnvironment(environ, request.spec.command->pass_env,
                                      {{"IMAGE", request.Image()},
                                       {"VERSION", request.version},
                                       {"REPOSITORY", request.repository},
                                       {"BUILD_ID", request.build_id}});
  for (std::string& a : plan.argv_storage) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (std::string& e : plan.env_storage) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  plan.exit_path = exit_path;
  plan.exit_temp_path = exit_path + ".tmp";
  plan.record_path = record_path;
  plan.timeout_ms = timeout_ms;
  plan.grace_ms = grace_ms;
  plan.log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (plan.log_fd < 0) return Internal("cannot open build log " + log_path + ": " + std::strerror(errno));
  plan.null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (plan.null_fd < 0) {
    ::close(plan.log_fd);
    return Internal(std::string("cannot open /dev/null: ") + std::strerror(errno));
  }
  // A socket pair, not a pipe: sending on it to a monitor that is gone must not raise SIGPIPE.
  int go[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) != 0) {
    ::close(plan.log_fd);
    ::close(plan.null_fd);
    return Internal(std::string("cannot create a socket pair: ") + std::strerror(errno));
  }
  plan.go_read_fd = go[0];
  plan.go_write_fd = go[1];
  return plan;
}

}  // namespace

std::string TailOfFile(const std::filesystem::path& path, size_t lines) {
  constexpr std::streamoff kMaxRead = 256 * 1024;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > kMaxRead ? size - kMaxRead : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  size_t begin = text.size();
  for (size_t seen = 0; begin > 0; --begin) {
    if (text[begin - 1] == '\n' && ++seen == lines) break;
  }
  return text.substr(begin);
}

CommandBuilder::CommandBuilder(std::filesystem::path state_dir, Clock& clock,
                               CommandBuilderOptions options)
    : locks_(std::move(state_dir)), clock_(clock), options_(options) {}

BuildHandle CommandBuilder::HandleFor(const std::string& key, const BuildLockRecord& record) const {
  return BuildHandle{std::string(kCommandBackend), key, record.log_path};
}

Result<std::optional<BuildHandle>> CommandBuilder::Find(const BuildRequest& request) {
  const std::string key = BuildLockKey(request.Image());
  auto record = locks_.Read(key);
  if (!record.ok()) return record.status();
  if (!*record) return std::optional<BuildHandle>();
  return std::optional<BuildHandle>(HandleFor(key, **record));
}

Result<BuildHandle> CommandBuilder::Start(const BuildRequest& request) {
  if (!request.spec.command || request.spec.command->run.empty()) {
    return InvalidArgument("the build of " + request.Image() + " has no command to run");
  }
  const std::string key = BuildLockKey(request.Image());
  auto held = locks_.Lock(key);
  if (!held.ok()) return held.status();
  auto existing = locks_.Read(key);
  if (!existing.ok()) return existing.status();
  if (*existing && Inspect(**existing).liveness == BuildLiveness::kInFlight) {
    return HandleFor(key, **existing);  // never two builds of one image version
  }

  const int64_t timeout_seconds = request.spec.command->timeout.seconds > 0
                                      ? request.spec.command->timeout.seconds
                                      : options_.default_timeout.count();
  const std::string log_path = locks_.LogPath(key).string();
  std::error_code ignored;
  std::filesystem::remove(locks_.ExitPath(key), ignored);
  auto plan = PlanLaunch(request, log_path, locks_.ExitPath(key).string(),
                         locks_.RecordPath(key).string(), timeout_seconds * 1000,
                         options_.kill_grace.count());
  if (!plan.ok()) return plan.status();

  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    ::close(plan->log_fd);
    ::close(plan->null_fd);
    ::close(plan->go_read_fd);
    ::close(plan->go_write_fd);
    return Internal(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  const pid_t first = ::fork();
  if (first == 0) {
    ::close(report[0]);
    LaunchDetached(*plan, report[1], held->fd());
  }
  ::close(report[1]);
  ::close(plan->log_fd);
  ::close(plan->null_fd);
  ::close(plan->go_read_fd);
  // Closed without a byte on every early return: the monitor then calls the build off.
  struct GoSocket {
    int fd;
    ~GoSocket() { ::close(fd); }
  } go{plan->go_write_fd};
  if (first < 0) {
    ::close(report[0]);
    return Internal(std::string("cannot fork: ") + std::strerror(errno));
  }
  int64_t pids[2] = {0, 0};
  const bool reported = ReadAll(report[0], reinterpret_cast<char*>(pids), sizeof pids);
  ::close(report[0]);
  int ignored_status = 0;
  while (::waitpid(first, &ignored_status, 0) < 0 && errno == EINTR) {
  }
  if (!reported || pids[0] <= 0) {
    return Internal("the build of " + request.Image() + " could not be started");
  }

  BuildLockRecord record;
  record.pid = pids[0];
  record.start_time = ProcessStartTime(static_cast<pid_t>(pids[0])).value_or(0);
  record.monitor_pid = pids[1];
  record.monitor_start_time = ProcessStartTime(static_cast<pid_t>(pids[1])).value_or(0);
  record.build_id = request.build_id;
  record.image = request.Image();
  record.log_path = log_path;
  record.started_at = FormatRfc3339(clock_.Now());
  record.timeout_seconds = timeout_seconds;
  if (Status s = locks_.Write(key, record); !s.ok()) return s;
  // The record is on disk: the command may run now (see LaunchDetached).
  if (::send(go.fd, "g", 1, MSG_NOSIGNAL) != 1) {
    return Internal("the build of " + request.Image() + " could not be released: " +
                    std::strerror(errno));
  }
  return HandleFor(key, record);
}

Result<BuildState> CommandBuilder::Poll(const BuildRequest& request, const BuildHandle& handle) {
  const std::string& key = handle.id;
  auto held = locks_.Lock(key);
  if (!held.ok()) return held.status();
  auto record = locks_.Read(key);
  if (!record.ok()) return record.status();
  if (!*record) return NotFound("no command build of " + request.Image() + " is recorded");

  BuildInspection inspection = Inspect(**record);
  if (inspection.liveness == BuildLiveness::kDisappeared) {
    // The monitor may have written its result between reading the record and looking at /proc.
    record = locks_.Read(key);
    if (!record.ok()) return record.status();
    inspection = Inspect(**record);
  }
  BuildState state;
  state.url = (*record)->log_path;
  state.output_tail = TailOfFile((*record)->log_path, options_.tail_lines);
  switch (inspection.liveness) {
    case BuildLiveness::kInFlight:
      state.phase = BuildPhase::kInProgress;
      state.message = "the build command is running (pid " + std::to_string((*record)->pid) + ")";
      break;
    case BuildLiveness::kFinished: {
      BuildExit exit = *inspection.exit;
      state.phase = exit.success() ? BuildPhase::kSucceeded : BuildPhase::kFailed;
      state.message = "the build command " + exit.Describe();
      if (exit.kind == BuildExit::Kind::kTimedOut) {
        state.message += " (" + std::to_string((*record)->timeout_seconds) + " s)";
      }
      if (!(*record)->exit_recorded) {  // fold the monitor's result into the record, once
        BuildLockRecord finished = **record;
        finished.exit = exit;
        if (Status s = locks_.Write(key, finished); !s.ok()) return s;
      }
      break;
    }
    case BuildLiveness::kDisappeared:
      state.phase = BuildPhase::kFailed;
      state.message = "build process disappeared (pid " + std::to_string((*record)->pid) +
                      " is gone and left no result)";
      break;
  }
  return state;
}

std::vector<std::string> BuildEnvironment(const char* const* inherited,
                                          const std::vector<std::string>& pass_env,
                                          const std::vector<std::pair<std::string, std::string>>& ours) {
  std::vector<std::string> out;
  for (const char* const* e = inherited; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    const std::string_view name = entry.substr(0, eq);
    bool replaced = false;
    for (const auto& [n, value] : ours) replaced = replaced || name == n;
    if (replaced) continue;
    if (IsToolchainName(name) ||
        std::find(pass_env.begin(), pass_env.end(), name) != pass_env.end())
      out.emplace_back(entry);
  }
  for (const auto& [name, value] : ours) out.push_back(name + "=" + value);
  return out;
}

}  // namespace spaceport::act
