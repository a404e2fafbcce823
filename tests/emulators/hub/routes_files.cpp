// Reading files: resolve/raw downloads (ETag, X-Repo-Commit, Range), tree listings and
// paths-info.
#include <algorithm>
#include <set>

#include "emulators/hub/paging.h"
#include "emulators/hub/responses.h"
#include "emulators/hub/routes.h"
#include "emulators/hub/time_format.h"
#include "http/query.h"

namespace spaceport::hub_emulator {
namespace {

bool LooksLikeText(const std::string& content) {
  return content.find('\0') == std::string::npos;
}

struct ByteRange {
  size_t first = 0;
  size_t last = 0;  // inclusive
};

// "bytes=a-b", "bytes=a-", "bytes=-n" (one range). nullopt: absent or not understood (the
// whole file is sent). A range starting past the end is unsatisfiable.
enum class RangeKind { kNone, kRange, kUnsatisfiable };
RangeKind ParseRange(const std::optional<std::string>& header, size_t size, ByteRange& out) {
  if (!header || header->rfind("bytes=", 0) != 0) return RangeKind::kNone;
  const std::string spec = header->substr(6);
  if (spec.find(',') != std::string::npos) return RangeKind::kNone;
  const size_t dash = spec.find('-');
  if (dash == std::string::npos) return RangeKind::kNone;
  const std::string a = spec.substr(0, dash);
  const std::string b = spec.substr(dash + 1);
  auto digits = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if ((!a.empty() && !digits(a)) || (!b.empty() && !digits(b)) || (a.empty() && b.empty())) {
    return RangeKind::kNone;
  }
  if (a.empty()) {  // suffix: the last n bytes
    const size_t n = std::stoull(b);
    if (n == 0 || size == 0) return RangeKind::kUnsatisfiable;
    out = {size - std::min(n, size), size - 1};
    return RangeKind::kRange;
  }
  const size_t first = std::stoull(a);
  if (first >= size) return RangeKind::kUnsatisfiable;
  size_t last = b.empty() ? size - 1 : std::stoull(b);
  if (last < first) return RangeKind::kNone;
  out = {first, std::min(last, size - 1)};
  return RangeKind::kRange;
}

struct TreeEntry {
  std::string path;
  bool directory = false;
};

// Every file and directory of `files` under `dir` ("" = root): direct children, or all
// descendants when recursive; in path order.
std::vector<TreeEntry> ListTree(const FileMap& files, const std::string& dir, bool recursive) {
  const std::string prefix = dir.empty() ? "" : dir + "/";
  std::set<std::string> directories;
  std::vector<TreeEntry> out;
  for (auto it = files.lower_bound(prefix); it != files.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    const std::string rest = it->first.substr(prefix.size());
    size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      out.push_back({it->first, false});
      continue;
    }
    if (!recursive) {
      directories.insert(prefix + rest.substr(0, slash));
      continue;
    }
    for (; slash != std::string::npos; slash = rest.find('/', slash + 1)) {
      directories.insert(prefix + rest.substr(0, slash));
    }
    out.push_back({it->first, false});
  }
  for (const std::string& d : directories) out.push_back({d, true});
  std::sort(out.begin(), out.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  return out;
}

bool IsDirectory(const FileMap& files, const std::string& path) {
  const std::string prefix = path + "/";
  auto it = files.lower_bound(prefix);
  return it != files.end() && it->first.rfind(prefix, 0) == 0;
}

// The newest commit at or before `at` (an index into repo.commits) that changed `path`.
const Commit& LastChange(const Repo& repo, size_t at, const TreeEntry& entry) {
  auto id_of = [&](const Commit& c) -> std::string {
    if (entry.directory) return IsDirectory(c.files, entry.path) ? GitTreeId(c.files, entry.path) : "";
    auto it = c.files.find(entry.path);
    return it == c.files.end() ? "" : GitBlobId(*it->second);
  };
  const std::string current = id_of(repo.commits[at]);
  for (size_t i = at; i > 0; --i) {
    if (id_of(repo.commits[i - 1]) != current) return repo.commits[i];
  }
  return repo.commits[0];
}

Json EntryJson(const Repo& repo, size_t commit_index, const TreeEntry& entry, bool expand) {
  const FileMap& files = repo.commits[commit_index].files;
  Json out = Json::Object();
  out.Set("type", Json(entry.directory ? "directory" : "file"));
  if (entry.directory) {
    out.Set("oid", Json(GitTreeId(files, entry.path)));
    out.Set("size", Json(0));
  } else {
    const std::string& content = *files.at(entry.path);
    out.Set("oid", Json(GitBlobId(content)));
    out.Set("size", Json(static_cast<int64_t>(content.size())));
  }
  out.Set("path", Json(entry.path));
  if (expand) {
    const Commit& last = LastChange(repo, commit_index, entry);
    Json commit = Json::Object();
    commit.Set("id", Json(last.id));
    commit.Set("title", Json(last.title));
    commit.Set("date", Json(IsoTime(last.date)));
    out.Set("lastCommit", std::move(commit));
    if (!entry.directory) {
      Json security = Json::Object();
      security.Set("status", Json("safe"));
      out.Set("securityFileStatus", std::move(security));
    }
  }
  return out;
}

bool Truthy(const std::optional<std::string>& v) { return v && (*v == "true" || *v == "1"); }

// The repo and the index of the commit the call's revision names, or the error to answer.
struct Resolved {
  const Repo* repo = nullptr;
  size_t index = 0;
};
OrError<Resolved> ResolveRevision(HubState& state, const Call& call) {
  OrError<Repo*> repo = ReadableRepo(state, call);
  if (const http::Response* e = ErrorOf(repo)) return *e;
  const Repo& r = *std::get<Repo*>(repo);
  const Commit* commit = r.Resolve(call.Param("rev"));
  if (!commit) return RevisionNotFound(call.Param("rev"));
  return Resolved{&r, static_cast<size_t>(commit - r.commits.data())};
}

}  // namespace

http::Response ResolveRoute(HubState& state, const Call& call) {
  OrError<Resolved> resolved = ResolveRevision(state, call);
  if (const http::Response* e = ErrorOf(resolved)) return *e;
  const Resolved& at = std::get<Resolved>(resolved);
  const Commit& commit = at.repo->commits[at.index];
  auto file = commit.files.find(call.Param("path"));
  if (file == commit.files.end()) {
    http::Response r = EntryNotFound();
    r.headers.Add("X-Repo-Commit", commit.id);
    return r;
  }
  const std::string& content = *file->second;
  const std::string etag = "\"" + GitBlobId(content) + "\"";
  http::Response r;
  r.headers.Add("X-Repo-Commit", commit.id);
  r.headers.Add("ETag", etag);
  r.headers.Add("Accept-Ranges", "bytes");
  if (call.request.headers.Get("If-None-Match") == etag) {
    r.status = 304;
    return r;
  }
  r.headers.Add("Content-Type", LooksLikeText(content) ? "text/plain; charset=utf-8"
                                                       : "application/octet-stream");
  ByteRange range;
  switch (ParseRange(call.request.headers.Get("Range"), content.size(), range)) {
    case RangeKind::kNone:
      r.status = 200;
      r.body = content;
      break;
    case RangeKind::kRange:
      r.status = 206;
      r.headers.Add("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                         std::to_string(range.last) + "/" +
                                         std::to_string(content.size()));
      r.body = content.substr(range.first, range.last - range.first + 1);
      break;
    case RangeKind::kUnsatisfiable:
      r.status = 416;
      r.headers.Add("Content-Range", "bytes */" + std::to_string(content.size()));
      break;
  }
  return r;
}

http::Response TreeRoute(HubState& state, const Call& call) {
  OrError<Resolved> resolved = ResolveRevision(state, call);
  if (const http::Response* e = ErrorOf(resolved)) return *e;
  const Resolved& at = std::get<Resolved>(resolved);
  const FileMap& files = at.repo->commits[at.index].files;
  const std::string& dir = call.Param("path");
  if (!dir.empty() && !IsDirectory(files, dir)) {
    http::Response r = EntryNotFound("Entry not found: " + dir);
    r.headers.Add("X-Repo-Commit", at.repo->commits[at.index].id);
    return r;
  }
  const std::vector<TreeEntry> entries =
      ListTree(files, dir, Truthy(call.request.QueryValue("recursive")));
  const bool expand = Truthy(call.request.QueryValue("expand"));
  const Page page = Paginate(entries.size(), state.options.page_size, call, state.base_url);
  Json out = Json::Array();
  for (size_t i = page.begin; i < page.end; ++i) out.Push(EntryJson(*at.repo, at.index, entries[i], expand));
  http::Response response = JsonResponse(200, out);
  AddNextLink(response, page);
  return response;
}

http::Response PathsInfoRoute(HubState& state, const Call& call) {
  OrError<Resolved> resolved = ResolveRevision(state, call);
  if (const http::Response* e = ErrorOf(resolved)) return *e;
  const Resolved& at = std::get<Resolved>(resolved);
  std::vector<std::string> paths;
  bool expand = false;
  const std::string type = call.request.headers.Get("Content-Type").value_or("");
  if (type.rfind("application/json", 0) == 0) {
    OrError<Json> body = JsonBody(call);
    if (const http::Response* e = ErrorOf(body)) return *e;
    const Json& b = std::get<Json>(body);
    if (const Json* list = b.Find("paths"); list && list->is_array()) {
      for (size_t i = 0; i < list->size(); ++i) paths.push_back(list->At(i).AsString());
    }
    if (const Json* e = b.Find("expand"); e && e->is_bool()) expand = e->AsBool();
  } else {  // form-encoded, as the Python client sends it
    for (const auto& [key, value] : http::ParseQuery(call.request.body)) {
      if (key == "paths") paths.push_back(value);
      if (key == "expand") expand = value == "true" || value == "True" || value == "1";
    }
  }
  const FileMap& files = at.repo->commits[at.index].files;
  Json out = Json::Array();
  for (std::string path : paths) {
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (files.count(path)) {
      out.Push(EntryJson(*at.repo, at.index, {path, false}, expand));
    } else if (!path.empty() && IsDirectory(files, path)) {
      out.Push(EntryJson(*at.repo, at.index, {path, true}, expand));
    }  // unknown paths are omitted, as on the Hub
  }
  return JsonResponse(200, out);
}

}  // namespace spaceport::hub_emulator
