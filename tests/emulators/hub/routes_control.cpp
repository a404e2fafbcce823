// The control API under /__emulator/: statistics, fault switches, the clock, and out-of-band
// edits of a Space (what a person clicking in the Hub's UI would change). No token needed;
// requests here are not counted, budgeted or faulted. Edits go through the same HubState
// operations as the Hub API, so they restart the Space exactly as a client's write would.
#include "base/digest.h"
#include "emulators/hub/responses.h"
#include "emulators/hub/routes.h"
#include "emulators/hub/time_format.h"

namespace spaceport::hub_emulator {
namespace {

OrError<Repo*> ControlSpace(HubState& state, const Call& call) {
  Repo* space = state.Find(RepoId{RepoType::kSpace, call.Param("ns"), call.Param("name")});
  if (!space) return RepoNotFound();
  return space;
}

http::Response RuntimeOf(const Repo& space) {
  return JsonResponse(200, space.runtime.ToJson(space.id.Subdomain() + ".hf.space"));
}

}  // namespace

http::Response ControlStatsRoute(HubState& state, const Call& call) {
  Json out = Json::Object();
  out.Set("now", Json(IsoTime(call.now)));
  out.Set("budget", state.budget.Stats(call.now));
  out.Set("requests", state.counts.ToJson());
  out.Set("faults", state.faults.ToJson());
  return JsonResponse(200, out);
}

http::Response ControlResetStatsRoute(HubState& state, const Call&) {
  state.counts = RequestCounts{};
  return JsonResponse(200, Json::Object());
}

http::Response ControlListFaultsRoute(HubState& state, const Call&) {
  return JsonResponse(200, state.faults.ToJson());
}

http::Response ControlAddFaultRoute(HubState& state, const Call& call) {
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  Result<FaultRule> rule = FaultRule::FromJson(std::get<Json>(body));
  if (!rule.ok()) return BadRequest(rule.status().message());
  Result<int> id = state.faults.Add(*std::move(rule));
  if (!id.ok()) return BadRequest(id.status().message());
  Json out = Json::Object();
  out.Set("id", Json(*id));
  return JsonResponse(200, out);
}

http::Response ControlClearFaultsRoute(HubState& state, const Call&) {
  state.faults.Clear();
  return JsonResponse(200, Json::Object());
}

http::Response ControlClockRoute(HubState& state, const Call& call) {
  if (!state.options.advance_clock) return HubError(501, "", "this emulator's clock cannot be moved");
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json* seconds = std::get<Json>(body).Find("advance_seconds");
  if (!seconds || !seconds->AsInt() || *seconds->AsInt() < 0) {
    return BadRequest("\"advance_seconds\" must be a non-negative integer");
  }
  state.options.advance_clock(std::chrono::seconds(*seconds->AsInt()));
  const Clock::TimePoint now = state.clock.Now();
  state.SettleAll(now);
  Json out = Json::Object();
  out.Set("now", Json(IsoTime(now)));
  return JsonResponse(200, out);
}

http::Response ControlSpaceStateRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  const Repo& space = *std::get<Repo*>(found);
  Json files = Json::Object();
  for (const auto& [path, blob] : space.head().files) files.Set(path, Json(*blob));
  // Secret values never leave the emulator; a digest lets tests check what was written.
  Json secrets = Json::Object();
  for (const auto& [key, s] : space.secrets) {
    Json entry = Json::Object();
    entry.Set("description", Json(s.description));
    entry.Set("valueSha256", Json(Sha256Hex(s.value)));
    entry.Set("updatedAt", Json(IsoTime(s.updated)));
    secrets.Set(key, std::move(entry));
  }
  Json out = Json::Object();
  out.Set("id", Json(space.id.Full()));
  out.Set("sha", Json(space.head().id));
  out.Set("commits", Json(static_cast<int64_t>(space.commits.size())));
  out.Set("private", Json(space.is_private));
  out.Set("runtime", space.runtime.ToJson(space.id.Subdomain() + ".hf.space"));
  out.Set("variables", state.VariablesJson(space));
  out.Set("secrets", std::move(secrets));
  out.Set("files", std::move(files));
  return JsonResponse(200, out);
}

