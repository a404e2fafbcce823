// GithubEmulator: the request pipeline (see github_emulator.h). Every API request goes through
// the same steps: settle runs up to now, count it by route, identify the caller (401 for a
// missing or unknown token), charge the caller's rate limit (403/429 when spent), apply a
// matching fault, then run the route. Every answer carries the x-ratelimit-* headers and an
// x-github-request-id.
#include "emulators/github/github_emulator.h"

#include <cstdio>

#include "emulators/github/github_json.h"
#include "emulators/github/routes.h"
#include "emulators/github/state.h"
#include "emulators/common/http_answers.h"

namespace spaceport::github_emulator {
namespace {

constexpr std::string_view kControlPrefix = "/__emulator/";

struct Route {
  const char* method;
  const char* pattern;
};

// In matching order; the label counted in stats is "METHOD PATTERN".
constexpr Route kRoutes[] = {
    {"POST", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"},
    {"GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs"},
    {"GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}"},
    {"GET", "/repos/{owner}/{repo}/actions/runs/{run_id}"},
    {"POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/cancel"},
};

// "token X" and "Bearer X" are both accepted by GitHub.
std::optional<std::string> TokenOf(const http::Headers& headers, bool& malformed) {
  malformed = false;
  const std::optional<std::string> auth = headers.Get("Authorization");
  if (!auth) return std::nullopt;
  for (std::string_view scheme : {"token ", "Bearer ", "bearer "}) {
    if (auth->rfind(scheme, 0) == 0) return auth->substr(scheme.size());
  }
  malformed = true;
  return std::nullopt;
}

}  // namespace

GithubEmulator::GithubEmulator(Options options, Clock& clock) {
  std::vector<WorkflowConfig> workflows = std::move(options.workflows);
  state_ = std::make_unique<State>(std::move(options), clock);
  for (WorkflowConfig& w : workflows) (void)state_->AddWorkflow(std::move(w));
}

GithubEmulator::~GithubEmulator() { Stop(); }

Status GithubEmulator::Listen(const std::string& address, int port) {
  Result<std::unique_ptr<http::Server>> server = emulators::StartOn(
      address, port, [this](const http::Server::IncomingRequest& request) { return Handle(request); });
  if (!server.ok()) return server.status();
  server_ = std::move(server).value();
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->base_url = server_->base_url();
  return Status::Ok();
}

std::string GithubEmulator::base_url() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->base_url;
}

void GithubEmulator::Stop() {
  if (server_) server_->Stop();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
    for (auto& [id, run] : state_->runs) run.cancel->store(true);
    workers.swap(state_->workers);
    state_->changed.notify_all();
  }
  for (std::thread& t : workers) t.join();
}

void GithubEmulator::WaitForRuns() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->changed.wait(lock, [this] {
    for (const auto& [id, run] : state_->runs) {
      if (run.started && !run.command_done) return false;
    }
    return true;
  });
}

http::Response GithubEmulator::Handle(const http::Server::IncomingRequest& request) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  s.Settle();
  http::Response response;
  if (request.path.rfind(kControlPrefix, 0) == 0) {
    response = HandleControl(s, request.method, request.path.substr(kControlPrefix.size()), request.body);
  } else {
    const Route* route = nullptr;
    std::optional<Params> params;
    for (const Route& r : kRoutes) {
      if (request.method != r.method) continue;
      if ((params = MatchPattern(r.pattern, request.path))) {
        route = &r;
        break;
      }
    }
    ++s.requests_total;
    ++s.requests_by_route[route ? std::string(route->method) + " " + route->pattern : "unmatched"];

    bool malformed = false;
    const std::optional<std::string> token = TokenOf(request.headers, malformed);
    const TokenGrant* caller = token ? s.FindToken(*token) : nullptr;
    const std::string caller_name = caller ? caller->login : "anonymous";
    const RateDecision decision = s.limiter.Take(
        caller_name, caller ? s.options.rate_limit : s.options.anonymous_rate_limit, s.clock.Now());
    if (malformed || (token && !caller)) {
      response = GithubError(401, "Bad credentials", "rest");
    } else if (!decision.allowed) {
      response = GithubError(s.options.rate_limited_status,
                             "API rate limit exceeded for user " + caller_name + ".",
                             "rest/overview/rate-limits-for-the-rest-api");
      response.headers.Set("Retry-After", std::to_string(decision.retry_after_seconds));
    } else if (std::optional<FaultRule> fault = s.faults.Take(request.method, request.path)) {
      response = FaultAnswer(*fault);
    } else if (!route) {
      response = GithubError(404, "Not Found", "rest");
    } else if (!caller) {
      response = GithubError(401, "Requires authentication", "rest");
    } else {
      const std::string_view pattern = route->pattern;
      if (pattern.ends_with("/dispatches")) {
        response = DispatchWorkflow(s, *caller, *params, request);
      } else if (pattern.ends_with("/runs")) {
        response = ListWorkflowRuns(s, *params, request);
      } else if (pattern.ends_with("/cancel")) {
        response = CancelWorkflowRun(s, *caller, *params);
      } else if (pattern.ends_with("{run_id}")) {
        response = GetWorkflowRun(s, *params);
      } else {
        response = GetWorkflow(s, *params);
      }
    }
    AddRateLimitHeaders(response, decision);
    response.headers.Set("x-github-api-version-selected", "2022-11-28");
  }
  response.headers.Set("x-github-request-id", "EMU:" + std::to_string(s.requests_total));
  if (s.options.request_log) {
    s.options.request_log(request.method + " " + request.path + " -> " + std::to_string(response.status));
  }
  return response;
}

Result<Json> GithubEmulator::Control(const std::string& method, const std::string& path, const std::string& body) {
  http::Server::IncomingRequest request;
  request.method = method;
  request.path = path;
  request.body = body;
  http::Response response = Handle(request);
  Result<Json> json = Json::Parse(response.body.empty() ? "{}" : response.body);
  if (response.status / 100 != 2) {
    return Status(StatusCode::kInvalidArgument,
                  json.ok() ? json->GetString("message", response.body) : response.body);
  }
  if (!json.ok()) return json.status();
  return json;
}

}  // namespace spaceport::github_emulator
