// The Actions endpoints: dispatch, list runs, get and cancel a run, get a workflow. Messages
// follow what GitHub answers (docs.github.com/rest/actions/workflows and .../workflow-runs).
#include <algorithm>
#include <vector>

#include "emulators/github/github_json.h"
#include "emulators/github/routes.h"
#include "emulators/github/run_name.h"
#include "emulators/common/http_answers.h"

namespace spaceport::github_emulator {
namespace {

constexpr std::string_view kDispatchDoc = "rest/actions/workflows#create-a-workflow-dispatch-event";
constexpr std::string_view kListDoc = "rest/actions/workflow-runs#list-workflow-runs-for-a-workflow";
constexpr std::string_view kRunDoc = "rest/actions/workflow-runs#get-a-workflow-run";

http::Response NotFound(std::string_view doc) { return GithubError(404, "Not Found", doc); }

// An input value as the workflow sees it: strings as they are, booleans and numbers as text.
std::optional<std::string> InputText(const Json& value) {
  if (value.is_string()) return value.AsString();
  if (value.is_bool()) return std::string(value.AsBool() ? "true" : "false");
  if (value.is_number()) return value.Lexeme();
  return std::nullopt;
}

// `created` filter: ">=D", ">D", "<=D", "<D", "A..B" or "D" (a whole day when D is a date).
bool CreatedMatches(const std::string& filter, Clock::TimePoint t, bool& valid) {
  valid = true;
  auto parse = [&](std::string_view text, Clock::TimePoint& out, bool& day) {
    if (!ParseIsoTime(text, out, day)) valid = false;
    return valid;
  };
  Clock::TimePoint a{}, b{};
  bool day_a = false, day_b = false;
  const auto one_day = std::chrono::hours(24);
  if (const size_t dots = filter.find(".."); dots != std::string::npos) {
    if (!parse(filter.substr(0, dots), a, day_a) || !parse(filter.substr(dots + 2), b, day_b)) return false;
    return t >= a && (day_b ? t < b + one_day : t <= b);
  }
  for (std::string_view op : {">=", "<=", ">", "<"}) {
    if (filter.rfind(op, 0) != 0) continue;
    if (!parse(std::string_view(filter).substr(op.size()), a, day_a)) return false;
    if (op == ">=") return t >= a;
    if (op == ">") return day_a ? t >= a + one_day : t > a;
    if (op == "<=") return day_a ? t < a + one_day : t <= a;
    return t < a;
  }
  if (!parse(filter, a, day_a)) return false;
  return day_a ? (t >= a && t < a + one_day) : t == a;
}

std::string WithPage(const std::string& base, const std::string& path, const std::string& query, int page) {
  std::string out = base + path + "?";
  bool first = true;
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    const std::string part = query.substr(pos, amp - pos);
    if (!part.empty() && part.rfind("page=", 0) != 0) {
      out += (first ? "" : "&") + part;
      first = false;
    }
    pos = amp + 1;
  }
  return out + (first ? "" : "&") + "page=" + std::to_string(page);
}

std::optional<int> PositiveInt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    const int v = std::stoi(*text, &used);
    if (used == text->size() && v > 0) return v;
  } catch (...) {
  }
  return std::nullopt;
}

}  // namespace

std::optional<Params> MatchPattern(std::string_view pattern, std::string_view path) {
  const auto want = emulators::PathSegments(pattern);
  const auto got = emulators::PathSegments(path);
  if (want.size() != got.size()) return std::nullopt;
  Params params;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      params[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(got[i]);
    } else if (want[i] != got[i]) {
      return std::nullopt;
    }
  }
  return params;
}

