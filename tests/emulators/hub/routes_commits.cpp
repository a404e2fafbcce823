// Writing and listing commits: preupload, the NDJSON commit API, the commit list.
#include "emulators/hub/ndjson_commit.h"
#include "emulators/hub/paging.h"
#include "emulators/hub/responses.h"
#include "emulators/hub/routes.h"
#include "emulators/hub/time_format.h"

namespace spaceport::hub_emulator {
namespace {

// Only the default branch exists; "main" and "HEAD" name it.
bool IsMainBranch(const std::string& revision) { return revision == "main" || revision == "HEAD"; }

}  // namespace

http::Response PreuploadRoute(HubState& state, const Call& call) {
  OrError<Repo*> repo = WritableRepo(state, call);
  if (const http::Response* e = ErrorOf(repo)) return *e;
  if (!IsMainBranch(call.Param("rev"))) return RevisionNotFound(call.Param("rev"));
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json* files = std::get<Json>(body).Find("files");
  if (!files || !files->is_array()) return BadRequest("\"files\" must be an array");
  const Commit& head = std::get<Repo*>(repo)->head();
  Json answers = Json::Array();
  for (size_t i = 0; i < files->size(); ++i) {
    const std::string path = files->At(i).GetString("path");
    Json a = Json::Object();
    a.Set("path", Json(path));
    a.Set("uploadMode", Json("regular"));  // no LFS in the emulator; the commit checks size
    a.Set("shouldIgnore", Json(false));
    if (auto it = head.files.find(path); it != head.files.end()) {
      a.Set("oid", Json(GitBlobId(*it->second)));
    }
    answers.Push(std::move(a));
  }
  Json out = Json::Object();
  out.Set("files", std::move(answers));
  out.Set("commitOid", Json(head.id));
  return JsonResponse(200, out);
}

http::Response CommitRoute(HubState& state, const Call& call) {
  OrError<Repo*> repo = WritableRepo(state, call);
  if (const http::Response* e = ErrorOf(repo)) return *e;
  if (!IsMainBranch(call.Param("rev"))) return RevisionNotFound(call.Param("rev"));
  if (call.request.QueryValue("create_pr")) {
    return BadRequest("Pull requests are not supported by the Hub emulator");
  }
  OrError<CommitDraft> draft = ParseCommitBody(call.request.body);
  if (const http::Response* e = ErrorOf(draft)) return *e;
  Repo& r = *std::get<Repo*>(repo);
  OrError<const Commit*> commit =
      state.AddCommit(r, std::get<CommitDraft>(draft), call.caller.principal->user, call.now);
  if (const http::Response* e = ErrorOf(commit)) return *e;
  const std::string& id = std::get<const Commit*>(commit)->id;
  Json out = Json::Object();
  out.Set("success", Json(true));
  out.Set("commitOid", Json(id));
  out.Set("commitUrl", Json(state.base_url + "/" + r.id.FilePrefix() + "/commit/" + id));
  out.Set("hookOutput", Json(""));
  return JsonResponse(200, out);
}

http::Response ListCommitsRoute(HubState& state, const Call& call) {
  OrError<Repo*> repo = ReadableRepo(state, call);
  if (const http::Response* e = ErrorOf(repo)) return *e;
  const Repo& r = *std::get<Repo*>(repo);
  const Commit* start = r.Resolve(call.Param("rev"));
  if (!start) return RevisionNotFound(call.Param("rev"));
  // Commits are linear: the history of `start` is every commit up to it, newest first.
  const size_t count = static_cast<size_t>(start - r.commits.data()) + 1;
  size_t page_size = state.options.page_size;
  if (auto limit = call.request.QueryValue("limit")) {
    page_size = std::min(page_size, static_cast<size_t>(std::max(1L, std::atol(limit->c_str()))));
  }
  const Page page = Paginate(count, page_size, call, state.base_url);
  Json out = Json::Array();
  for (size_t i = page.begin; i < page.end; ++i) {
    const Commit& c = r.commits[count - 1 - i];
    Json author = Json::Object();
    author.Set("user", Json(c.author));
    author.Set("avatar", Json("/avatars/" + c.author + ".svg"));
    Json authors = Json::Array();
    authors.Push(std::move(author));
    Json entry = Json::Object();
    entry.Set("id", Json(c.id));
    entry.Set("title", Json(c.title));
    entry.Set("message", Json(c.description));
    entry.Set("authors", std::move(authors));
    entry.Set("date", Json(IsoTime(c.date)));
    out.Push(std::move(entry));
  }
  http::Response response = JsonResponse(200, out);
  AddNextLink(response, page);
  response.headers.Add("X-Total-Count", std::to_string(count));
  return response;
}

}  // namespace spaceport::hub_emulator
