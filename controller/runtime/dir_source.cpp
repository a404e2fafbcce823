#include "runtime/dir_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/digest.h"

namespace spaceport::runtime {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

bool IsYamlName(std::string_view name) { return name.ends_with(".yaml") || name.ends_with(".yml"); }

bool IsHidden(const fs::path& path) { return path.filename().string().starts_with("."); }

struct YamlFile {
  std::string relative;  // to the source path; the file name when the source is one file
  std::string path;
};

// The files spec::LoadPaths reads for `path`, walked the same way (hidden entries skipped,
// directory symlinks not followed, file symlinks followed), sorted by relative path.
std::vector<YamlFile> ListYamlFiles(const fs::path& root, bool is_directory) {
  std::vector<YamlFile> files;
  if (!is_directory) {
    files.push_back({root.filename().string(), root.string()});
    return files;
  }
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    if (IsHidden(path)) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (IsYamlName(path.filename().string()) && it->is_regular_file(ec)) {
      files.push_back({path.lexically_relative(root).generic_string(), path.string()});
    }
  }
  std::sort(files.begin(), files.end(),
            [](const YamlFile& a, const YamlFile& b) { return a.relative < b.relative; });
  return files;
}

// At most `limit` bytes of the file; "" when it cannot be read (the loader reports that).
std::string ReadPrefix(const std::string& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  char block[64 * 1024];
  while (text.size() < limit && in.read(block, sizeof block).gcount() > 0) {
    text.append(block, std::min(static_cast<size_t>(in.gcount()), limit - text.size()));
  }
  return text;
}

constexpr uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

// The inotify watches for one source: every directory of the tree (or the parent directory of a
// single file), kept in line with the directories that exist as they come and go.
class InotifyTree {
 public:
  static Result<std::unique_ptr<InotifyTree>> Open(const std::string& path) {
    std::error_code ec;
    const bool is_directory = fs::is_directory(path, ec);
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
      return Status(StatusCode::kResourceExhausted, "cannot watch " + path +
                                                        ": inotify_init1: " + std::strerror(errno) +
                                                        " (see fs.inotify.max_user_instances)");
    }
    std::unique_ptr<InotifyTree> tree(new InotifyTree(fd));
    if (is_directory) {
      tree->dir_ = path;
    } else {
      const fs::path file(path);
      tree->dir_ = file.has_parent_path() ? file.parent_path().string() : ".";
      tree->file_name_ = file.filename().string();
    }
    if (::inotify_add_watch(fd, tree->dir_.c_str(), kWatchMask) < 0) {
      return Status(errno == ENOSPC ? StatusCode::kResourceExhausted : StatusCode::kNotFound,
                    "cannot watch " + tree->dir_ + ": " + std::strerror(errno) +
                        (errno == ENOSPC ? " (see fs.inotify.max_user_watches)" : ""));
    }
    tree->Resync();
    return tree;
  }

  ~InotifyTree() { ::close(fd_); }
  InotifyTree(const InotifyTree&) = delete;
  InotifyTree& operator=(const InotifyTree&) = delete;

  int fd() const { return fd_; }

  // Reads every pending event; true when one of them may change what the loader reads.
  bool ReadEvents() {
    alignas(inotify_event) char buffer[64 * 1024];
    bool relevant = false;
    bool resync = false;
    for (;;) {
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        const std::string_view name = event->len > 0 ? std::string_view(event->name) : "";
        if (event->mask & IN_IGNORED) {
          watched_.erase(event->wd);
        } else if (event->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF)) {
          relevant = resync = true;  // events were lost, or a watched directory went away
        } else if (!file_name_.empty()) {
          relevant = relevant || name == file_name_;
        } else if (name.empty() || name.starts_with(".")) {
          // Hidden entries (editor swap files, .git) are never loaded.
        } else if (event->mask & IN_ISDIR) {
          relevant = resync = true;  // a directory came, went or moved, and its YAML with it
        } else {
          relevant = relevant || IsYamlName(name);
        }
      }
    }
    if (resync) Resync();
    return relevant;
  }

  // Watches every directory that exists now and drops the watches of those that are gone (a
  // moved directory keeps its watch: inotify_add_watch returns the same descriptor, with the new
  // path recorded here).
  void Resync() {
    std::unordered_map<int, std::string> now;
    auto add = [&](const std::string& dir) {
      const int wd = ::inotify_add_watch(fd_, dir.c_str(), kWatchMask);
      if (wd >= 0) now[wd] = dir;
    };
    add(dir_);
    if (file_name_.empty()) {
      std::error_code ec;
      fs::recursive_directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
        if (IsHidden(it->path())) {
          it.disable_recursion_pending();
          continue;
        }
        add(it->path().string());
      }
    }
    for (const auto& [wd, dir] : watched_) {
      if (now.count(wd) == 0) ::inotify_rm_watch(fd_, wd);
    }
    watched_ = std::move(now);
  }

 private:
  explicit InotifyTree(int fd) : fd_(fd) {}

  int fd_;
  std::string dir_;                               // the top directory watched
  std::string file_name_;                         // set when the source is a single file in dir_
  std::unordered_map<int, std::string> watched_;  // watch descriptor → directory
};

