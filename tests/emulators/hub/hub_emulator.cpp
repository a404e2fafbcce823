// HubEmulator: the request pipeline (see hub_emulator.h). Every Hub request goes through the
// same steps in the same order: settle the Spaces' stage machines up to now, identify the
// caller (401 for an unknown token), count it, charge its budget (429 when spent), apply a
// matching fault, then run the route; the answer gets RateLimit headers and an X-Request-Id.
#include "emulators/hub/hub_emulator.h"

#include <cstdio>

#include "emulators/hub/hub_state.h"
#include "emulators/hub/responses.h"
#include "emulators/hub/router.h"
#include "emulators/hub/routes.h"
#include "emulators/hub/time_format.h"
#include "emulators/common/http_answers.h"

namespace spaceport::hub_emulator {
namespace {

constexpr std::string_view kControlPrefix = "/__emulator/";
constexpr size_t kMaxRequestBytes = 32 * 1024 * 1024;  // room for a 10 MiB file in base64

bool MethodMatches(std::string_view methods, std::string_view method) {
  for (;;) {
    const size_t bar = methods.find('|');
    if (methods.substr(0, bar) == method) return true;
    if (bar == std::string_view::npos) return false;
    methods = methods.substr(bar + 1);
  }
}

struct Matched {
  const Route* route = nullptr;
  RouteMatch match;
};

std::optional<Matched> FindRoute(const std::vector<Route>& routes, const std::string& method,
                                 const std::string& path) {
  for (const Route& route : routes) {
    if (!MethodMatches(route.methods, method)) continue;
    if (std::optional<RouteMatch> m = MatchPattern(route.pattern, path)) return Matched{&route, *std::move(m)};
  }
  return std::nullopt;
}

// The budget bucket of a path: "api" for /api/..., "resolvers" for file downloads.
std::string BucketOf(const std::string& path, const std::optional<Matched>& matched) {
  if (path.rfind("/api/", 0) == 0) return "api";
  if (matched && matched->match.params.count("kind")) return "resolvers";
  return "";
}

std::unique_ptr<ImageProbe> DefaultProbe(const Options& options) {
  return std::make_unique<RegistryImageProbe>(
      http::MakeTransport({}),
      RegistryProbeOptions{options.registry_map, options.registry_credentials, options.unmapped_registry});
}

}  // namespace

HubEmulator::HubEmulator(Options options, Clock& clock, std::unique_ptr<ImageProbe> probe) {
  if (!probe) probe = DefaultProbe(options);
  state_ = std::make_unique<HubState>(std::move(options), clock, std::move(probe));
}

HubEmulator::~HubEmulator() { Stop(); }

Status HubEmulator::Listen(const std::string& address, int port) {
  Result<std::unique_ptr<http::Server>> server = emulators::StartOn(
      address, port, [this](const http::Server::IncomingRequest& request) { return Handle(request); },
      kMaxRequestBytes);
  if (!server.ok()) return server.status();
  server_ = std::move(server).value();
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->base_url = server_->base_url();
  return Status::Ok();
}

std::string HubEmulator::base_url() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->base_url;
}

void HubEmulator::Stop() {
  if (server_) server_->Stop();
}

void HubEmulator::WaitForBuildChecks() { state_->WaitForBuildChecks(); }

http::Response HubEmulator::Handle(const http::Server::IncomingRequest& request) {
  HubState& state = *state_;
  std::lock_guard<std::mutex> lock(state.mu);
  // Read under the lock, so requests see time move forward in the order they are served.
  const Clock::TimePoint now = state.clock.Now();
  state.SettleAll(now);
  const bool control = request.path.rfind(kControlPrefix, 0) == 0;
  const Caller caller = control ? Caller{} : state.tokens.Identify(request.headers);
  const std::optional<Matched> matched =
      FindRoute(control ? ControlRoutes() : HubRoutes(), request.method, request.path);

  std::optional<BudgetDecision> decision;
  http::Response response;
  if (control) {
    response = matched ? matched->route->handler(state, Call{request, matched->match.params, caller, now})
                       : HubError(404, "", "No such control endpoint: " + request.method + " " + request.path);
  } else {
    ++state.counts.total;
    ++state.counts.by_route[request.method + " " + (matched ? matched->match.label : "(no route)")];
    if (matched && matched->match.params.count("ns") && matched->match.params.count("name")) {
      const Call named{request, matched->match.params, caller, now};
      ++state.counts.by_repo[named.Repo().Key()];
    }
    const std::string bucket = BucketOf(request.path, matched);
    if (caller.invalid) {
      response = InvalidCredentials();
    } else {
      if (!bucket.empty()) {
        const int quota = bucket == "api" ? state.options.api_budget : state.options.resolver_budget;
        decision = state.budget.Take(caller.BudgetKey(), bucket, quota, now);
      }
      if (decision && !decision->allowed) {
        response = RateLimited(*decision);
      } else if (std::optional<FaultRule> fault = state.faults.Take(request.method, request.path)) {
        response = FaultAnswer(*fault);
      } else if (!matched) {
        response = HubError(404, "", "Sorry, we can't find the page you are looking for.");
      } else {
        response = matched->route->handler(state, Call{request, matched->match.params, caller, now});
      }
      // An injected 429 keeps its own RateLimit headers.
      if (decision && decision->allowed && !response.headers.Has("RateLimit")) {
        AddRateLimitHeaders(response, *decision);
      }
    }
  }
  char request_id[64];
  std::snprintf(request_id, sizeof request_id, "Root=1-%08llx-%024llx",
                static_cast<unsigned long long>(EpochSeconds(now)),
                static_cast<unsigned long long>(++next_request_id_));
  response.headers.Set("X-Request-Id", request_id);
  if (state.options.request_log) {
    state.options.request_log(request.method + " " + request.path + " -> " + std::to_string(response.status));
  }
  return response;
}

Result<Json> HubEmulator::Control(const std::string& method, const std::string& path,
                                  const std::string& body) {
  http::Server::IncomingRequest request;
  request.method = method;
  const size_t question = path.find('?');
  request.path = path.substr(0, question);
  if (question != std::string::npos) request.query = path.substr(question + 1);
  request.body = body;
  if (!body.empty()) request.headers.Add("Content-Type", "application/json");
  const http::Response response = Handle(request);
  if (response.status >= 400) {
    const StatusCode code = response.status == 404   ? StatusCode::kNotFound
                            : response.status == 400 ? StatusCode::kInvalidArgument
                                                     : StatusCode::kFailedPrecondition;
    return Status(code, response.headers.Get("X-Error-Message").value_or(response.body));
  }
  Result<Json> doc = Json::Parse(response.body);
  if (!doc.ok()) return Json(response.body);  // the app endpoint answers text
  return doc;
}

Result<int> HubEmulator::AddFault(FaultRule rule) {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->faults.Add(std::move(rule));
}

}  // namespace spaceport::hub_emulator
