// The route tables and the access rules every handler shares (see routes.h).
#include "emulators/hub/routes.h"

#include "emulators/hub/responses.h"

namespace spaceport::hub_emulator {

const std::string& Call::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

RepoId Call::Repo() const {
  const std::string& type = Param("type");
  return RepoId{type.empty() ? RepoType::kModel : RepoTypeFromPlural(type).value_or(RepoType::kModel),
                Param("ns"), Param("name")};
}

const std::vector<Route>& HubRoutes() {
  // Order matters where patterns overlap: fixed paths before captures, typed file URLs
  // (/spaces/..., /datasets/...) before the model form (/{ns}/{name}/...).
  static const std::vector<Route> kRoutes = {
      {"GET", "/api/whoami-v2", WhoAmIRoute},
      {"POST", "/api/repos/create", CreateRepoRoute},
      {"DELETE", "/api/repos/delete", DeleteRepoRoute},
      {"POST", "/api/validate-yaml", ValidateYamlRoute},
      {"GET", "/api/spaces/hardware", HardwareListRoute},
      {"GET", "/api/spaces", ListSpacesRoute},
      {"GET", "/api/{type:models|datasets|spaces}/{ns}/{name}", RepoInfoRoute},
      {"GET", "/api/{type:models|datasets|spaces}/{ns}/{name}/revision/{rev}", RepoInfoRoute},
      {"PUT", "/api/{type:models|datasets|spaces}/{ns}/{name}/settings", RepoSettingsRoute},
      {"POST", "/api/{type:models|datasets|spaces}/{ns}/{name}/preupload/{rev}", PreuploadRoute},
      {"POST", "/api/{type:models|datasets|spaces}/{ns}/{name}/commit/{rev}", CommitRoute},
      {"GET", "/api/{type:models|datasets|spaces}/{ns}/{name}/commits/{rev}", ListCommitsRoute},
      {"GET", "/api/{type:models|datasets|spaces}/{ns}/{name}/tree/{rev}/{path*}", TreeRoute},
      {"POST", "/api/{type:models|datasets|spaces}/{ns}/{name}/paths-info/{rev}", PathsInfoRoute},
      {"GET", "/api/{type:spaces}/{ns}/{name}/runtime", RuntimeRoute},
      {"GET", "/api/{type:spaces}/{ns}/{name}/variables", GetVariablesRoute},
      {"POST", "/api/{type:spaces}/{ns}/{name}/variables", PostVariableRoute},
      {"DELETE", "/api/{type:spaces}/{ns}/{name}/variables", DeleteVariableRoute},
      {"GET", "/api/{type:spaces}/{ns}/{name}/secrets", GetSecretsRoute},
      {"POST", "/api/{type:spaces}/{ns}/{name}/secrets", PostSecretRoute},
      {"DELETE", "/api/{type:spaces}/{ns}/{name}/secrets", DeleteSecretRoute},
      {"POST", "/api/{type:spaces}/{ns}/{name}/hardware", HardwareRoute},
      {"POST", "/api/{type:spaces}/{ns}/{name}/sleeptime", SleepTimeRoute},
      {"POST", "/api/{type:spaces}/{ns}/{name}/pause", PauseRoute},
      {"POST", "/api/{type:spaces}/{ns}/{name}/restart", RestartRoute},
      {"GET", "/api/{type:spaces}/{ns}/{name}/logs/{kind:build|run}", LogsRoute},
      {"GET|HEAD", "/{type:spaces|datasets}/{ns}/{name}/{kind:resolve|raw}/{rev}/{path*}", ResolveRoute},
      {"GET|HEAD", "/{ns}/{name}/{kind:resolve|raw}/{rev}/{path*}", ResolveRoute},
  };
  return kRoutes;
}

const std::vector<Route>& ControlRoutes() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/__emulator/stats", ControlStatsRoute},
      {"POST", "/__emulator/stats/reset", ControlResetStatsRoute},
      {"GET", "/__emulator/faults", ControlListFaultsRoute},
      {"POST", "/__emulator/faults", ControlAddFaultRoute},
      {"DELETE", "/__emulator/faults", ControlClearFaultsRoute},
      {"POST", "/__emulator/clock", ControlClockRoute},
      {"GET", "/__emulator/spaces/{ns}/{name}", ControlSpaceStateRoute},
      {"POST", "/__emulator/spaces/{ns}/{name}/commit", ControlCommitRoute},
      {"POST", "/__emulator/spaces/{ns}/{name}/hardware", ControlHardwareRoute},
      {"POST", "/__emulator/spaces/{ns}/{name}/sleeptime", ControlSleepTimeRoute},
      {"POST", "/__emulator/spaces/{ns}/{name}/variables", ControlSetVariableRoute},
      {"DELETE", "/__emulator/spaces/{ns}/{name}/variables/{key}", ControlDeleteVariableRoute},
      {"POST", "/__emulator/spaces/{ns}/{name}/secrets", ControlSetSecretRoute},
      {"DELETE", "/__emulator/spaces/{ns}/{name}/secrets/{key}", ControlDeleteSecretRoute},
      {"POST", "/__emulator/spaces/{ns}/{name}/pause", ControlPauseRoute},
      {"POST", "/__emulator/spaces/{ns}/{name}/restart", ControlRestartRoute},
      {"POST", "/__emulator/spaces/{ns}/{name}/stage", ControlStageRoute},
      {"GET|HEAD", "/__emulator/apps/{ns}/{name}/{path*}", ControlAppRoute},
  };
  return kRoutes;
}

OrError<Repo*> ReadableRepo(HubState& state, const Call& call) {
  Repo* repo = state.Find(call.Repo());
  const Principal* who = call.caller.principal;
  const bool visible = repo && (!repo->is_private || (who && who->IsMember(repo->id.ns)));
  if (visible) return repo;
  if (!who) return HubError(401, "RepoNotFound", "Repository not found");
  return RepoNotFound();
}

OrError<Repo*> WritableRepo(HubState& state, const Call& call) {
  if (!call.caller.principal) return HubError(401, "RepoNotFound", "Repository not found");
  OrError<Repo*> repo = ReadableRepo(state, call);
  if (ErrorOf(repo)) return repo;
  Repo* r = std::get<Repo*>(repo);
  if (!call.caller.principal->CanWrite(r->id.ns)) {
    return Forbidden("You don't have the rights to write to " + std::string(Singular(r->id.type)) +
                     " " + r->id.Full());
  }
  return r;
}

OrError<Repo*> WritableSpace(HubState& state, const Call& call) {
  if (call.Repo().type != RepoType::kSpace) return RepoNotFound();
  return WritableRepo(state, call);
}

OrError<Json> JsonBody(const Call& call) {
  Result<Json> doc = Json::Parse(call.request.body);
  if (!doc.ok()) return BadRequest("Invalid JSON body: " + doc.status().message());
  if (!doc->is_object()) return BadRequest("The JSON body must be an object");
  return *std::move(doc);
}

}  // namespace spaceport::hub_emulator
