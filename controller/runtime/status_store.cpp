#include "runtime/status_store.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "base/atomic_file.h"

namespace spaceport::runtime {
namespace {

namespace fs = std::filesystem;

constexpr char kSuffix[] = ".json";
constexpr mode_t kFileMode = 0644;       // status holds no secret value
constexpr mode_t kDirectoryMode = 0700;  // but the state directory as a whole is private

// Kubernetes names are DNS labels or subdomains; anything else could escape the directory.
bool SafeName(std::string_view part) {
  if (part.empty() || part.size() > 253 || part == "." || part == "..") return false;
  return std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// The status in `path`, which must be the one of `expected_key` when that is given.
Result<DeploymentStatus> ReadStatusFile(const std::string& path, const std::string& expected_key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FailedPrecondition(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  Result<Json> doc = Json::Parse(text.str());
  if (!doc.ok()) return InvalidArgument(path + ": " + doc.status().message());
  Result<DeploymentStatus> status = StatusFromJson(*doc);
  if (!status.ok()) return InvalidArgument(path + ": " + status.status().message());
  if (!expected_key.empty() && status->key != expected_key) {
    return InvalidArgument(path + ": holds the status of \"" + status->key + "\", not \"" +
                           expected_key + "\"");
  }
  return status;
}

// Renames an unreadable status file to PATH.unreadable (PATH.unreadable.2, … when taken), so
// the status written next does not destroy what it held; "; kept as …" for the message.
std::string KeepAside(const std::string& path) {
  std::error_code ec;
  for (int n = 1; n < 100; ++n) {
    const std::string aside = path + ".unreadable" + (n == 1 ? "" : "." + std::to_string(n));
    if (fs::exists(aside, ec)) continue;
    fs::rename(path, aside, ec);
    if (ec) return "; could not keep it aside: " + ec.message();
    return "; kept as " + aside + ", a new status is written";
  }
  return "; not kept aside: 99 earlier copies are there";
}

}  // namespace

StatusStore::StatusStore(std::string state_dir) {
  while (state_dir.size() > 1 && state_dir.back() == '/') state_dir.pop_back();
  dir_ = state_dir + "/status";
}

// "" when the key is not namespace/name of safe names.
std::string StatusStore::PathOf(const std::string& key) const {
  const size_t slash = key.find('/');
  if (slash == std::string::npos) return "";
  const std::string_view ns = std::string_view(key).substr(0, slash);
  const std::string_view name = std::string_view(key).substr(slash + 1);
  if (!SafeName(ns) || !SafeName(name)) return "";
  return dir_ + "/" + std::string(ns) + "/" + std::string(name) + kSuffix;
}

Status StatusStore::Write(const DeploymentStatus& status) {
  const std::string path = PathOf(status.key);
  if (path.empty()) {
    return InvalidArgument("status store: \"" + status.key + "\" is not namespace/name");
  }
  if (Status s = CreateDirectories(path.substr(0, path.rfind('/')), kDirectoryMode); !s.ok()) {
    return s;
  }
  return WriteFileAtomically(path, ToJson(status).Dump(2) + "\n", kFileMode);
}

Result<std::optional<DeploymentStatus>> StatusStore::Read(const std::string& key) const {
  const std::string path = PathOf(key);
  if (path.empty()) return InvalidArgument("status store: \"" + key + "\" is not namespace/name");
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) return FailedPrecondition(path + ": " + ec.message());
    return std::optional<DeploymentStatus>();
  }
  Result<DeploymentStatus> status = ReadStatusFile(path, key);
  if (!status.ok()) return status.status();
  return std::optional<DeploymentStatus>(std::move(*status));
}

StoredStatuses StatusStore::ReadAll() const {
  StoredStatuses out;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return out;  // nothing written yet
  for (fs::directory_iterator ns(dir_, ec), end; !ec && ns != end; ns.increment(ec)) {
    if (!ns->is_directory()) continue;
    std::error_code inner;
    for (fs::directory_iterator file(ns->path(), inner); !inner && file != end;
         file.increment(inner)) {
      const fs::path& path = file->path();
      // Temporary files of a write in progress (or of a crash) end otherwise and are not ours.
      if (!file->is_regular_file() || path.extension() != kSuffix) continue;
      const std::string key =
          ns->path().filename().string() + "/" + path.stem().string();
      Result<DeploymentStatus> status = ReadStatusFile(path.string(), key);
      if (status.ok()) {
        out.statuses.push_back(std::move(*status));
      } else if (status.status().code() == StatusCode::kInvalidArgument) {
        // Read but not ours to read (torn by hand, another format version): the next Write would
        // replace it, so its content is kept aside first.
        out.problems.push_back(status.status().message() + KeepAside(path.string()));
      } else {
        out.problems.push_back(status.status().message());
      }
    }
    if (inner) out.problems.push_back(ns->path().string() + ": " + inner.message());
  }
  if (ec) out.problems.push_back(dir_ + ": " + ec.message());
  std::sort(out.statuses.begin(), out.statuses.end(),
            [](const DeploymentStatus& a, const DeploymentStatus& b) { return a.key < b.key; });
  std::sort(out.problems.begin(), out.problems.end());
  return out;
}

Status StatusStore::Remove(const std::string& key) {
  const std::string path = PathOf(key);
  if (path.empty()) return InvalidArgument("status store: \"" + key + "\" is not namespace/name");
  std::error_code ec;
  fs::remove(path, ec);  // false without error when it was not there
  if (ec) return FailedPrecondition("cannot remove " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace spaceport::runtime