Result<std::string> DirectoryRevision(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return NotFound(path + ": no such file or directory");
  std::string hashed;
  for (const YamlFile& file : ListYamlFiles(path, fs::is_directory(status))) {
    hashed.append(file.relative).push_back('\0');
    hashed.append(ReadPrefix(file.path, spec::kMaxFileBytes + 1)).push_back('\0');
  }
  return "sha256:" + Sha256Hex(hashed);
}

DirSource::DirSource(std::string path, SourceOptions options)
    : path_(std::move(path)), options_(std::move(options)) {}

DirSource::~DirSource() { Stop(); }

std::string DirSource::Describe() const { return "dir:" + path_; }

Result<Snapshot> DirSource::Load() {
  // The revision is taken before and after reading: when they differ the files changed under
  // the loader, so it reads again. If they keep changing, the older revision goes with the
  // snapshot, so the next change notification still looks new to the controller.
  Result<std::string> before = DirectoryRevision(path_);
  if (!before.ok()) return NotFound(Describe() + ": no such file or directory");
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    spec::LoadResult loaded = spec::LoadPaths({path_});
    Result<std::string> after = DirectoryRevision(path_);
    if (attempt == kAttempts || (after.ok() && *after == *before)) {
      return Snapshot{std::move(loaded), std::move(*before)};
    }
    if (!after.ok()) return NotFound(Describe() + ": no such file or directory");
    before = std::move(after);
  }
}

Status DirSource::Start(std::function<void()> changed) {
  if (thread_.joinable()) return FailedPrecondition(Describe() + " is already started");
  std::error_code ec;
  if (!fs::exists(path_, ec)) return NotFound(Describe() + ": no such file or directory");
  auto tree = InotifyTree::Open(path_);
  if (!tree.ok()) return tree.status();
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return Internal(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  tree_ = std::move(*tree);
  changed_ = std::move(changed);
  Result<std::string> revision = DirectoryRevision(path_);
  last_revision_ = revision.ok() ? *revision : "";
  stop_ = false;
  thread_ = std::thread([this] { Watch(); });
  return Status::Ok();
}

void DirSource::RequestFetch() {
  rescan_requested_ = true;
  Wake();
}

void DirSource::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  Wake();
  thread_.join();
  tree_.reset();
  for (int& fd : wake_pipe_) {
    ::close(fd);
    fd = -1;
  }
}

void DirSource::Wake() {
  if (wake_pipe_[1] < 0) return;
  const char byte = 'x';
  [[maybe_unused]] const ssize_t n = ::write(wake_pipe_[1], &byte, 1);  // a full pipe is awake
}

void DirSource::CheckRevision() {
  Result<std::string> revision = DirectoryRevision(path_);
  std::string now = revision.ok() ? *revision : "";
  if (now == last_revision_) return;
  last_revision_ = std::move(now);
  changed_();
}

void DirSource::Watch() {
  SteadyClock::time_point next_rescan = SteadyClock::now() + options_.rescan_interval;
  // Set by the first event of a burst: the burst is handled once, `debounce` after it began.
  // (A flag and a time rather than std::optional: GCC 12 at -O2 warns maybe-uninitialized.)
  bool flush_pending = false;
  SteadyClock::time_point flush_at{};
  while (!stop_) {
    const SteadyClock::time_point wake_at =
        flush_pending ? std::min(flush_at, next_rescan) : next_rescan;
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - SteadyClock::now());
    pollfd fds[2] = {{tree_->fd(), POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    // Capped so a clock that jumps or a lost wake-up costs at most a second.
    const int timeout_ms = static_cast<int>(std::clamp<int64_t>(wait.count(), 0, 1000));
    if (::poll(fds, 2, timeout_ms) < 0 && errno != EINTR) break;
    if (stop_) break;
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (::read(wake_pipe_[0], drain, sizeof drain) > 0) {
      }
      if (rescan_requested_.exchange(false)) next_rescan = SteadyClock::now();
    }
    if ((fds[0].revents & POLLIN) && tree_->ReadEvents() && !flush_pending) {
      flush_pending = true;
      flush_at = SteadyClock::now() + options_.debounce;
    }
    const SteadyClock::time_point now = SteadyClock::now();
    if (now >= next_rescan) {
      tree_->Resync();  // also re-watches a directory that was deleted and created again
      flush_pending = false;
      CheckRevision();
      next_rescan = now + options_.rescan_interval;
    } else if (flush_pending && now >= flush_at) {
      flush_pending = false;
      CheckRevision();
    }
  }
}

}  // namespace spaceport::runtime
