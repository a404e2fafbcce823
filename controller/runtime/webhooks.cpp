#include "runtime/webhooks.h"

#include <algorithm>
#include <utility>

#include "base/ascii.h"
#include "base/digest.h"
#include "base/json.h"
#include "http/query.h"

namespace spaceport::runtime {
namespace {

// Messages go back to the sender in the 401/400 body: they name headers and fields, never the
// secret, the expected signature or the one received.
WebhookTrigger Rejected(StatusCode code, std::string message) {
  WebhookTrigger t;
  t.status = Status(code, std::move(message));
  return t;
}

WebhookTrigger Ignored(std::string event, std::string why) {
  WebhookTrigger t;
  t.event = std::move(event);
  t.ignored = std::move(why);
  return t;
}

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (value.empty() || std::find(list.begin(), list.end(), value) != list.end()) return;
  list.push_back(std::move(value));
}

// A string member of a nested object: Path(j, {"package", "owner", "login"}); "" when absent.
std::string Path(const Json& j, std::initializer_list<std::string_view> keys) {
  const Json* at = &j;
  for (std::string_view key : keys) {
    at = at->Find(key);
    if (at == nullptr) return "";
  }
  return at->is_string() ? at->AsString() : "";
}

// GitHub sends the JSON as the body (application/json) or as the `payload` form field
// (application/x-www-form-urlencoded), depending on how the hook was created.
Result<Json> ParseGithubPayload(const http::Headers& headers, const std::string& body) {
  const std::string type = AsciiLower(headers.Get("Content-Type").value_or(""));
  std::string json = body;
  if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    json.clear();
    for (const auto& [key, value] : http::ParseQuery(body))
      if (key == "payload") json = value;
  }
  Result<Json> doc = Json::Parse(json);
  if (!doc.ok()) return InvalidArgument("webhook body is not JSON: " + doc.status().message());
  if (!doc->is_object()) return InvalidArgument("webhook body is not a JSON object");
  return doc;
}

WebhookTrigger PushTrigger(const Json& doc) {
  const Json* repository = doc.Find("repository");
  if (repository == nullptr || !repository->is_object())
    return Rejected(StatusCode::kInvalidArgument, "push event without a repository object");
  WebhookTrigger t;
  t.event = "push";
  // Every form a git source may have been configured with; the controller matches any of them.
  for (const char* key : {"clone_url", "html_url", "ssh_url", "git_url", "full_name"})
    AddUnique(t.repositories, repository->GetString(key));
  if (t.repositories.empty())
    return Rejected(StatusCode::kInvalidArgument, "push event repository has no name or URL");
  t.ref = doc.GetString("ref");
  return t;
}

// ghcr.io/OWNER/NAME, lowercase (OCI repository names are). A name that already starts with
// the owner ("acme/tools") is not prefixed twice.
std::string ImageRepository(const Json& package, const Json& doc) {
  std::string owner = Path(package, {"owner", "login"});
  if (owner.empty()) owner = package.GetString("namespace");
  std::string name = AsciiLower(package.GetString("name"));
  owner = AsciiLower(owner);
  std::string host = "ghcr.io";
  // GitHub puts `registry` inside the package; accept it at the top level too.
  std::string registry_url = Path(package, {"registry", "url"});
  if (registry_url.empty()) registry_url = Path(doc, {"registry", "url"});
  Result<http::Url> registry = http::Url::Parse(registry_url);
  if (registry.ok() && !registry->host.empty()) {
    host = AsciiLower(registry->host);
    if (registry->port != 443 && registry->port != 0) host += ":" + std::to_string(registry->port);
  }
  if (name.empty()) return "";
  if (owner.empty() || name.rfind(owner + "/", 0) == 0) return host + "/" + name;
  return host + "/" + owner + "/" + name;
}

