// The control API (/__emulator/..., docs/github-emulator.md): configure workflows and branches,
// read runs and statistics, inject faults, move the clock. Not counted, rate limited or faulted.
#include "emulators/github/github_json.h"
#include "emulators/github/routes.h"

namespace spaceport::github_emulator {
namespace {

http::Response ControlError(int status, const std::string& message) { return GithubError(status, message); }

Result<WorkflowConfig> WorkflowFromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("a workflow is a JSON object");
  WorkflowConfig w;
  w.repository = j.GetString("repository");
  w.file = j.GetString("file");
  w.name = j.GetString("name");
  w.run_name = j.GetString("run_name");
  if (const Json* inputs = j.Find("inputs")) {
    if (inputs->is_array()) {  // ["version", "build_id"]
      for (size_t i = 0; i < inputs->size(); ++i) w.inputs.push_back({inputs->At(i).AsString(), false, ""});
    } else if (inputs->is_object()) {  // {"version": {"required": true, "default": ""}}
      for (const auto& [name, spec] : inputs->Members()) {
        WorkflowInput in{name, false, ""};
        if (const Json* r = spec.Find("required"); r && r->is_bool()) in.required = r->AsBool();
        in.default_value = spec.GetString("default");
        w.inputs.push_back(std::move(in));
      }
    } else {
      return InvalidArgument("inputs is a list of names or an object of {required, default}");
    }
  }
  if (const Json* command = j.Find("command")) {
    if (!command->is_array()) return InvalidArgument("command is an argv array");
    for (size_t i = 0; i < command->size(); ++i) {
      if (!command->At(i).is_string()) return InvalidArgument("command is an array of strings");
      w.command.push_back(command->At(i).AsString());
    }
  }
  return w;
}

Json RunControlJson(const State& s, const Run& run) {
  const Workflow* workflow = s.WorkflowOf(run);
  Json j = Json::Object();
  j.Set("id", Json(run.id));
  j.Set("repository", Json(run.repository));
  j.Set("workflow", Json(workflow ? workflow->config.file : ""));
  j.Set("display_title", Json(run.display_title));
  j.Set("status", Json(run.status()));
  j.Set("conclusion", run.completed ? Json(run.conclusion) : Json(nullptr));
  Json inputs = Json::Object();
  for (const auto& [k, v] : run.inputs) inputs.Append(k, Json(v));
  j.Set("inputs", std::move(inputs));
  j.Set("exit_code", run.exit_code ? Json(*run.exit_code) : Json(nullptr));
  j.Set("output_tail", Json(run.output_tail));
  return j;
}

}  // namespace

http::Response HandleControl(State& s, const std::string& method, const std::string& path, const std::string& body) {
  Result<Json> parsed = Json::Parse(body.empty() ? "{}" : body);
  if (!parsed.ok()) return ControlError(400, "body: " + parsed.status().message());
  const Json& j = *parsed;

  if (method == "GET" && path == "stats") {
    Json by_route = Json::Object();
    for (const auto& [label, n] : s.requests_by_route) by_route.Append(label, Json(n));
    Json requests = Json::Object();
    requests.Set("total", Json(s.requests_total));
    requests.Set("by_route", std::move(by_route));
    Json out = Json::Object();
    out.Set("now", Json(IsoTime(s.clock.Now())));
    out.Set("rate_limit", s.limiter.Stats(s.clock.Now()));
    out.Set("requests", std::move(requests));
    out.Set("faults", s.faults.ToJson());
    return JsonResponse(200, out);
  }
  if (method == "POST" && path == "stats/reset") {
    s.requests_total = 0;
    s.requests_by_route.clear();
    return JsonResponse(200, Json::Object());
  }
  if (method == "GET" && path == "workflows") {
    Json out = Json::Array();
    for (const Workflow& w : s.workflows) {
      Json entry = s.WorkflowJson(w);
      entry.Set("repository", Json(w.config.repository));
      entry.Set("file", Json(w.config.file));
      out.Push(std::move(entry));
    }
    return JsonResponse(200, out);
  }
  if (method == "POST" && path == "workflows") {
    Result<WorkflowConfig> config = WorkflowFromJson(j);
    if (!config.ok()) return ControlError(400, config.status().message());
    Result<Workflow*> added = s.AddWorkflow(*std::move(config));
    if (!added.ok()) return ControlError(400, added.status().message());
    return JsonResponse(200, s.WorkflowJson(**added));
  }
  if (method == "POST" && path == "branches") {  // {"repository":"a/b","branches":["main","dev"]}
    const std::string repository = j.GetString("repository");
    const Json* names = j.Find("branches");
    if (repository.find('/') == std::string::npos || !names || !names->is_array()) {
      return ControlError(400, "want {\"repository\":\"OWNER/REPO\",\"branches\":[...]}");
    }
    std::vector<std::string>& branches = s.options.branches[repository];
    branches.clear();
    for (size_t i = 0; i < names->size(); ++i) branches.push_back(names->At(i).AsString());
    return JsonResponse(200, Json::Object());
  }
  if (method == "GET" && path == "runs") {
    Json out = Json::Array();
    for (const auto& [id, run] : s.runs) out.Push(RunControlJson(s, run));
    return JsonResponse(200, out);
  }
  if (method == "GET" && path.rfind("runs/", 0) == 0) {
    auto it = s.runs.end();
    try {
      it = s.runs.find(std::stoll(path.substr(5)));
    } catch (...) {
    }
    if (it == s.runs.end()) return ControlError(404, "no such run");
    return JsonResponse(200, RunControlJson(s, it->second));
  }
  if (path == "faults") {
    if (method == "GET") return JsonResponse(200, s.faults.ToJson());
    if (method == "DELETE") {
      s.faults.Clear();
      return JsonResponse(200, Json::Object());
    }
    if (method == "POST") {
      Result<FaultRule> rule = FaultRule::FromJson(j);
      if (!rule.ok()) return ControlError(400, rule.status().message());
      Result<int> id = s.faults.Add(*std::move(rule));
      if (!id.ok()) return ControlError(400, id.status().message());
      Json out = Json::Object();
      out.Set("id", Json(*id));
      return JsonResponse(200, out);
    }
  }
  if (method == "POST" && path == "clock") {
    if (!s.options.advance_clock) return ControlError(501, "this emulator's clock cannot be moved");
    const Json* seconds = j.Find("advance_seconds");
    const std::optional<double> value = seconds ? seconds->AsDouble() : std::nullopt;
    if (!value || *value < 0) return ControlError(400, "want {\"advance_seconds\": N}");
    s.options.advance_clock(Clock::Duration(static_cast<int64_t>(*value * 1000)));
    s.Settle();
    Json out = Json::Object();
    out.Set("now", Json(IsoTime(s.clock.Now())));
    return JsonResponse(200, out);
  }
  return ControlError(404, "unknown control request " + method + " /__emulator/" + path);
}

}  // namespace spaceport::github_emulator
