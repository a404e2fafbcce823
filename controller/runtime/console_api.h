// The ops console over HTTP, and what makes the whole API safe to open in a browser.
//
// HandleConsole answers the console's routes (docs/console.md):
//   GET  /, /index.html             the page (console/index.html, embedded at build time)
//   GET  /console/PATH              its stylesheet, JavaScript modules and icon (ETag, 304)
//   GET  /api/v1/console            version, revision, readiness, whether "Reconcile now" exists,
//                                   the Hub budget
//   GET  /api/v1/fleet              a row per deployment, counts, the Hub budget
//   GET  /api/v1/deployments/NS/NAME  one deployment: conditions, drift, desired vs observed per
//                                   Space, log tails, last reconciles with their actions
//   GET  /api/v1/timeline?hours=H&deployment=NS/NAME   events and Hub budget windows (H ≤ 24)
//   GET  /api/v1/events             server-sent events (runtime/console_service.h)
//   POST /api/v1/deployments/NS/NAME/reconcile   "Reconcile now"; the trigger secret in the
//                                   X-Spaceport-Trigger header; 202, 401, or 404 when off
// and nullopt for any other path, so the caller can go on with its own routes.
//
// Secured wraps the whole API handler: every response gets a strict Content-Security-Policy (no
// inline script or style, nothing from another origin, frame-ancestors 'none'),
// X-Content-Type-Options: nosniff, X-Frame-Options: DENY, Referrer-Policy: no-referrer and, unless
// the handler chose otherwise, Cache-Control: no-store. With ApiAuth configured, every path but the
// probes (/healthz, /readyz) and the webhook receivers (which check their own secrets) needs a
// bearer token or basic-auth credentials; others get 401 with WWW-Authenticate.
//
//   auto handler = Secured(MakeApiHandler(controller, secrets, &console), auth);
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "http/http.h"
#include "runtime/console_service.h"

namespace spaceport::runtime {

inline constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
inline constexpr char kTriggerHeader[] = "X-Spaceport-Trigger";

struct ApiAuth {
  std::string bearer_token;                                     // "" = no bearer token
  std::vector<std::pair<std::string, std::string>> basic_users;  // user, password
  bool enabled() const { return !bearer_token.empty() || !basic_users.empty(); }
  // none, token, basic or token+basic (shown by the console, never the secrets).
  std::string Describe() const;
};

// Reads basic-auth users from a file of `user:password` lines (blank lines and `#` comments
// skipped), as a Kubernetes Secret mounted as a file gives them. kInvalidArgument naming the line
// for a line without ':' or with an empty user or password; the error never quotes a password.
Result<std::vector<std::pair<std::string, std::string>>> ParseBasicAuthFile(const std::string& text);

http::Server::Handler Secured(http::Server::Handler inner, ApiAuth auth);

std::optional<http::Response> HandleConsole(ConsoleService& console, const http::Server::IncomingRequest& req);

}  // namespace spaceport::runtime
