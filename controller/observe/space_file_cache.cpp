#include "observe/space_file_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/json.h"

namespace spaceport::observe {
namespace {

constexpr mode_t kDirectoryMode = 0700;

bool UsableName(std::string_view part) {
  return !part.empty() && part != "." && part != ".." && part.find('\0') == std::string_view::npos;
}

std::string ErrnoText(int error) { return std::strerror(error); }

// mkdir -p, creating each missing directory with kDirectoryMode (an existing one is left as is).
Status MakeDirectories(const std::string& path) {
  std::string partial;
  size_t at = 0;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    partial = path.substr(0, slash);
    at = slash + 1;
    if (partial.empty()) continue;  // the root of an absolute path
    if (::mkdir(partial.c_str(), kDirectoryMode) != 0 && errno != EEXIST) {
      return {StatusCode::kFailedPrecondition,
              "cannot create directory " + partial + ": " + ErrnoText(errno)};
    }
  }
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return {StatusCode::kFailedPrecondition, "cannot write " + path + ": " + ErrnoText(errno)};
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

std::optional<std::string> OptionalString(const Json& entry, std::string_view key, bool& valid) {
  const Json* value = entry.Find(key);
  if (value == nullptr || (!value->is_null() && !value->is_string())) {
    valid = false;
    return std::nullopt;
  }
  if (value->is_null()) return std::nullopt;
  return value->AsString();
}

Json OptionalJson(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

}  // namespace

SpaceFileCache::SpaceFileCache(std::string state_dir) : state_dir_(std::move(state_dir)) {
  while (state_dir_.size() > 1 && state_dir_.back() == '/') state_dir_.pop_back();
}

std::string SpaceFileCache::PathFor(std::string_view space_id) const {
  if (!enabled()) return "";
  const size_t slash = space_id.find('/');
  if (slash == std::string_view::npos) return "";
  const std::string_view owner = space_id.substr(0, slash);
  const std::string_view name = space_id.substr(slash + 1);
  if (!UsableName(owner) || !UsableName(name) || name.find('/') != std::string_view::npos)
    return "";
  return state_dir_ + "/spaces/" + std::string(owner) + "/" + std::string(name) + ".json";
}

std::optional<CachedSpaceFiles> SpaceFileCache::Load(std::string_view space_id) const {
  const std::string path = PathFor(space_id);
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  Result<Json> entry = Json::Parse(text.str());
  if (!entry.ok() || !entry->is_object()) return std::nullopt;
  const Json* sha = entry->Find("sha");
  if (sha == nullptr || !sha->is_string() || sha->AsString().empty()) return std::nullopt;
  bool valid = true;
  CachedSpaceFiles files;
  files.sha = sha->AsString();
  files.dockerfile = OptionalString(*entry, "dockerfile", valid);
  files.readme = OptionalString(*entry, "readme", valid);
  if (!valid) return std::nullopt;
  return files;
}

Status SpaceFileCache::Store(std::string_view space_id, const CachedSpaceFiles& files) const {
  if (!enabled()) return Status::Ok();
  const std::string path = PathFor(space_id);
  if (path.empty()) {
    return InvalidArgument("file cache: \"" + std::string(space_id) +
                           "\" cannot name a cache entry");
  }
  if (Status s = MakeDirectories(path.substr(0, path.rfind('/'))); !s.ok()) return s;

  Json entry = Json::Object();
  entry.Append("sha", Json(files.sha));
  entry.Append("dockerfile", OptionalJson(files.dockerfile));
  entry.Append("readme", OptionalJson(files.readme));
  const std::string content = entry.Dump() + "\n";

  // mkstemp: a name no concurrent writer uses, created 0600, in the entry's own directory so
  // that rename() is atomic.
  std::string temp = path + ".XXXXXX";
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return {StatusCode::kFailedPrecondition,
            "cannot create a temporary file next to " + path + ": " + ErrnoText(errno)};
  }
  temp = name.data();
  Status written = WriteAll(fd, content, temp);
  if (written.ok() && ::fsync(fd) != 0) {
    written = {StatusCode::kFailedPrecondition, "cannot sync " + temp + ": " + ErrnoText(errno)};
  }
  ::close(fd);
  if (written.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = {StatusCode::kFailedPrecondition,
               "cannot replace " + path + ": " + ErrnoText(errno)};
  }
  if (!written.ok()) ::unlink(temp.c_str());
  return written;
}

}  // namespace spaceport::observe