http::Response ControlCommitRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);
  Repo& space = *std::get<Repo*>(found);
  CommitDraft draft;
  draft.summary = b.GetString("summary", "Out-of-band edit");
  draft.description = b.GetString("description");
  draft.parent_commit = b.GetString("parentCommit");
  if (const Json* files = b.Find("files"); files && files->is_object()) {
    for (const auto& [path, content] : files->Members()) {
      if (!content.is_string()) return BadRequest("\"files\" maps paths to string contents");
      draft.changes.push_back({FileChange::Kind::kPut, path, content.AsString(), ""});
    }
  }
  if (const Json* deleted = b.Find("deleted"); deleted && deleted->is_array()) {
    for (size_t i = 0; i < deleted->size(); ++i) {
      draft.changes.push_back({FileChange::Kind::kDelete, deleted->At(i).AsString(), "", ""});
    }
  }
  OrError<const Commit*> commit = state.AddCommit(space, draft, b.GetString("author", space.id.ns), call.now);
  if (const http::Response* e = ErrorOf(commit)) return *e;
  Json out = Json::Object();
  out.Set("commitOid", Json(std::get<const Commit*>(commit)->id));
  return JsonResponse(200, out);
}

http::Response ControlHardwareRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  Repo& space = *std::get<Repo*>(found);
  OrError<bool> done =
      state.RequestHardware(space, std::get<Json>(body).GetString("flavor"), std::nullopt, call.now);
  if (const http::Response* e = ErrorOf(done)) return *e;
  return RuntimeOf(space);
}

http::Response ControlSleepTimeRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json* seconds = std::get<Json>(body).Find("seconds");
  if (!seconds || !seconds->AsInt()) return BadRequest("\"seconds\" must be an integer");
  Repo& space = *std::get<Repo*>(found);
  state.SetSleepTime(space, *seconds->AsInt());
  return RuntimeOf(space);
}

http::Response ControlSetVariableRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);
  if (b.GetString("key").empty()) return BadRequest("\"key\" is required");
  Repo& space = *std::get<Repo*>(found);
  state.SetVariable(space, b.GetString("key"), b.GetString("value"), b.GetString("description"), call.now);
  return JsonResponse(200, state.VariablesJson(space));
}

http::Response ControlDeleteVariableRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  state.DeleteVariable(space, call.Param("key"), call.now);
  return JsonResponse(200, state.VariablesJson(space));
}

http::Response ControlSetSecretRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);
  if (b.GetString("key").empty()) return BadRequest("\"key\" is required");
  Repo& space = *std::get<Repo*>(found);
  state.SetSecret(space, b.GetString("key"), b.GetString("value"), b.GetString("description"), call.now);
  return JsonResponse(200, state.SecretsJson(space));
}

http::Response ControlDeleteSecretRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  state.DeleteSecret(space, call.Param("key"), call.now);
  return JsonResponse(200, state.SecretsJson(space));
}

http::Response ControlPauseRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  state.Pause(space);
  return RuntimeOf(space);
}

http::Response ControlRestartRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  state.Restart(space, false, call.now);
  return RuntimeOf(space);
}

http::Response ControlStageRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);
  if (b.GetString("stage").empty()) return BadRequest("\"stage\" is required");
  Repo& space = *std::get<Repo*>(found);
  space.runtime.Force(b.GetString("stage"), b.GetString("errorMessage"));
  return RuntimeOf(space);
}

http::Response ControlAppRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = ControlSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  const std::string& stage = std::get<Repo*>(found)->runtime.stage();
  const bool serving = stage == "RUNNING" || stage == "RUNNING_BUILDING" || stage == "RUNNING_APP_STARTING";
  return serving ? TextResponse(200, "ok\n") : TextResponse(503, "Space is " + stage + "\n");
}

}  // namespace spaceport::hub_emulator
