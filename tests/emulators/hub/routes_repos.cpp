// Identity and repo lifecycle: whoami-v2, create, delete, info, listing, settings,
// validate-yaml, the hardware list.
#include <algorithm>

#include "base/base64.h"
#include "emulators/hub/front_matter.h"
#include "emulators/hub/hardware.h"
#include "emulators/hub/paging.h"
#include "emulators/hub/repo_info.h"
#include "emulators/hub/responses.h"
#include "emulators/hub/routes.h"

namespace spaceport::hub_emulator {
namespace {

// `[{"key","value","description"?}]` as create sends variables and secrets.
OrError<std::map<std::string, Setting>> SettingsFrom(const Json* list, const char* what) {
  std::map<std::string, Setting> out;
  if (!list || list->is_null()) return out;
  if (!list->is_array()) return BadRequest(std::string("\"") + what + "\" must be an array");
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = list->At(i);
    const Json* key = item.Find("key");
    const Json* value = item.Find("value");
    if (!key || !key->is_string() || key->AsString().empty() || !value || !value->is_string()) {
      return BadRequest(std::string("each of \"") + what + "\" needs a string key and value");
    }
    out[key->AsString()] = Setting{value->AsString(), item.GetString("description"), {}};
  }
  return out;
}

// JS createRepo's `files`: [{"path","content","encoding":"base64"}].
OrError<FileMap> FilesFrom(const Json* list) {
  FileMap out;
  if (!list || list->is_null()) return out;
  if (!list->is_array()) return BadRequest("\"files\" must be an array");
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = list->At(i);
    const std::string path = item.GetString("path");
    const std::string encoding = item.GetString("encoding", "utf-8");
    std::optional<std::string> content = item.GetString("content");
    if (encoding == "base64") content = Base64Decode(*content);
    if (path.empty() || !content) return BadRequest("each file needs a path and valid content");
    out[path] = MakeBlob(*std::move(content));
  }
  return out;
}

}  // namespace

http::Response WhoAmIRoute(HubState&, const Call& call) {
  if (!call.caller.principal) return AuthenticationRequired();
  return JsonResponse(200, WhoAmI(*call.caller.principal));
}

http::Response CreateRepoRoute(HubState& state, const Call& call) {
  const Principal* who = call.caller.principal;
  if (!who) return AuthenticationRequired();
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);

  CreateRequest request;
  const std::string type = b.GetString("type", "model");
  const std::optional<RepoType> repo_type = RepoTypeFromSingular(type);
  if (!repo_type) return BadRequest("Invalid repo type \"" + type + "\"");
  request.id = RepoId{*repo_type, b.GetString("organization", who->user), b.GetString("name")};
  if (request.id.name.empty()) return BadRequest("\"name\" is required");
  if (!who->CanWrite(request.id.ns)) {
    return Forbidden("You don't have the rights to create a " + type + " under the namespace \"" +
                     request.id.ns + "\"");
  }
  const std::string visibility = b.GetString("visibility");
  const Json* is_private = b.Find("private");
  request.is_private = visibility == "private" || visibility == "protected" ||
                       (is_private && is_private->is_bool() && is_private->AsBool());
  request.sdk = b.GetString("sdk");
  if (const Json* hw = b.Find("hardware"); hw && hw->is_string()) request.hardware = hw->AsString();
  if (const Json* sleep = b.Find("sleepTimeSeconds"); sleep && sleep->AsInt()) {
    request.sleep_time = *sleep->AsInt();
  }
  OrError<std::map<std::string, Setting>> variables = SettingsFrom(b.Find("variables"), "variables");
  OrError<std::map<std::string, Setting>> secrets = SettingsFrom(b.Find("secrets"), "secrets");
  OrError<FileMap> files = FilesFrom(b.Find("files"));
  if (const http::Response* e = ErrorOf(variables)) return *e;
  if (const http::Response* e = ErrorOf(secrets)) return *e;
  if (const http::Response* e = ErrorOf(files)) return *e;
  request.variables = std::get<0>(std::move(variables));
  request.secrets = std::get<0>(std::move(secrets));
  request.files = std::get<0>(std::move(files));

  OrError<Repo*> created = state.Create(request, who->user, call.now);
  if (const http::Response* e = ErrorOf(created)) return *e;
  const Repo& repo = *std::get<Repo*>(created);
  Json out = Json::Object();
  out.Set("url", Json(state.base_url + "/" + repo.id.FilePrefix()));
  out.Set("name", Json(repo.id.Full()));
  out.Set("id", Json(repo.object_id));
  return JsonResponse(200, out);
}

