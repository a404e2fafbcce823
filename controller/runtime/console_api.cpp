#include "runtime/console_api.h"

#include <cctype>
#include <charconv>

#include "base/base64.h"
#include "report/console_assets.h"
#include "runtime/webhooks.h"

namespace spaceport::runtime {
namespace {

constexpr std::string_view kAssetPrefix = "/console/";
constexpr std::string_view kDeploymentPrefix = "/api/v1/deployments/";
constexpr std::string_view kReconcileSuffix = "/reconcile";
constexpr int kMaxTimelineHours = 24;

http::Response JsonReply(int status, const Json& body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = body.Dump() + "\n";
  return r;
}

http::Response Error(int status, const std::string& message) {
  Json body = Json::Object();
  body.Append("error", Json(message));
  return JsonReply(status, body);
}

http::Response MethodNotAllowed(const char* allow) {
  http::Response r = Error(405, "method not allowed");
  r.headers.Set("Allow", allow);
  return r;
}

http::Response Asset(const console::Asset& asset, const http::Server::IncomingRequest& req) {
  http::Response r;
  r.headers.Set("ETag", std::string(asset.etag));
  // Revalidated on every load (the binary may have changed), answered 304 when unchanged.
  r.headers.Set("Cache-Control", "no-cache");
  if (req.headers.Get("If-None-Match").value_or("") == asset.etag) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.headers.Set("Content-Type", std::string(asset.content_type));
  r.body = std::string(asset.bytes);
  return r;
}

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// "NS/NAME" from the rest of a path, or "" when it is not exactly two non-empty segments.
std::string DeploymentKey(std::string_view rest) {
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) return "";
  if (rest.find('/', slash + 1) != std::string_view::npos) return "";
  return std::string(rest);
}

http::Response Events(ConsoleService& console) {
  std::shared_ptr<http::ResponseStream> stream = console.Subscribe();
  if (!stream) return Error(503, "too many open event streams");
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", "text/event-stream; charset=utf-8");
  r.headers.Set("Cache-Control", "no-store");
  r.headers.Set("X-Accel-Buffering", "no");  // nginx (an Ingress) must not hold events back
  r.stream = std::move(stream);
  return r;
}

http::Response Timeline(ConsoleService& console, const http::Server::IncomingRequest& req) {
  int hours = 6;
  if (auto text = req.QueryValue("hours")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), hours);
    if (ec != std::errc() || end != text->data() + text->size() || hours < 1 || hours > kMaxTimelineHours)
      return Error(400, "hours must be a whole number from 1 to 24");
  }
  return JsonReply(200, console.Timeline(std::chrono::hours(hours), req.QueryValue("deployment").value_or("")));
}

http::Response Reconcile(ConsoleService& console, const std::string& key, const http::Server::IncomingRequest& req) {
  Status s = console.Trigger(key, req.headers.Get(kTriggerHeader).value_or(""));
  if (s.code() == StatusCode::kNotFound) return Error(404, s.message());
  if (s.code() == StatusCode::kUnauthenticated) return Error(401, s.message());
  if (!s.ok()) return Error(500, s.message());
  Json body = Json::Object();
  body.Append("enqueued", Json(key));
  return JsonReply(202, body);
}

bool Exempt(const std::string& path) {
  return path == "/healthz" || path == "/readyz" || path == "/hooks/github" || path == "/hooks/hub" ||
         path == "/hooks/generic";
}

bool Authorized(const ApiAuth& auth, const http::Server::IncomingRequest& req) {
  const std::string header = req.headers.Get("Authorization").value_or("");
  const size_t space = header.find(' ');
  if (space == std::string::npos) return false;
  std::string scheme = header.substr(0, space);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string credentials = header.substr(header.find_first_not_of(' ', space));
  if (scheme == "bearer" && !auth.bearer_token.empty()) return ConstantTimeEquals(credentials, auth.bearer_token);
  if (scheme != "basic" || auth.basic_users.empty()) return false;
  const std::optional<std::string> decoded = Base64Decode(credentials);
  if (!decoded) return false;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  const std::string user = decoded->substr(0, colon), password = decoded->substr(colon + 1);
  bool ok = false;
  for (const auto& [u, p] : auth.basic_users)  // every entry is compared: no early exit
    ok = (ConstantTimeEquals(user, u) & ConstantTimeEquals(password, p)) | ok;
  return ok;
}

