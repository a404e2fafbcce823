// The emulator's route table and what a route handler gets.
//
// Hub routes (HubRoutes) are reached after the Hub has identified the caller, charged the
// request to its budget, applied any fault and settled the Spaces' stage machines up to now;
// control routes (ControlRoutes, under /__emulator/) skip all of that. A handler runs under
// HubState::mu and returns the complete response.
//
// Handlers live in routes_repos.cpp (whoami, create/delete, info, settings), routes_commits.cpp
// (preupload, commit, commit list), routes_files.cpp (resolve/raw, tree, paths-info),
// routes_space.cpp (runtime, variables, secrets, hardware, sleep time, pause, restart, logs) and
// routes_control.cpp (the control API).
//
//   http::Response RuntimeRoute(HubState& state, const Call& call) {
//     OrError<Repo*> space = ReadableRepo(state, call);      // {type}/{ns}/{name} from the path
//     if (const http::Response* e = ErrorOf(space)) return *e;
//     return JsonResponse(200, std::get<Repo*>(space)->runtime.ToJson(...));
//   }
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "emulators/hub/hub_state.h"
#include "emulators/hub/identity.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

struct Call {
  const http::Server::IncomingRequest& request;
  std::map<std::string, std::string> params;
  Caller caller;
  Clock::TimePoint now;

  // The capture's value, or "" when the route has no such capture.
  const std::string& Param(const std::string& name) const;
  // The repo named by the {type}, {ns} and {name} captures (a model when there is no {type}).
  RepoId Repo() const;
};

using RouteHandler = http::Response (*)(HubState& state, const Call& call);

struct Route {
  std::string_view methods;  // "GET", "GET|HEAD", ...
  std::string_view pattern;  // see router.h
  RouteHandler handler;
};

const std::vector<Route>& HubRoutes();
const std::vector<Route>& ControlRoutes();

// Access rules. Readable: public, or private and the caller is a member of its namespace;
// otherwise 404 RepoNotFound (401 for anonymous callers, as the Hub does). Writable: readable,
// and the caller may write the namespace (403 otherwise; 401 when anonymous).
OrError<Repo*> ReadableRepo(HubState& state, const Call& call);
OrError<Repo*> WritableRepo(HubState& state, const Call& call);
// The Space the call names, writable by the caller (404 for models and datasets).
OrError<Repo*> WritableSpace(HubState& state, const Call& call);

// Request body as a JSON object, or a 400.
OrError<Json> JsonBody(const Call& call);

// Handlers (one per endpoint).
http::Response WhoAmIRoute(HubState&, const Call&);
http::Response CreateRepoRoute(HubState&, const Call&);
http::Response DeleteRepoRoute(HubState&, const Call&);
http::Response RepoInfoRoute(HubState&, const Call&);
http::Response ListSpacesRoute(HubState&, const Call&);
http::Response RepoSettingsRoute(HubState&, const Call&);
http::Response ValidateYamlRoute(HubState&, const Call&);
http::Response HardwareListRoute(HubState&, const Call&);

http::Response PreuploadRoute(HubState&, const Call&);
http::Response CommitRoute(HubState&, const Call&);
http::Response ListCommitsRoute(HubState&, const Call&);

http::Response ResolveRoute(HubState&, const Call&);
http::Response TreeRoute(HubState&, const Call&);
http::Response PathsInfoRoute(HubState&, const Call&);

http::Response RuntimeRoute(HubState&, const Call&);
http::Response GetVariablesRoute(HubState&, const Call&);
http::Response PostVariableRoute(HubState&, const Call&);
http::Response DeleteVariableRoute(HubState&, const Call&);
http::Response GetSecretsRoute(HubState&, const Call&);
http::Response PostSecretRoute(HubState&, const Call&);
http::Response DeleteSecretRoute(HubState&, const Call&);
http::Response HardwareRoute(HubState&, const Call&);
http::Response SleepTimeRoute(HubState&, const Call&);
http::Response PauseRoute(HubState&, const Call&);
http::Response RestartRoute(HubState&, const Call&);
http::Response LogsRoute(HubState&, const Call&);

http::Response ControlStatsRoute(HubState&, const Call&);
http::Response ControlResetStatsRoute(HubState&, const Call&);
http::Response ControlListFaultsRoute(HubState&, const Call&);
http::Response ControlAddFaultRoute(HubState&, const Call&);
http::Response ControlClearFaultsRoute(HubState&, const Call&);
http::Response ControlSpaceStateRoute(HubState&, const Call&);
http::Response ControlCommitRoute(HubState&, const Call&);
http::Response ControlHardwareRoute(HubState&, const Call&);
http::Response ControlSleepTimeRoute(HubState&, const Call&);
http::Response ControlSetVariableRoute(HubState&, const Call&);
http::Response ControlDeleteVariableRoute(HubState&, const Call&);
http::Response ControlSetSecretRoute(HubState&, const Call&);
http::Response ControlDeleteSecretRoute(HubState&, const Call&);
http::Response ControlPauseRoute(HubState&, const Call&);
http::Response ControlRestartRoute(HubState&, const Call&);
http::Response ControlStageRoute(HubState&, const Call&);
http::Response ControlClockRoute(HubState&, const Call&);
http::Response ControlAppRoute(HubState&, const Call&);

}  // namespace spaceport::hub_emulator