WebhookTrigger PackageTrigger(const std::string& event, const Json& doc) {
  const Json* package = doc.Find(event == "package" ? "package" : "registry_package");
  if (package == nullptr || !package->is_object())
    return Rejected(StatusCode::kInvalidArgument, event + " event without a " + event + " object");
  const std::string action = doc.GetString("action");
  if (action != "published" && action != "updated")
    return Ignored(event, "package action \"" + action + "\" publishes nothing");
  const std::string type = AsciiLower(package->GetString("package_type"));
  if (type != "container")
    return Ignored(event, "package type \"" + type + "\" is not a container image");
  std::string image = ImageRepository(*package, doc);
  if (image.empty())
    return Rejected(StatusCode::kInvalidArgument, event + " event package has no name");
  WebhookTrigger t;
  t.event = event;
  t.images.push_back(std::move(image));
  t.image_tag = Path(*package, {"package_version", "container_metadata", "tag", "name"});
  return t;
}

}  // namespace

std::string GithubSignature(const std::string& secret, const std::string& body) {
  return "sha256=" + HmacSha256Hex(secret, body);
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  // Both sides are hashed first, so the loop always compares 64 hex digits: the time taken says
  // neither where the first difference is nor how long the secret is (a loop over the raw bytes
  // runs as long as the longer side, which tells a sender probing with lengths the secret's).
  const std::string x = Sha256Hex(a);
  const std::string y = Sha256Hex(b);
  unsigned diff = 0;
  for (size_t i = 0; i < x.size(); ++i)
    diff |= static_cast<unsigned>(static_cast<unsigned char>(x[i]) ^ static_cast<unsigned char>(y[i]));
  return diff == 0;
}

WebhookTrigger ParseGithubWebhook(const http::Headers& headers, const std::string& body,
                                  const std::string& secret) {
  if (secret.empty())
    return Rejected(StatusCode::kUnauthenticated, "no GitHub webhook secret is configured");
  std::optional<std::string> signature = headers.Get("X-Hub-Signature-256");
  if (!signature)
    return Rejected(StatusCode::kUnauthenticated,
                    "missing X-Hub-Signature-256 header (set a secret on the GitHub webhook)");
  // Hex digits may come in either case; the "sha256=" prefix is required (no SHA-1).
  std::string received = AsciiLower(*signature);
  if (received.rfind("sha256=", 0) != 0)
    return Rejected(StatusCode::kUnauthenticated, "X-Hub-Signature-256 must be sha256=<hex>");
  if (!ConstantTimeEquals(received, GithubSignature(secret, body)))
    return Rejected(StatusCode::kUnauthenticated,
                    "X-Hub-Signature-256 does not match the body and the configured secret");

  const std::string event = headers.Get("X-GitHub-Event").value_or("");
  if (event.empty()) return Rejected(StatusCode::kInvalidArgument, "missing X-GitHub-Event header");
  Result<Json> doc = ParseGithubPayload(headers, body);
  if (!doc.ok()) return Rejected(StatusCode::kInvalidArgument, doc.status().message());

  if (event == "ping") return Ignored(event, "ping");
  if (event == "push") return PushTrigger(*doc);
  if (event == "package" || event == "registry_package") return PackageTrigger(event, *doc);
  return Ignored(event, "event \"" + event + "\" is not used by Spaceport");
}

WebhookTrigger ParseHubWebhook(const http::Headers& headers, const std::string& body,
                               const std::string& secret) {
  if (secret.empty())
    return Rejected(StatusCode::kUnauthenticated, "no Hub webhook secret is configured");
  std::optional<std::string> received = headers.Get("X-Webhook-Secret");
  if (!received)
    return Rejected(StatusCode::kUnauthenticated,
                    "missing X-Webhook-Secret header (set a secret on the Hub webhook)");
  if (!ConstantTimeEquals(*received, secret))
    return Rejected(StatusCode::kUnauthenticated, "X-Webhook-Secret does not match the configured secret");

  Result<Json> doc = Json::Parse(body);
  if (!doc.ok())
    return Rejected(StatusCode::kInvalidArgument, "webhook body is not JSON: " + doc.status().message());
  const Json* event = doc->Find("event");
  const Json* repo = doc->Find("repo");
  if (event == nullptr || !event->is_object() || repo == nullptr || !repo->is_object())
    return Rejected(StatusCode::kInvalidArgument, "Hub webhook body needs \"event\" and \"repo\" objects");
  const std::string scope = event->GetString("scope");
  const std::string name = "hub:" + scope;
  const std::string type = repo->GetString("type");
  if (type != "space") return Ignored(name, "repo type \"" + type + "\" is not a Space");
  // repo.content (a commit), repo.config (settings, variables, secrets, hardware) and repo
  // (created, deleted, moved) concern the Space itself; discussions and the rest do not.
  if (scope != "repo" && scope.rfind("repo.", 0) != 0)
    return Ignored(name, "scope \"" + scope + "\" does not change a Space");
  const std::string space = repo->GetString("name");
  if (space.find('/') == std::string::npos)
    return Rejected(StatusCode::kInvalidArgument, "Hub webhook repo.name must be OWNER/NAME");
  WebhookTrigger t;
  t.event = name;
  t.spaces.push_back(space);
  t.config_changed = scope != "repo.content";
  return t;
}

