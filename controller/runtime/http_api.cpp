#include "runtime/http_api.h"

#include "base/json.h"
#include "report/render.h"
#include "runtime/console_api.h"
#include "runtime/upstream_health.h"
#include "runtime/webhooks.h"

namespace spaceport::runtime {
namespace {

http::Response Text(int status, std::string body, std::string type = "text/plain; charset=utf-8") {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", std::move(type));
  r.body = std::move(body);
  return r;
}

http::Response JsonResponse(int status, const Json& body) {
  return Text(status, body.Dump(2) + "\n", "application/json");
}

http::Response Message(int status, const std::string& key, const std::string& text) {
  Json body = Json::Object();
  body.Append(key, Json(text));
  return JsonResponse(status, body);
}

http::Response Ready(const Controller& c) {
  if (c.stopping()) return Text(503, "stopping\n");
  // A standby replica is ready: it serves probes and takes over when the leader goes.
  if (const std::string leadership = c.Leadership(); leadership.rfind("standby", 0) == 0)
    return Text(200, leadership + "\n");
  if (!c.sources_loaded()) return Text(503, "sources not loaded yet\n");
  if (!c.first_pass_done()) return Text(503, "first reconcile pass not done yet\n");
  return Text(200, "ok\n");
}

http::Response Drift(const Controller& c, const http::Server::IncomingRequest& req) {
  const std::string format = req.QueryValue("format").value_or("json");
  const plan::Plan plan = c.CurrentPlan();
  if (format == "json") return Text(200, report::RenderJson(plan), "application/json");
  if (format == "markdown") return Text(200, report::RenderMarkdown(plan), "text/markdown; charset=utf-8");
  if (format == "text") return Text(200, report::RenderText(plan));
  return Message(400, "error", "format must be json, markdown or text");
}

// GET /api/v1/status[?limit=N[&continue=TOKEN]]: every status, or pages of N in key order as
// Kubernetes lists page (`metadata.continue` is the token of the next page, absent on the last
// one, and `metadata.remainingItemCount` counts what follows). A fleet of thousands answers in pages of bounded size.
http::Response StatusList(const Controller& c, const http::Server::IncomingRequest& req) {
  constexpr size_t kMaxLimit = 10000;
  size_t limit = 0;
  if (std::optional<std::string> text = req.QueryValue("limit")) {
    size_t parsed = 0;
    const bool digits = !text->empty() && text->size() <= 6 &&
                        text->find_first_not_of("0123456789") == std::string::npos;
    if (digits) parsed = std::stoul(*text);
    if (!digits || parsed < 1 || parsed > kMaxLimit)
      return Message(400, "error", "limit must be an integer from 1 to " + std::to_string(kMaxLimit));
    limit = parsed;
  }
  const std::string after = req.QueryValue("continue").value_or("");
  if (!after.empty() && limit == 0) return Message(400, "error", "continue needs a limit");
  size_t remaining = 0;
  Json items = Json::Array();
  std::string last;
  for (const DeploymentStatus& s : c.StatusPage(after, limit, remaining)) {
    items.Push(ToJson(s));
    last = s.key;
  }
  Json body = Json::Object();
  body.Append("apiVersion", Json("spaceport.dev/v1alpha1"));
  body.Append("kind", Json("SpaceDeploymentStatusList"));
  body.Append("revision", Json(c.Revision()));
  if (remaining > 0) {
    Json metadata = Json::Object();
    metadata.Append("continue", Json(last));  // a key: the next page starts after it
    metadata.Append("remainingItemCount", Json(static_cast<int64_t>(remaining)));
    body.Append("metadata", std::move(metadata));
  }
  body.Append("items", std::move(items));
  body.Append("upstreams", UpstreamsJson(ProcessUpstreamHealth().Snapshot()));
  return JsonResponse(200, body);
}

http::Response Triggered(const WebhookTrigger& t, Json done) {
  Json body = Json::Object();
  body.Append("event", Json(t.event));
  if (!t.ignored.empty()) {
    body.Append("ignored", Json(t.ignored));
    return JsonResponse(202, body);
  }
  body.Append("triggered", std::move(done));
  return JsonResponse(202, body);
}

// The status code for a webhook that did not verify or parse.
int RejectionCode(const WebhookTrigger& t) {
  return t.status.code() == StatusCode::kUnauthenticated ? 401 : 400;
}

http::Response GithubHook(Controller& c, const std::string& secret,
                          const http::Server::IncomingRequest& req) {
  WebhookTrigger t = ParseGithubWebhook(req.headers, req.body, secret);
  if (!t.status.ok()) return Message(RejectionCode(t), "error", t.status.message());
  Json done = Json::Object();
  int sources = 0;
  for (const std::string& repository : t.repositories) sources += c.FetchSources(repository, t.ref);
  int deployments = 0;
  for (const std::string& image : t.images) deployments += c.EnqueueImage(image);
  done.Append("sources", Json(sources));
  done.Append("deployments", Json(deployments));
  return Triggered(t, std::move(done));
}

http::Response HubHook(Controller& c, const std::string& secret, const http::Server::IncomingRequest& req) {
  WebhookTrigger t = ParseHubWebhook(req.headers, req.body, secret);
  if (!t.status.ok()) return Message(RejectionCode(t), "error", t.status.message());
  int deployments = 0;
  for (const std::string& space : t.spaces) deployments += c.EnqueueSpace(space, t.config_changed);
  Json done = Json::Object();
  done.Append("deployments", Json(deployments));
  return Triggered(t, std::move(done));
}
http::Response GenericHook(Controller& c, const std::string& secret, const http::Server::IncomingRequest& req) {
  WebhookTrigger t = ParseGenericWebhook(req.headers, req.body, secret);
  if (!t.status.ok()) return Message(RejectionCode(t), "error", t.status.message());
  int deployments = 0;
  for (const std::string& key : t.deployments) deployments += c.Enqueue(key) ? 1 : 0;
  for (const std::string& image : t.images) deployments += c.EnqueueImage(image);
  for (const std::string& space : t.spaces) deployments += c.EnqueueSpace(space, /*settings_changed=*/true);
  Json done = Json::Object();
  done.Append("deployments", Json(deployments));
  return Triggered(t, std::move(done));
}

// GET /api/v1/budget: per API, how the routine resyncs fit its budget and how far behind the
// declared intervals the deployments are, with one line for people.
http::Response BudgetList(const Controller& c) {
  Json items = Json::Array();
  for (const BudgetReport& r : c.BudgetReports()) items.Push(BudgetJson(r));
  Json body = Json::Object();
  body.Append("apis", std::move(items));
  return JsonResponse(200, body);
}

}  // namespace

http::Server::Handler MakeApiHandler(Controller& controller, WebhookSecrets secrets, ConsoleService* console) {
  ProcessUpstreamHealth();  // from now on every exchange says whether its upstream is failing
  return [&controller, secrets, console](const http::Server::IncomingRequest& req) -> http::Response {
    struct Route {
      const char* path;
      const char* method;
    };
    static const Route kRoutes[] = {{"/healthz", "GET"},        {"/readyz", "GET"},
                                    {"/metrics", "GET"},        {"/api/v1/drift", "GET"},
                                    {"/api/v1/status", "GET"},  {"/hooks/github", "POST"},
                                    {"/hooks/hub", "POST"},     {"/api/v1/budget", "GET"},
                                    {"/hooks/generic", "POST"}};
    const Route* route = nullptr;
    for (const Route& r : kRoutes)
      if (req.path == r.path) route = &r;
    if (route == nullptr && console != nullptr)
      if (std::optional<http::Response> answer = HandleConsole(*console, req)) return std::move(*answer);
    if (route == nullptr) return Message(404, "error", "no such endpoint");
    const bool head = req.method == "HEAD" && std::string(route->method) == "GET";
    if (req.method != route->method && !head) {
      http::Response r = Message(405, "error", "method not allowed");
      r.headers.Set("Allow", route->method);
      return r;
    }
    const std::string path = req.path;
    if (path == "/healthz") return Text(200, "ok\n");
    if (path == "/readyz") return Ready(controller);
    if (path == "/metrics")
      return Text(200, controller.RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8");
    if (path == "/api/v1/drift") return Drift(controller, req);
    if (path == "/api/v1/status") return StatusList(controller, req);
    if (path == "/api/v1/budget") return BudgetList(controller);
    const std::string receiver = path.substr(path.rfind('/') + 1);  // github, hub, generic
    const std::string& secret = receiver == "github" ? secrets.github
                                : receiver == "hub"  ? secrets.hub
                                                     : secrets.generic;
    if (secret.empty()) return Message(404, "error", "this webhook receiver is not configured");
    http::Response r = receiver == "github" ? GithubHook(controller, secret, req)
                       : receiver == "hub"  ? HubHook(controller, secret, req)
                                            : GenericHook(controller, secret, req);
    controller.metrics().Add("spaceport_webhook_requests_total", {receiver, std::to_string(r.status)});
    return r;
  };
}

}  // namespace spaceport::runtime
