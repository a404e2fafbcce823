// The controller's HTTP API (`spaceport run --listen ADDR:PORT`): probes, metrics, the drift
// report and the webhook receivers, as one http::Server handler.
//
//   GET  /healthz              200 "ok" while the process serves requests (liveness)
//   GET  /readyz               200 once the sources are loaded and every deployment was
//                              reconciled once; 503 with the reason before, and while stopping
//   GET  /metrics              Prometheus text format 0.0.4 (report/prometheus.h)
//   GET  /api/v1/drift         the drift as of each deployment's last pass, in the form of
//                              `spaceport plan -o json` (docs/plan-json.md); ?format=markdown or
//                              ?format=text for the other renderings
//   GET  /api/v1/status        every deployment's status (docs/status.md) as one JSON document;
//                              ?limit=N pages it in key order (metadata.continue gives the next
//                              page's ?continue=TOKEN, as Kubernetes lists do)
//   GET  /api/v1/budget        per API (hub, github): the stretch of the routine intervals, the
//                              demand and what is available per window, how far behind the
//                              declared intervals the deployments are, and a one-line summary
//   POST /hooks/github         GitHub push and package webhooks (runtime/webhooks.h)
//   POST /hooks/hub            Hugging Face Hub webhooks
//   GET  /, /console/…, /api/v1/console|fleet|timeline|events|deployments/…   the ops console
// Anything else is 404; a known path with another method is 405 with an Allow header. Request
// bodies are capped by the server (1 MiB, 413 beyond). Handlers never block on the network: a
// webhook only enqueues work or wakes a source's fetch.
//
//   auto server = http::StartServer({"0.0.0.0", 8080}, MakeApiHandler(controller, secrets));
#pragma once

#include <string>

#include "http/http.h"
#include "runtime/console_service.h"
#include "runtime/controller.h"

namespace spaceport::runtime {

struct WebhookSecrets {
  std::string github;  // "" = /hooks/github is off (404)
  std::string hub;     // "" = /hooks/hub is off (404)
  std::string generic; // "" = /hooks/generic is off (404)
};

// With a ConsoleService, the ops console's page and JSON routes are served too
// (runtime/console_api.h); wrap the handler in Secured() for the security headers and auth.
http::Server::Handler MakeApiHandler(Controller& controller, WebhookSecrets secrets,
                                     ConsoleService* console = nullptr);

}  // namespace spaceport::runtime
