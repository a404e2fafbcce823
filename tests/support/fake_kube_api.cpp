#include "support/fake_kube_api.h"

#include <algorithm>

#include "base/clock.h"
#include "http/query.h"

namespace spaceport::support {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string::npos ? path.size() : slash;
    if (end > start) parts.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

http::Response StatusResponse(int code, const std::string& reason, const std::string& message) {
  Json status = Json::Object();
  status.Set("kind", "Status");
  status.Set("apiVersion", "v1");
  status.Set("status", "Failure");
  status.Set("message", message);
  status.Set("reason", reason);
  status.Set("code", int64_t{code});
  http::Response r;
  r.status = code;
  r.headers.Add("Content-Type", "application/json");
  r.body = status.Dump();
  return r;
}

http::Response JsonResponse(int code, const Json& body) {
  http::Response r;
  r.status = code;
  r.headers.Add("Content-Type", "application/json");
  r.body = body.Dump();
  return r;
}

// Where a request points: the object's key (path without subresource) or a collection.
struct Target {
  std::string collection;   // /apis/G/V/namespaces/NS/PLURAL, or /apis/G/V/PLURAL
  std::string name;         // "" for the collection
  std::string subresource;  // "status", "log", …
  bool all_namespaces = false;
  std::string plural;
  std::string Key() const { return collection + "/" + name; }
};

Target Parse(const std::string& path) {
  const std::vector<std::string> p = Split(path);
  Target t;
  size_t i = 0;
  std::string prefix;
  if (!p.empty() && p[0] == "api") {
    prefix = "/api/" + (p.size() > 1 ? p[1] : "");
    i = 2;
  } else if (p.size() >= 3) {
    prefix = "/apis/" + p[1] + "/" + p[2];
    i = 3;
  }
  std::vector<std::string> rest(p.begin() + static_cast<long>(std::min(i, p.size())), p.end());
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    prefix += "/namespaces/" + rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  } else if (!rest.empty() && rest[0] != "namespaces") {
    t.all_namespaces = true;
  }
  if (!rest.empty()) t.plural = rest[0];
  t.collection = prefix + "/" + t.plural;
  if (rest.size() > 1) t.name = rest[1];
  if (rest.size() > 2) t.subresource = rest[2];
  return t;
}

bool MatchesSelector(const Json& object, const std::string& selector) {
  if (selector.empty()) return true;
  const Json* meta = object.Find("metadata");
  const Json* labels = meta ? meta->Find("labels") : nullptr;
  size_t start = 0;
  while (start < selector.size()) {
    size_t comma = selector.find(',', start);
    if (comma == std::string::npos) comma = selector.size();
    const std::string term = selector.substr(start, comma - start);
    const size_t eq = term.find('=');
    const std::string key = term.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : term.substr(eq + 1);
    if (labels == nullptr || labels->Find(key) == nullptr) return false;
    if (eq != std::string::npos && labels->GetString(key) != value) return false;
    start = comma + 1;
  }
  return true;
}

}  // namespace

Json MergePatch(Json target, const Json& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = Json::Object();
  for (const Json::Member& m : patch.Members()) {
    if (m.second.is_null()) {
      target.Erase(m.first);
    } else if (const Json* existing = target.Find(m.first)) {
      target.Set(m.first, MergePatch(*existing, m.second));
    } else {
      target.Set(m.first, MergePatch(Json(), m.second));
    }
  }
  return target;
}

kube::ClusterConfig FakeKubeApi::config() const {
  kube::ClusterConfig c;
  c.server = kServer;
  c.token = "fake-kube-token";
  c.namespace_ = "default";
  c.source = "FakeKubeApi";
  return c;
}

void FakeKubeApi::Put(const std::string& path, Json object) {
  std::lock_guard<std::mutex> lock(mu_);
  objects_[path] = std::move(object);
}

std::optional<Json> FakeKubeApi::Object(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(path);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> FakeKubeApi::Paths(const std::string& prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [path, object] : objects_)
    if (path.rfind(prefix, 0) == 0) out.push_back(path);
  return out;
}

void FakeKubeApi::SetLog(const std::string& pod_path, std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  logs_[pod_path] = std::move(text);
}

void FakeKubeApi::Fail(const std::string& method, const std::string& path_prefix, int status,
                       const std::string& message, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.push_back({method, path_prefix, message, status, times});
}

void FakeKubeApi::ClearFailures() {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.clear();
}

std::vector<FakeKubeApi::Recorded> FakeKubeApi::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

int FakeKubeApi::Count(const std::string& method, const std::string& path_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const Recorded& r : requests_)
    if (r.method == method && r.path.rfind(path_prefix, 0) == 0) ++n;
  return n;
}

Result<http::Response> FakeKubeApi::Send(const http::Request& request) {
  const std::string server = kServer;
  if (request.url.rfind(server, 0) != 0) return Status(StatusCode::kUnavailable, "FakeKubeApi: unknown host");
  const std::string rest = request.url.substr(server.size());
  const size_t q = rest.find('?');
  const std::string path = rest.substr(0, q);
  const std::string query = q == std::string::npos ? "" : rest.substr(q + 1);
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back({request.method, rest, request.body, request.headers.Get("Authorization").value_or("")});
  for (Failure& f : failures_) {
    if (f.times == 0 || f.method != request.method || path.rfind(f.prefix, 0) != 0) continue;
    if (f.times > 0) --f.times;
    const std::string reason = f.status == 403 ? "Forbidden" : f.status == 409 ? "Conflict" : "Failure";
    return StatusResponse(f.status, reason, f.message);
  }
  http::Response response = Handle(request.method, path, query, request.body);
  if (request.on_body && response.status >= 200 && response.status < 300) {
    request.on_body(response.body);
    response.body.clear();
  }
  return response;
}

