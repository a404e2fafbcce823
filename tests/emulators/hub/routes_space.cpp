// Space management: runtime, variables, secrets, hardware, sleep time, pause, restart, and the
// build/run logs as server-sent events.
#include "emulators/hub/responses.h"
#include "emulators/hub/routes.h"
#include "emulators/hub/time_format.h"

namespace spaceport::hub_emulator {
namespace {

http::Response RuntimeResponse(const Repo& space) {
  return JsonResponse(200, space.runtime.ToJson(space.id.Subdomain() + ".hf.space"));
}

// {"key","value","description"?} as the variables and secrets endpoints take it.
struct KeyValue {
  std::string key;
  std::string value;
  std::string description;
};
OrError<KeyValue> KeyValueBody(const Call& call, bool need_value) {
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);
  const Json* key = b.Find("key");
  if (!key || !key->is_string() || key->AsString().empty()) return BadRequest("\"key\" is required");
  const Json* value = b.Find("value");
  if (need_value && (!value || !value->is_string())) return BadRequest("\"value\" must be a string");
  return KeyValue{key->AsString(), value && value->is_string() ? value->AsString() : "",
                  b.GetString("description")};
}

}  // namespace

http::Response RuntimeRoute(HubState& state, const Call& call) {
  if (!call.caller.principal) return HubError(401, "RepoNotFound", "Repository not found");
  OrError<Repo*> space = ReadableRepo(state, call);
  if (const http::Response* e = ErrorOf(space)) return *e;
  return RuntimeResponse(*std::get<Repo*>(space));
}

http::Response GetVariablesRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  return JsonResponse(200, state.VariablesJson(space));
}

http::Response PostVariableRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  OrError<KeyValue> kv = KeyValueBody(call, true);
  if (const http::Response* e = ErrorOf(kv)) return *e;
  const KeyValue& v = std::get<KeyValue>(kv);
  state.SetVariable(space, v.key, v.value, v.description, call.now);
  return JsonResponse(200, state.VariablesJson(space));
}

http::Response DeleteVariableRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  OrError<KeyValue> kv = KeyValueBody(call, false);
  if (const http::Response* e = ErrorOf(kv)) return *e;
  state.DeleteVariable(space, std::get<KeyValue>(kv).key, call.now);
  return JsonResponse(200, state.VariablesJson(space));
}

http::Response GetSecretsRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  return JsonResponse(200, state.SecretsJson(space));
}

http::Response PostSecretRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  OrError<KeyValue> kv = KeyValueBody(call, true);
  if (const http::Response* e = ErrorOf(kv)) return *e;
  const KeyValue& s = std::get<KeyValue>(kv);
  state.SetSecret(space, s.key, s.value, s.description, call.now);
  return JsonResponse(200, Json::Object());
}

http::Response DeleteSecretRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  OrError<KeyValue> kv = KeyValueBody(call, false);
  if (const http::Response* e = ErrorOf(kv)) return *e;
  state.DeleteSecret(space, std::get<KeyValue>(kv).key, call.now);  // 200 even when absent
  return JsonResponse(200, Json::Object());
}

http::Response HardwareRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json& b = std::get<Json>(body);
  const Json* flavor = b.Find("flavor");
  if (!flavor || !flavor->is_string()) return BadRequest("\"flavor\" is required");
  std::optional<int64_t> sleep;
  for (const char* key : {"sleepTimeSeconds", "sleepTime"}) {  // Python sends the first, Rust the second
    if (const Json* s = b.Find(key); s && s->AsInt()) sleep = *s->AsInt();
  }
  OrError<bool> done = state.RequestHardware(space, flavor->AsString(), sleep, call.now);
  if (const http::Response* e = ErrorOf(done)) return *e;
  return RuntimeResponse(space);
}

http::Response SleepTimeRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  OrError<Json> body = JsonBody(call);
  if (const http::Response* e = ErrorOf(body)) return *e;
  const Json* seconds = std::get<Json>(body).Find("seconds");
  if (!seconds || !seconds->AsInt()) return BadRequest("\"seconds\" must be an integer");
  state.SetSleepTime(space, *seconds->AsInt());
  return RuntimeResponse(space);
}

http::Response PauseRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  if (!space.runtime.requested_hardware()) return BadRequest("Cannot pause a static Space");
  state.Pause(space);
  return RuntimeResponse(space);
}

http::Response RestartRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  if (!space.runtime.requested_hardware()) return BadRequest("Cannot restart a static Space");
  state.Restart(space, call.request.QueryValue("factory").value_or("") == "true", call.now);
  return RuntimeResponse(space);
}

http::Response LogsRoute(HubState& state, const Call& call) {
  OrError<Repo*> found = WritableSpace(state, call);
  if (const http::Response* e = ErrorOf(found)) return *e;
  Repo& space = *std::get<Repo*>(found);
  const std::vector<LogLine>& log =
      call.Param("kind") == "build" ? space.runtime.build_log() : space.runtime.run_log();
  size_t first = 0;
  if (auto tail = call.request.QueryValue("tail")) {
    const long n = std::atol(tail->c_str());
    if (n >= 0 && static_cast<size_t>(n) < log.size()) first = log.size() - static_cast<size_t>(n);
  }
  // Non-follow mode: the backlog, then the stream ends (clients stop at end of stream).
  std::string body;
  for (size_t i = first; i < log.size(); ++i) {
    Json event = Json::Object();
    event.Set("data", Json(log[i].text + "\n"));
    event.Set("timestamp", Json(IsoTime(log[i].at)));
    body += "data: " + event.Dump() + "\n\n";
  }
  http::Response r;
  r.status = 200;
  r.headers.Add("Content-Type", "text/event-stream");
  r.headers.Add("Cache-Control", "no-cache");
  r.body = std::move(body);
  return r;
}

}  // namespace spaceport::hub_emulator