namespace {

// A generic webhook's list member: absent is empty; otherwise an array of non-empty strings, each
// passing `valid` (which names what it expects).
Status ReadNames(const Json& doc, const std::string& member, bool (*valid)(const std::string&),
                 const std::string& expected, std::vector<std::string>& out) {
  const Json* list = doc.Find(member);
  if (list == nullptr) return Status::Ok();
  if (!list->is_array()) return InvalidArgument("\"" + member + "\" must be an array of strings");
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string where = member + "[" + std::to_string(i) + "]";
    if (!list->At(i).is_string()) return InvalidArgument(where + " must be a string");
    const std::string name = list->At(i).AsString();
    if (!valid(name)) return InvalidArgument(where + " must be " + expected);
    AddUnique(out, name);
  }
  return Status::Ok();
}

// NAMESPACE/NAME and OWNER/NAME: one slash between two non-empty parts.
bool IsPair(const std::string& s) {
  const size_t slash = s.find('/');
  return slash != std::string::npos && slash > 0 && slash + 1 < s.size() && s.find('/', slash + 1) == std::string::npos;
}

// HOST/PATH without a tag or digest.
bool IsImageRepository(const std::string& s) {
  const size_t slash = s.find('/');
  return slash != std::string::npos && slash > 0 && slash + 1 < s.size() && s.find('@') == std::string::npos &&
         s.find(':', slash) == std::string::npos;
}

}  // namespace

WebhookTrigger ParseGenericWebhook(const http::Headers& headers, const std::string& body,
                                   const std::string& secret) {
  if (secret.empty())
    return Rejected(StatusCode::kUnauthenticated, "no generic webhook secret is configured");
  const std::string received = headers.Get("X-Signature").value_or("");
  if (received.empty())
    return Rejected(StatusCode::kUnauthenticated,
                    "missing X-Signature header (sha256=<hex HMAC-SHA256 of the body with the secret>)");
  if (!ConstantTimeEquals(received, GithubSignature(secret, body)))
    return Rejected(StatusCode::kUnauthenticated, "X-Signature does not match the body and the configured secret");

  Result<Json> doc = Json::Parse(body);
  if (!doc.ok())
    return Rejected(StatusCode::kInvalidArgument, "webhook body is not JSON: " + doc.status().message());
  if (!doc->is_object())
    return Rejected(StatusCode::kInvalidArgument, "webhook body must be a JSON object");
  WebhookTrigger t;
  t.event = "generic";
  for (Status s : {ReadNames(*doc, "deployments", IsPair, "NAMESPACE/NAME", t.deployments),
                   ReadNames(*doc, "images", IsImageRepository, "an image repository without tag (ghcr.io/OWNER/NAME)", t.images),
                   ReadNames(*doc, "spaces", IsPair, "OWNER/NAME", t.spaces)})
    if (!s.ok()) return Rejected(StatusCode::kInvalidArgument, s.message());
  if (t.deployments.empty() && t.images.empty() && t.spaces.empty())
    return Rejected(StatusCode::kInvalidArgument,
                    "name what to reconcile: \"deployments\", \"images\" or \"spaces\" (arrays of strings)");
  return t;
}

}  // namespace spaceport::runtime