http::Response DispatchWorkflow(State& s, const TokenGrant& caller, const Params& p,
                                const http::Server::IncomingRequest& request) {
  const std::string repository = p.at("owner") + "/" + p.at("repo");
  if (!s.HasRepository(repository)) return NotFound(kDispatchDoc);
  const Workflow* workflow = s.FindWorkflow(repository, p.at("workflow_id"));
  if (!workflow) return NotFound(kDispatchDoc);
  if (!caller.can_write) return GithubError(403, "Resource not accessible by personal access token", kDispatchDoc);

  Result<Json> body = Json::Parse(request.body.empty() ? "{}" : request.body);
  if (!body.ok() || !body->is_object()) return GithubError(400, "Problems parsing JSON", kDispatchDoc);
  const Json* ref = body->Find("ref");
  if (!ref || !ref->is_string()) {
    return GithubError(422, "Invalid request.\n\n\"ref\" wasn't supplied.", kDispatchDoc);
  }
  std::string branch = ref->AsString();
  if (branch.rfind("refs/heads/", 0) == 0) branch = branch.substr(11);
  const std::vector<std::string> branches = s.BranchesOf(repository);
  if (std::find(branches.begin(), branches.end(), branch) == branches.end()) {
    return GithubError(422, "No ref found for: " + ref->AsString(), kDispatchDoc);
  }
  const Json* details = body->Find("return_run_details");
  if (details && !details->is_bool() && !details->is_null()) {
    return GithubError(422, "Invalid request.\n\nFor 'properties/return_run_details', " + details->Dump() +
                                " is not a boolean.", kDispatchDoc);
  }

  std::map<std::string, std::string> given;
  if (const Json* inputs = body->Find("inputs"); inputs && !inputs->is_null()) {
    if (!inputs->is_object()) {
      return GithubError(422, "Invalid request.\n\nFor 'properties/inputs', " + inputs->Dump() +
                                  " is not an object.", kDispatchDoc);
    }
    if (inputs->size() > 25) {
      return GithubError(422, "Invalid request.\n\nFor 'properties/inputs', only 25 properties are allowed.",
                         kDispatchDoc);
    }
    std::vector<std::string> unexpected;
    for (const auto& [name, value] : inputs->Members()) {
      const auto& declared = workflow->config.inputs;
      if (std::none_of(declared.begin(), declared.end(), [&](const WorkflowInput& in) { return in.name == name; })) {
        unexpected.push_back(name);
        continue;
      }
      std::optional<std::string> text = InputText(value);
      if (!text) return GithubError(422, "Input '" + name + "' must be a string, number or boolean", kDispatchDoc);
      given[name] = *text;
    }
    if (!unexpected.empty()) {
      Json names = Json::Array();
      for (const std::string& n : unexpected) names.Push(Json(n));
      return GithubError(422, "Unexpected inputs provided: " + names.Dump(), kDispatchDoc);
    }
  }
  std::map<std::string, std::string> inputs;
  for (const WorkflowInput& in : workflow->config.inputs) {
    if (auto it = given.find(in.name); it != given.end()) {
      inputs[in.name] = it->second;
    } else if (in.required && in.default_value.empty()) {
      return GithubError(422, "Required input '" + in.name + "' not provided", kDispatchDoc);
    } else {
      inputs[in.name] = in.default_value;
    }
  }

  Run run;
  run.id = s.next_run_id++;
  run.run_number = ++s.run_numbers[workflow->id];
  run.workflow_id = workflow->id;
  run.repository = repository;
  run.branch = branch;
  run.actor = caller.login;
  run.display_title = workflow->config.run_name.empty() ? workflow->name()
                                                         : RenderRunName(workflow->config.run_name, inputs);
  run.inputs = std::move(inputs);
  run.command = workflow->config.command;
  run.created_at = s.clock.Now();
  const int64_t id = run.id;
  s.runs.emplace(id, std::move(run));
  s.Settle();
  s.StartWorker(id);

  if (!details || !details->is_bool() || !details->AsBool()) {
    http::Response r;
    r.status = 204;
    return r;
  }
  const std::string id_text = std::to_string(id);
  Json answer = Json::Object();
  answer.Set("workflow_run_id", Json(id));
  answer.Set("run_url", Json(s.base_url + "/repos/" + repository + "/actions/runs/" + id_text));
  answer.Set("html_url", Json(s.base_url + "/" + repository + "/actions/runs/" + id_text));
  return JsonResponse(200, answer);
}