http::Response DeleteRepoRoute(HubState& state, const Call& call) {
  const Principal* who = call.caller.principal;
  if (!who) return AuthenticationRequired();
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);
  const std::optional<RepoType> type = RepoTypeFromSingular(b.GetString("type", "model"));
  if (!type) return BadRequest("Invalid repo type");
  Call named{call.request, {{"type", std::string(Plural(*type))},
                            {"ns", b.GetString("organization", who->user)},
                            {"name", b.GetString("name")}},
             call.caller, call.now};
  OrError<Repo*> repo = WritableRepo(state, named);
  if (const http::Response* e = ErrorOf(repo)) return *e;
  state.Delete(named.Repo());
  return TextResponse(200, "OK");
}

http::Response RepoInfoRoute(HubState& state, const Call& call) {
  OrError<Repo*> repo = ReadableRepo(state, call);
  if (const http::Response* e = ErrorOf(repo)) return *e;
  OrError<ExpandList> expand = ParseExpand(call.request);
  if (const http::Response* e = ErrorOf(expand)) return *e;
  const std::string revision = call.Param("rev").empty() ? "main" : call.Param("rev");
  const Repo& r = *std::get<Repo*>(repo);
  const Commit* commit = r.Resolve(revision);
  if (!commit) return RevisionNotFound(revision);
  const bool blobs = call.request.QueryValue("blobs").value_or("") == "true";
  return JsonResponse(200, RepoInfoJson(state, r, *commit, std::get<ExpandList>(expand), blobs));
}

http::Response ListSpacesRoute(HubState& state, const Call& call) {
  OrError<ExpandList> expand = ParseExpand(call.request);
  if (const http::Response* e = ErrorOf(expand)) return *e;
  const std::optional<std::string> author = call.request.QueryValue("author");
  const std::optional<std::string> search = call.request.QueryValue("search");
  const Principal* who = call.caller.principal;
  std::vector<const Repo*> listed;
  for (const auto& [key, repo] : state.repos) {
    if (repo.id.type != RepoType::kSpace) continue;
    if (repo.is_private && !(who && who->IsMember(repo.id.ns))) continue;
    if (author && repo.id.ns != *author) continue;
    if (search && repo.id.Full().find(*search) == std::string::npos) continue;
    listed.push_back(&repo);
  }
  // Paged like the Hub: `limit` entries (at most 1,000) and a Link rel="next" while more follow.
  size_t limit = state.options.page_size;  // the emulator's page size caps a page, as the Hub caps `limit`
  if (const std::optional<std::string> l = call.request.QueryValue("limit")) {
    const long long n = std::strtoll(l->c_str(), nullptr, 10);
    if (n < 1 || l->find_first_not_of("0123456789") != std::string::npos)
      return BadRequest("limit must be a positive integer");
    limit = std::min<size_t>({static_cast<size_t>(n), 1000, state.options.page_size});
  }
  const Page page = Paginate(listed.size(), limit, call, state.base_url);
  Json out = Json::Array();
  for (size_t i = page.begin; i < page.end; ++i)
    out.Push(RepoInfoJson(state, *listed[i], listed[i]->head(), std::get<ExpandList>(expand), false));
  http::Response response = JsonResponse(200, out);
  AddNextLink(response, page);
  return response;
}

http::Response RepoSettingsRoute(HubState& state, const Call& call) {
  OrError<Repo*> repo = WritableRepo(state, call);
  if (const http::Response* e = ErrorOf(repo)) return *e;
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);
  Repo& r = *std::get<Repo*>(repo);
  Json echo = Json::Object();
  if (const Json* p = b.Find("private"); p && p->is_bool()) {
    r.is_private = p->AsBool();
    echo.Set("private", Json(r.is_private));
  }
  if (const Json* v = b.Find("visibility"); v && v->is_string()) {
    r.is_private = v->AsString() != "public";
    echo.Set("visibility", *v);
  }
  if (const Json* g = b.Find("gated")) echo.Set("gated", *g);  // accepted, not emulated
  return JsonResponse(200, echo);
}

http::Response ValidateYamlRoute(HubState&, const Call& call) {
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const FrontMatter card = ParseFrontMatter(std::get<Json>(body).GetString("content"));
  Json out = Json::Object();
  Json errors = Json::Array();
  if (!card.error.empty()) {
    Json e = Json::Object();
    e.Set("message", Json("Invalid YAML in the front matter: " + card.error));
    errors.Push(std::move(e));
  }
  const bool ok = errors.size() == 0;
  out.Set("errors", std::move(errors));
  out.Set("warnings", Json::Array());
  return JsonResponse(ok ? 200 : 400, out);
}

http::Response HardwareListRoute(HubState&, const Call&) { return JsonResponse(200, HardwareList()); }

}  // namespace spaceport::hub_emulator
