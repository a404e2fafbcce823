#include "observe/space_file_cache.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "base/atomic_file.h"
#include "base/json.h"

namespace spaceport::observe {
namespace {

constexpr mode_t kDirectoryMode = 0700;

bool UsableName(std::string_view part) {
  return !part.empty() && part != "." && part != ".." && part.find('\0') == std::string_view::npos;
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
  const std::string dir = path.substr(0, path.rfind('/'));
  if (Status s = CreateDirectories(dir, kDirectoryMode); !s.ok()) return s;

  Json entry = Json::Object();
  entry.Append("sha", Json(files.sha));
  entry.Append("dockerfile", OptionalJson(files.dockerfile));
  entry.Append("readme", OptionalJson(files.readme));
  const std::string content = entry.Dump() + "\n";

  // 0600: the cache holds Space file contents, which are the owner's business only.
  return WriteFileAtomically(path, content, 0600);
}

}  // namespace spaceport::observe