void AddSecurityHeaders(http::Response& r) {
  r.headers.Set("Content-Security-Policy", kContentSecurityPolicy);
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("X-Frame-Options", "DENY");
  r.headers.Set("Referrer-Policy", "no-referrer");
  r.headers.Set("Cross-Origin-Opener-Policy", "same-origin");
  r.headers.Set("Cross-Origin-Resource-Policy", "same-origin");
  if (!r.headers.Has("Cache-Control")) r.headers.Set("Cache-Control", "no-store");
}

}  // namespace

std::string ApiAuth::Describe() const {
  if (!bearer_token.empty() && !basic_users.empty()) return "token+basic";
  if (!bearer_token.empty()) return "token";
  if (!basic_users.empty()) return "basic";
  return "none";
}

Result<std::vector<std::pair<std::string, std::string>>> ParseBasicAuthFile(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> users;
  size_t start = 0;
  int number = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == line.size())
      return InvalidArgument("line " + std::to_string(number) + " is not USER:PASSWORD");
    users.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  if (users.empty()) return InvalidArgument("no USER:PASSWORD line");
  return users;
}

http::Server::Handler Secured(http::Server::Handler inner, ApiAuth auth) {
  return [inner = std::move(inner), auth = std::move(auth)](const http::Server::IncomingRequest& req) {
    http::Response r;
    if (auth.enabled() && !Exempt(req.path) && !Authorized(auth, req)) {
      r = Error(401, "authentication required");
      // Basic first: a browser shows its login prompt for it.
      if (!auth.basic_users.empty()) r.headers.Add("WWW-Authenticate", "Basic realm=\"spaceport\", charset=\"UTF-8\"");
      if (!auth.bearer_token.empty()) r.headers.Add("WWW-Authenticate", "Bearer realm=\"spaceport\"");
    } else {
      r = inner(req);
    }
    AddSecurityHeaders(r);
    return r;
  };
}

std::optional<http::Response> HandleConsole(ConsoleService& console, const http::Server::IncomingRequest& req) {
  const std::string& path = req.path;
  const bool get = req.method == "GET" || req.method == "HEAD";
  auto only_get = [&](auto answer) -> http::Response { return get ? answer() : MethodNotAllowed("GET"); };

  if (path == "/" || path == "/index.html" || StartsWith(path, kAssetPrefix)) {
    const std::string name = StartsWith(path, kAssetPrefix) ? path.substr(kAssetPrefix.size()) : "index.html";
    const console::Asset* asset = console::FindAsset(name);
    if (asset == nullptr) return std::nullopt;
    return only_get([&] { return Asset(*asset, req); });
  }
  if (path == "/api/v1/console") return only_get([&] { return JsonReply(200, console.Info()); });
  if (path == "/api/v1/fleet") return only_get([&] { return JsonReply(200, console.Fleet()); });
  if (path == "/api/v1/timeline") return only_get([&] { return Timeline(console, req); });
  if (path == "/api/v1/events") return only_get([&] { return Events(console); });
  if (StartsWith(path, kDeploymentPrefix)) {
    std::string_view rest = std::string_view(path).substr(kDeploymentPrefix.size());
    if (rest.size() > kReconcileSuffix.size() && rest.substr(rest.size() - kReconcileSuffix.size()) == kReconcileSuffix) {
      const std::string key = DeploymentKey(rest.substr(0, rest.size() - kReconcileSuffix.size()));
      if (key.empty()) return std::nullopt;
      if (req.method != "POST") return MethodNotAllowed("POST");
      return Reconcile(console, key, req);
    }
    const std::string key = DeploymentKey(rest);
    if (key.empty()) return std::nullopt;
    return only_get([&]() -> http::Response {
      std::optional<Json> detail = console.Detail(key);
      if (!detail) return Error(404, "no deployment " + key);
      return JsonReply(200, *detail);
    });
  }
  return std::nullopt;
}

}  // namespace spaceport::runtime
