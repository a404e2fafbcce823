#include "clients/kube/kube_client.h"

#include "http/status_codes.h"

namespace spaceport::kube {

const Resource kSpaceDeployments{"spaceport.dev", "v1alpha1", "spacedeployments", true, "SpaceDeployment"};
const Resource kEvents{"", "v1", "events", true, "Event"};
const Resource kLeases{"coordination.k8s.io", "v1", "leases", true, "Lease"};
const Resource kSecrets{"", "v1", "secrets", true, "Secret"};
const Resource kNamespaces{"", "v1", "namespaces", false, "Namespace"};
const Resource kJobs{"batch", "v1", "jobs", true, "Job"};
const Resource kPods{"", "v1", "pods", true, "Pod"};

std::string Resource::CollectionPath(const std::string& ns) const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) path += "/namespaces/" + http::UrlEncode(ns);
  return path + "/" + plural;
}

std::string Resource::ObjectPath(const std::string& ns, const std::string& name,
                                 const std::string& subresource) const {
  std::string path = CollectionPath(ns) + "/" + http::UrlEncode(name);
  if (!subresource.empty()) path += "/" + subresource;
  return path;
}

namespace {

const Json* Metadata(const Json& object) { return object.Find("metadata"); }

std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    q += (q.empty() ? "?" : "&") + key + "=" + http::UrlEncode(value);
  }
  return q;
}

Result<Json> ParseObject(const http::Response& response, const std::string& what) {
  Result<Json> doc = Json::Parse(response.body);
  if (!doc.ok() || !doc->is_object())
    return Status(StatusCode::kInternal, what + ": the answer is not a JSON object");
  return doc;
}

}  // namespace

Status StatusFromKubeResponse(const http::Response& response, const std::string& what) {
  std::string message;
  if (Result<Json> body = Json::Parse(response.body); body.ok() && body->is_object())
    message = body->GetString("message");
  if (message.empty()) message = std::string(http::ReasonPhrase(response.status));
  if (message.empty()) message = "HTTP " + std::to_string(response.status);
  if (response.status == 410) message = "Gone: " + message;
  return Status(http::StatusCodeForHttp(response.status), what + ": " + message);
}

KubeClient::KubeClient(ClusterConfig config, http::Transport& transport, Clock& clock,
                       KubeClientOptions options)
    : config_(std::move(config)), options_(std::move(options)) {
  Result<http::Url> url = http::Url::Parse(config_.server);
  const std::string origin = url.ok() ? url->Origin() : config_.server;
  http::TokenBucketOptions rate;
  rate.requests_per_second = options_.qps;
  rate.burst = options_.burst;
  bucket_ = std::make_shared<http::TokenBucket>(clock, rate);
  http::RateLimitedTransportOptions wire_options;
  wire_options.origin = origin;
  wire_ = std::make_unique<http::RateLimitedTransport>(transport, bucket_, std::move(wire_options));
  http::ClientOptions http_options = options_.http;
  http_options.max_redirects = 0;  // the apiserver does not redirect API calls
  if (url.ok() && url->scheme == "http") http_options.insecure_origins.push_back(origin);
  client_ = std::make_unique<http::Client>(*wire_, clock, http_options);
}

std::unique_ptr<KubeClient> KubeClient::Connect(ClusterConfig config, Clock& clock, KubeClientOptions options) {
  std::unique_ptr<http::Transport> transport = http::MakeTransport(config.ToTransportOptions());
  http::Transport& ref = *transport;
  auto client = std::make_unique<KubeClient>(std::move(config), ref, clock, std::move(options));
  client->owned_transport_ = std::move(transport);
  return client;
}

KubeClient::~KubeClient() = default;

int64_t KubeClient::requests_sent() const { return client_->requests_sent(); }

Result<http::Response> KubeClient::Send(std::string method, const std::string& path_and_query, std::string body,
                                        std::string content_type, std::chrono::milliseconds timeout,
                                        std::function<bool(std::string_view)> on_body,
                                        std::shared_ptr<const std::atomic<bool>> cancel,
                                        std::string accept) {
  http::Request request;
  request.method = std::move(method);
  request.url = config_.server + path_and_query;
  request.headers.Add("Accept", std::move(accept));
  request.headers.Add("User-Agent", options_.user_agent);
  Result<std::string> bearer = config_.BearerToken();
  if (!bearer.ok()) return bearer.status();
  if (!bearer->empty()) request.headers.Add("Authorization", *bearer);
  if (!content_type.empty()) request.headers.Add("Content-Type", std::move(content_type));
  request.body = std::move(body);
  request.timeout = timeout;
  request.on_body = std::move(on_body);
  request.cancel = std::move(cancel);
  return client_->Send(std::move(request));
}