http::Response FakeKubeApi::Handle(const std::string& method, const std::string& path, const std::string& query,
                                   const std::string& body) {
  const Target t = Parse(path);
  std::string selector;
  for (const auto& [key, value] : http::ParseQuery(query))
    if (key == "labelSelector") selector = value;
  if (t.name.empty()) {
    if (method == "GET" && query.find("watch=true") != std::string::npos) {
      http::Response r;  // watches are not served: an empty stream that ends at once
      r.status = 200;
      return r;
    }
    if (method == "GET") {
      Json list = Json::Object();
      list.Set("kind", "List");
      Json meta = Json::Object();
      meta.Set("resourceVersion", std::to_string(resource_version_));
      list.Set("metadata", std::move(meta));
      Json items = Json::Array();
      for (const auto& [key, object] : objects_) {
        const size_t slash = key.rfind('/');
        const std::string collection = key.substr(0, slash);
        const bool in = t.all_namespaces
                            ? collection.size() > t.plural.size() &&
                                  collection.compare(collection.size() - t.plural.size() - 1, std::string::npos,
                                                     "/" + t.plural) == 0
                            : collection == t.collection;
        if (in && MatchesSelector(object, selector)) items.Push(object);
      }
      list.Set("items", std::move(items));
      return JsonResponse(200, list);
    }
    if (method == "POST") {
      Result<Json> object = Json::Parse(body);
      if (!object.ok() || !object->is_object()) return StatusResponse(400, "BadRequest", "not a JSON object");
      Json* meta = object->Find("metadata");
      if (meta == nullptr || meta->GetString("name").empty())
        return StatusResponse(422, "Invalid", "metadata.name: Required value");
      const std::string key = t.collection + "/" + meta->GetString("name");
      if (objects_.count(key))
        return StatusResponse(409, "AlreadyExists", t.plural + " \"" + meta->GetString("name") + "\" already exists");
      meta->Set("uid", "uid-" + std::to_string(++uid_));
      meta->Set("resourceVersion", std::to_string(++resource_version_));
      meta->Set("generation", int64_t{1});
      meta->Set("creationTimestamp", FormatRfc3339(RealClock::Instance().Now()));
      objects_[key] = *object;
      return JsonResponse(201, *object);
    }
    return StatusResponse(405, "MethodNotAllowed", "method not allowed");
  }
  auto it = objects_.find(t.Key());
  if (it == objects_.end())
    return StatusResponse(404, "NotFound", t.plural + " \"" + t.name + "\" not found");
  Json& stored = it->second;
  if (method == "GET" && t.subresource == "log") {
    auto log = logs_.find(t.Key());
    if (log == logs_.end())
      return StatusResponse(400, "BadRequest", "pod " + t.name + " does not have a host assigned");
    std::string text = log->second;
    for (const auto& [key, value] : http::ParseQuery(query)) {
      if (key != "tailLines") continue;
      size_t lines = std::stoul(value), begin = text.size();
      if (begin > 0 && text[begin - 1] == '\n') --begin;
      while (begin > 0 && (text[begin - 1] != '\n' || --lines > 0)) --begin;
      text = text.substr(begin);
    }
    http::Response r;
    r.status = 200;
    r.headers.Add("Content-Type", "text/plain");
    r.body = std::move(text);
    return r;
  }
  if (method == "GET") return JsonResponse(200, stored);
  if (method == "DELETE") {
    objects_.erase(it);
    Json ok = Json::Object();
    ok.Set("kind", "Status");
    ok.Set("status", "Success");
    return JsonResponse(200, ok);
  }
  Result<Json> doc = Json::Parse(body);
  if (!doc.ok()) return StatusResponse(400, "BadRequest", "not JSON");
  Json next = stored;
  if (method == "PUT") {
    const Json* meta = doc->Find("metadata");
    const std::string rv = meta ? meta->GetString("resourceVersion") : "";
    if (!rv.empty() && rv != stored.Find("metadata")->GetString("resourceVersion"))
      return StatusResponse(409, "Conflict",
                            "Operation cannot be fulfilled on " + t.plural + " \"" + t.name +
                                "\": the object has been modified; please apply your changes to the latest "
                                "version and try again");
    if (t.subresource == "status") {
      if (const Json* status = doc->Find("status")) next.Set("status", *status);
    } else {
      Json keep_meta = *stored.Find("metadata");
      next = *doc;
      if (const Json* status = stored.Find("status")) next.Set("status", *status);
      next.Set("metadata", MergePatch(keep_meta, *doc->Find("metadata")));
    }
  } else if (method == "PATCH") {
    if (t.subresource == "status") {
      if (const Json* status = doc->Find("status"))
        next.Set("status", MergePatch(stored.Find("status") ? *stored.Find("status") : Json::Object(), *status));
    } else {
      Json patch = *doc;
      patch.Erase("status");
      next = MergePatch(stored, patch);
    }
  } else {
    return StatusResponse(405, "MethodNotAllowed", "method not allowed");
  }
  Json* meta = next.Find("metadata");
  const Json* old_spec = stored.Find("spec");
  const Json* new_spec = next.Find("spec");
  if (t.subresource.empty() && old_spec && new_spec && !(*old_spec == *new_spec)) {
    const Json* g = meta->Find("generation");
    meta->Set("generation", int64_t{(g ? g->AsInt().value_or(1) : 1) + 1});
  }
  meta->Set("resourceVersion", std::to_string(++resource_version_));
  stored = next;
  return JsonResponse(200, stored);
}

}  // namespace spaceport::support