http::Response ListWorkflowRuns(State& s, const Params& p, const http::Server::IncomingRequest& request) {
  const std::string repository = p.at("owner") + "/" + p.at("repo");
  if (!s.HasRepository(repository)) return NotFound(kListDoc);
  const Workflow* workflow = s.FindWorkflow(repository, p.at("workflow_id"));
  if (!workflow) return NotFound(kListDoc);

  const std::optional<std::string> status = request.QueryValue("status");
  const std::optional<std::string> event = request.QueryValue("event");
  const std::optional<std::string> branch = request.QueryValue("branch");
  const std::optional<std::string> actor = request.QueryValue("actor");
  const std::optional<std::string> created = request.QueryValue("created");
  const std::optional<std::string> head_sha = request.QueryValue("head_sha");
  const int per_page = std::min(100, PositiveInt(request.QueryValue("per_page")).value_or(30));
  const int page = PositiveInt(request.QueryValue("page")).value_or(1);

  std::vector<const Run*> matched;
  for (auto it = s.runs.rbegin(); it != s.runs.rend(); ++it) {  // newest first
    const Run& run = it->second;
    if (run.workflow_id != workflow->id) continue;
    if (status && !status->empty() && *status != run.status() && !(run.completed && *status == run.conclusion)) continue;
    if (event && !event->empty() && *event != "workflow_dispatch") continue;
    if (branch && !branch->empty() && *branch != run.branch) continue;
    if (actor && !actor->empty() && *actor != run.actor) continue;
    if (head_sha && !head_sha->empty() && *head_sha != FakeSha(run.repository + "@" + run.branch)) continue;
    if (created && !created->empty()) {
      bool valid = true;
      const bool in_range = CreatedMatches(*created, run.created_at, valid);
      if (!valid) return GithubError(422, "Invalid value for 'created': " + *created, kListDoc);
      if (!in_range) continue;
    }
    matched.push_back(&run);
  }

  Json list = Json::Array();
  const size_t begin = static_cast<size_t>(page - 1) * static_cast<size_t>(per_page);
  for (size_t i = begin; i < matched.size() && i < begin + static_cast<size_t>(per_page); ++i) {
    list.Push(s.RunJson(*matched[i]));
  }
  Json body = Json::Object();
  body.Set("total_count", Json(static_cast<int64_t>(matched.size())));
  body.Set("workflow_runs", std::move(list));
  http::Response r = JsonResponse(200, body);

  const int last = std::max<int>(1, static_cast<int>((matched.size() + static_cast<size_t>(per_page) - 1) /
                                                     static_cast<size_t>(per_page)));
  std::vector<std::string> links;
  auto link = [&](int n, const char* rel) {
    links.push_back("<" + WithPage(s.base_url, request.path, request.query, n) + ">; rel=\"" + rel + "\"");
  };
  if (page > 1) link(page - 1, "prev");
  if (page < last) link(page + 1, "next");
  if (page < last) link(last, "last");
  if (page > 1) link(1, "first");
  if (!links.empty()) {
    std::string value;
    for (const std::string& l : links) value += (value.empty() ? "" : ", ") + l;
    r.headers.Add("Link", value);
  }
  return r;
}

http::Response GetWorkflowRun(State& s, const Params& p) {
  const std::string repository = p.at("owner") + "/" + p.at("repo");
  auto it = s.runs.end();
  try {
    it = s.runs.find(std::stoll(p.at("run_id")));
  } catch (...) {
  }
  if (it == s.runs.end() || it->second.repository != repository) return NotFound(kRunDoc);
  return JsonResponse(200, s.RunJson(it->second));
}

http::Response CancelWorkflowRun(State& s, const TokenGrant& caller, const Params& p) {
  constexpr std::string_view kDoc = "rest/actions/workflow-runs#cancel-a-workflow-run";
  const std::string repository = p.at("owner") + "/" + p.at("repo");
  auto it = s.runs.end();
  try {
    it = s.runs.find(std::stoll(p.at("run_id")));
  } catch (...) {
  }
  if (it == s.runs.end() || it->second.repository != repository) return NotFound(kDoc);
  if (!caller.can_write) return GithubError(403, "Resource not accessible by personal access token", kDoc);
  Run& run = it->second;
  if (run.completed) return GithubError(409, "Cannot cancel a workflow run that is completed.", kDoc);
  run.cancel->store(true);
  if (!run.started) {  // never started: it ends here; its worker sees the flag and leaves
    run.started = true;
    run.started_at = s.clock.Now();
    run.command_done = true;
    run.command_finished_at = run.started_at;
    run.conclusion = "cancelled";
    s.Settle();
  }
  s.changed.notify_all();
  return JsonResponse(202, Json::Object());
}

http::Response GetWorkflow(State& s, const Params& p) {
  const std::string repository = p.at("owner") + "/" + p.at("repo");
  const Workflow* workflow = s.HasRepository(repository) ? s.FindWorkflow(repository, p.at("workflow_id")) : nullptr;
  if (!workflow) return NotFound("rest/actions/workflows#get-a-workflow");
  return JsonResponse(200, s.WorkflowJson(*workflow));
}

}  // namespace spaceport::github_emulator