Result<Json> KubeClient::Get(const std::string& path) {
  const std::string what = "get " + path;
  Result<http::Response> r = Send("GET", path, "", "", options_.request_timeout);
  if (!r.ok()) return Status(r.status().code(), what + ": " + r.status().message());
  if (r->status != 200) return StatusFromKubeResponse(*r, what);
  return ParseObject(*r, what);
}

Result<std::string> KubeClient::GetText(const std::string& path_and_query, size_t max_bytes) {
  const std::string what = "get " + path_and_query;
  Result<http::Response> r =
      Send("GET", path_and_query, "", "", options_.request_timeout, {}, nullptr, "text/plain, */*");
  if (!r.ok()) return Status(r.status().code(), what + ": " + r.status().message());
  if (r->status != 200) return StatusFromKubeResponse(*r, what);
  if (r->body.size() > max_bytes) r->body.erase(0, r->body.size() - max_bytes);  // keep the end
  return std::move(r->body);
}

Result<ListResult> KubeClient::List(const Resource& resource, const std::string& ns, const ListOptions& options) {
  ListResult out;
  std::string continue_token;
  const std::string path = resource.CollectionPath(ns);
  const std::string what = "list " + resource.plural + (ns.empty() ? " in all namespaces" : " in " + ns);
  do {
    const std::string query = Query({{"labelSelector", options.label_selector},
                                     {"fieldSelector", options.field_selector},
                                     {"limit", options.limit > 0 ? std::to_string(options.limit) : ""},
                                     {"continue", continue_token}});
    Result<http::Response> r = Send("GET", path + query, "", "", options_.request_timeout);
    if (!r.ok()) return Status(r.status().code(), what + ": " + r.status().message());
    if (r->status != 200) return StatusFromKubeResponse(*r, what);
    Result<Json> page = ParseObject(*r, what);
    if (!page.ok()) return page.status();
    if (const Json* items = page->Find("items"); items != nullptr && items->is_array())
      for (size_t i = 0; i < items->size(); ++i) out.items.push_back(items->At(i));
    const Json* meta = page->Find("metadata");
    continue_token = meta ? meta->GetString("continue") : "";
    if (meta) out.resource_version = meta->GetString("resourceVersion");
  } while (!continue_token.empty());
  return out;
}

WatchEnd KubeClient::Watch(const Resource& resource, const std::string& ns, const WatchOptions& options,
                           const std::function<bool(const WatchEvent&)>& on_event, Status* status) {
  const std::string what = "watch " + resource.plural + (ns.empty() ? " in all namespaces" : " in " + ns);
  const std::string query = Query({{"watch", "true"},
                                   {"resourceVersion", options.resource_version},
                                   {"labelSelector", options.label_selector},
                                   {"fieldSelector", options.field_selector},
                                   {"allowWatchBookmarks", options.allow_bookmarks ? "true" : ""},
                                   {"timeoutSeconds", std::to_string(options.timeout.count())}});
  LineSplitter lines;
  WatchEnd end = WatchEnd::kClosed;
  Status failure;
  auto on_body = [&](std::string_view chunk) {
    Result<std::vector<std::string>> complete = lines.Feed(chunk);
    if (!complete.ok()) {
      failure = Status(complete.status().code(), what + ": " + complete.status().message());
      end = WatchEnd::kFailed;
      return false;
    }
    for (const std::string& line : *complete) {
      Result<Json> event = Json::Parse(line);
      if (!event.ok() || !event->is_object()) {
        failure = Internal(what + ": an event is not a JSON object");
        end = WatchEnd::kFailed;
        return false;
      }
      WatchEvent e{event->GetString("type"), Json()};
      if (Json* object = event->Find("object")) e.object = std::move(*object);
      if (e.type == "ERROR") {
        // A metav1.Status inside the stream: 410 means the resourceVersion is gone (relist).
        const std::optional<int64_t> code = e.object.Find("code") ? e.object.Find("code")->AsInt() : std::nullopt;
        if (code && *code == 410) {
          end = WatchEnd::kExpired;
        } else {
          failure = Status(http::StatusCodeForHttp(code.value_or(500)),
                           what + ": " + e.object.GetString("message", "error event"));
          end = WatchEnd::kFailed;
        }
        return false;
      }
      if (!on_event(e)) {
        end = WatchEnd::kStopped;
        return false;
      }
    }
    return true;
  };
  // The server closes the watch after timeoutSeconds; the client deadline is a little later.
  const auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout) +
                        std::chrono::seconds(30);
  Result<http::Response> r =
      Send("GET", resource.CollectionPath(ns) + query, "", "", deadline, on_body, options.cancel);
  if (options.cancel && *options.cancel) {
    end = WatchEnd::kStopped;
  } else if (!r.ok()) {
    failure = Status(r.status().code(), what + ": " + r.status().message());
    end = WatchEnd::kFailed;
  } else if (r->status == 410) {
    end = WatchEnd::kExpired;
  } else if (r->status != 200) {
    failure = StatusFromKubeResponse(*r, what);
    end = WatchEnd::kFailed;
  } else if (!r->body.empty() && end == WatchEnd::kClosed) {
    // A transport that could not stream handed the whole body at the end.
    on_body(r->body + "\n");
  }
  if (status != nullptr) *status = failure;
  return end;
}

