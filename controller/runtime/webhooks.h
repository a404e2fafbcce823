// Webhook receivers: turn a verified push from GitHub or the Hugging Face Hub into the list of
// things to reconcile now, instead of waiting for the next interval.
//
// Endpoints (served by runtime/http_api.h):
//   POST /hooks/github   GitHub (and GHCR) webhooks. The body must carry a valid
//                        `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`, compared in
//                        constant time. Events (X-GitHub-Event):
//                          ping      → accepted, nothing enqueued
//                          push      → repository (clone_url, html_url, full_name) and ref: git
//                                      sources that match fetch now
//                          package / registry_package (action published or updated) →
//                                      the image ghcr.io/OWNER/NAME[:TAG]: deployments using
//                                      that repository are enqueued (container packages only;
//                                      the host comes from registry.url when present)
//                        The JSON may be the body or, for hooks created with content type
//                        application/x-www-form-urlencoded, its `payload` field.
//   POST /hooks/hub      Hub webhooks. The secret arrives as the plain `X-Webhook-Secret` header
//                        (compared in constant time). Body {"event":{"action","scope"},
//                        "repo":{"type":"space","name":"OWNER/NAME",...}}: deployments managing
//                        that Space are enqueued; scope repo.config additionally marks the Space's
//                        settings (variables, secrets) to be re-read, and so does scope repo
//                        (the Space was created, deleted or moved). Other scopes (discussions)
//                        and other repo types (models, datasets) are ignored.
//   POST /hooks/generic  Anything else (a CI job after it pushed, a script): the body must carry
//                        `X-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, compared in
//                        constant time. Body: a JSON object naming what to reconcile now, any of
//                        {"deployments": ["NAMESPACE/NAME"], "images": ["ghcr.io/OWNER/NAME"],
//                        "spaces": ["OWNER/NAME"]}; naming none is 400.
// A missing or wrong signature/secret is 401 and enqueues nothing; a receiver without a configured
// secret answers 404 (it is off); an unparseable body is 400; an event we ignore is 202 with
// {"ignored": "..."}; otherwise 202 with what was triggered. Bodies are capped (1 MiB) by the server.
//
//   WebhookTrigger t = ParseGithubWebhook(headers, body, secret);
//   if (!t.status.ok()) return 401/400;
//   for (const auto& image : t.images) controller.EnqueueImage(image);
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "http/http.h"

namespace spaceport::runtime {

struct WebhookTrigger {
  Status status;            // kUnauthenticated (bad/missing signature), kInvalidArgument (body)
  std::string event;        // push, package, ping, hub:repo.content, ...
  std::string ignored;      // why nothing is triggered (ping, deleted package, ...); "" otherwise
  // push: the repository (every URL form GitHub sends: clone_url, html_url, ssh_url, full_name)
  std::vector<std::string> repositories;
  std::string ref;          // refs/heads/main
  // package: image repositories without tag, e.g. "ghcr.io/acme/tools"
  std::vector<std::string> images;
  std::string image_tag;    // the tag published, when the event names one
  // hub and generic: Space ids OWNER/NAME
  std::vector<std::string> spaces;
  // generic: deployment keys NAMESPACE/NAME
  std::vector<std::string> deployments;
  bool config_changed = false;  // hub scope repo.config: settings must be re-read
};

// `secret` empty = the receiver is off (the caller answers 404 before calling).
WebhookTrigger ParseGithubWebhook(const http::Headers& headers, const std::string& body,
                                  const std::string& secret);
WebhookTrigger ParseHubWebhook(const http::Headers& headers, const std::string& body,
                               const std::string& secret);
WebhookTrigger ParseGenericWebhook(const http::Headers& headers, const std::string& body,
                                   const std::string& secret);

// "sha256=" + hex HMAC-SHA256(secret, body): what GitHub sends as X-Hub-Signature-256, and what
// /hooks/generic expects as X-Signature.
std::string GithubSignature(const std::string& secret, const std::string& body);

// Constant-time comparison: its time depends neither on where the strings differ nor on the
// length of either.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace spaceport::runtime
