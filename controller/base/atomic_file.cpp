#include "base/atomic_file.h"

#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace spaceport {
namespace {

Status IoFailure(const std::string& what, const std::string& path, int error) {
  return {StatusCode::kFailedPrecondition, what + " " + path + ": " + std::strerror(error)};
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoFailure("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// The temporary file's content, mode and bytes on disk; the caller closes `fd`.
Status FillTemporary(int fd, const std::string& temp, std::string_view content, mode_t mode) {
  if (Status s = WriteAll(fd, content, temp); !s.ok()) return s;
  // mkstemp creates 0600; the mode is set explicitly so the umask does not decide it.
  if (::fchmod(fd, mode) != 0) return IoFailure("cannot set the mode of", temp, errno);
  if (::fsync(fd) != 0) return IoFailure("cannot sync", temp, errno);
  return Status::Ok();
}

// Without this the rename may be lost on power failure even though both files were synced.
Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoFailure("cannot open directory", dir, errno);
  Status synced = Status::Ok();
  if (::fsync(fd) != 0) synced = IoFailure("cannot sync directory", dir, errno);
  ::close(fd);
  return synced;
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode) {
  // In the target's own directory, so rename() stays on one file system and is atomic. mkstemp
  // picks a name no concurrent writer uses.
  std::string pattern = path + ".tmp.XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return IoFailure("cannot create a temporary file next to", path, errno);
  const std::string temp = name.data();

  Status written = FillTemporary(fd, temp, content, mode);
  if (::close(fd) != 0 && written.ok()) written = IoFailure("cannot close", temp, errno);
  if (written.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = IoFailure("cannot replace", path, errno);
  }
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  return SyncDirectory(DirectoryOf(path));
}

Status CreateDirectories(const std::string& path, mode_t mode) {
  size_t at = 0;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    const std::string partial = path.substr(0, slash);
    at = slash + 1;
    if (partial.empty()) continue;  // the root of an absolute path
    if (::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST) {
      return IoFailure("cannot create directory", partial, errno);
    }
  }
  return Status::Ok();
}

int RemoveInterruptedWrites(const std::string& dir) {
  namespace fs = std::filesystem;
  int removed = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    const size_t at = name.rfind(".tmp.");
    if (at == std::string::npos || name.size() != at + 5 + 6) continue;
    if (fs::remove(it->path(), ec)) ++removed;
    ec.clear();
  }
  return removed;
}

}  // namespace spaceport