Result<Json> KubeClient::Create(const Resource& resource, const std::string& ns, const Json& object) {
  const std::string what = "create " + resource.plural + " " + NameOf(object) + (ns.empty() ? "" : " in " + ns);
  Result<http::Response> r =
      Send("POST", resource.CollectionPath(ns), object.Dump(), "application/json", options_.request_timeout);
  if (!r.ok()) return Status(r.status().code(), what + ": " + r.status().message());
  if (r->status != 200 && r->status != 201 && r->status != 202) return StatusFromKubeResponse(*r, what);
  return ParseObject(*r, what);
}

Result<Json> KubeClient::Update(const std::string& path, const Json& object) {
  const std::string what = "update " + path;
  Result<http::Response> r = Send("PUT", path, object.Dump(), "application/json", options_.request_timeout);
  if (!r.ok()) return Status(r.status().code(), what + ": " + r.status().message());
  if (r->status != 200 && r->status != 201) return StatusFromKubeResponse(*r, what);
  return ParseObject(*r, what);
}

Result<Json> KubeClient::MergePatch(const std::string& path, const Json& patch) {
  const std::string what = "patch " + path;
  Result<http::Response> r =
      Send("PATCH", path, patch.Dump(), "application/merge-patch+json", options_.request_timeout);
  if (!r.ok()) return Status(r.status().code(), what + ": " + r.status().message());
  if (r->status != 200 && r->status != 201) return StatusFromKubeResponse(*r, what);
  return ParseObject(*r, what);
}

Status KubeClient::Delete(const std::string& path) {
  const std::string what = "delete " + path;
  Result<http::Response> r = Send("DELETE", path, "", "", options_.request_timeout);
  if (!r.ok()) return Status(r.status().code(), what + ": " + r.status().message());
  if (r->status != 200 && r->status != 202) return StatusFromKubeResponse(*r, what);
  return Status::Ok();
}

Result<std::vector<std::string>> LineSplitter::Feed(std::string_view chunk) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i < chunk.size(); ++i) {
    if (chunk[i] != '\n') continue;
    partial_.append(chunk.substr(start, i - start));
    if (!partial_.empty()) lines.push_back(std::move(partial_));
    partial_.clear();
    start = i + 1;
  }
  partial_.append(chunk.substr(start));
  if (partial_.size() > max_line_)
    return Status(StatusCode::kResourceExhausted,
                  "a watch event exceeds " + std::to_string(max_line_) + " bytes");
  return lines;
}

std::string NameOf(const Json& object) {
  const Json* m = Metadata(object);
  return m ? m->GetString("name") : "";
}

std::string NamespaceOf(const Json& object) {
  const Json* m = Metadata(object);
  return m ? m->GetString("namespace") : "";
}

std::string ResourceVersionOf(const Json& object) {
  const Json* m = Metadata(object);
  return m ? m->GetString("resourceVersion") : "";
}

std::string UidOf(const Json& object) {
  const Json* m = Metadata(object);
  return m ? m->GetString("uid") : "";
}

int64_t GenerationOf(const Json& object) {
  const Json* m = Metadata(object);
  const Json* g = m ? m->Find("generation") : nullptr;
  return g ? g->AsInt().value_or(0) : 0;
}

std::string AnnotationOf(const Json& object, const std::string& key) {
  const Json* m = Metadata(object);
  const Json* a = m ? m->Find("annotations") : nullptr;
  return a ? a->GetString(key) : "";
}

}  // namespace spaceport::kube
