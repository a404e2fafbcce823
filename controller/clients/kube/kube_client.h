// KubeClient: the Kubernetes API as Spaceport uses it, over controller/http — list and watch of
// one resource, get, create, update (PUT with resourceVersion), JSON merge patch (the status
// subresource among others) and delete. Objects are plain Json documents: Spaceport reads the
// few fields it needs and must keep the rest as the server sent them.
//
// Requests carry the cluster's credentials (kube_config.h: a bearer token re-read from its file,
// or a client certificate) and pass a client-side token bucket (`qps`/`burst`, 20/30 as
// controller-runtime; client-go's 5/10 is too low for a controller). A watch holds no token while
// it streams: it is admitted once, like any request.
//
// Errors are Status values whose code follows the HTTP status (401 kUnauthenticated, 403
// kPermissionDenied, 404 kNotFound, 409 kConflict, 410 kNotFound with "Gone", 422
// kInvalidArgument, 429 kResourceExhausted, 5xx kUnavailable) and whose message is the server's
// own metav1.Status message — "spacedeployments.spaceport.dev "x" is forbidden: User "system:
// serviceaccount:ns:sa" cannot patch resource "spacedeployments/status" in API group
// "spaceport.dev" in the namespace "ns"" names the verb and resource a role lacks — prefixed by
// the operation. No token or key is ever part of a message.
//
// Watch streams: each event is handed to the callback the moment its line arrives (not when the
// connection ends). The 410 "too old resource version" that the server sends as an ERROR event
// inside a 200 response ends the watch with WatchEnd::kExpired, so the caller relists.
//
//   KubeClient client(config, transport, clock, {});
//   auto list = client.List(kSpaceDeployments, "default", {});
//   WatchEnd end = client.Watch(kSpaceDeployments, "default", {.resource_version = list->resource_version},
//                               [&](const WatchEvent& e) { handle(e); return true; }, &status);
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "clients/kube/kube_config.h"
#include "http/http.h"
#include "http/rate_limited_transport.h"
#include "http/token_bucket.h"

namespace spaceport::kube {

// A resource type: where its objects live on the API.
struct Resource {
  std::string group;    // "" for the core group
  std::string version;  // v1, v1alpha1
  std::string plural;   // spacedeployments
  bool namespaced = true;
  std::string kind;     // SpaceDeployment (for messages and event references)

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // The collection: /apis/G/V[/namespaces/NS]/PLURAL (NS "" = all namespaces).
  std::string CollectionPath(const std::string& ns) const;
  // One object: CollectionPath(ns) + "/" + name [+ "/" + subresource].
  std::string ObjectPath(const std::string& ns, const std::string& name,
                         const std::string& subresource = "") const;
};

extern const Resource kSpaceDeployments;
extern const Resource kEvents;   // core v1 Events (what `kubectl describe` shows)
extern const Resource kLeases;   // coordination.k8s.io/v1
extern const Resource kSecrets;
extern const Resource kNamespaces;
extern const Resource kJobs;  // batch/v1 (the Job builder, act/build_kubernetes_job.h)
extern const Resource kPods;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int limit = 500;  // per page; List follows `continue` until the end
};

struct ListResult {
  std::vector<Json> items;
  std::string resource_version;  // of the list, to start a watch from
};

struct WatchOptions {
  std::string resource_version;
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  std::chrono::seconds timeout{300};  // timeoutSeconds: the server ends the watch after this
  // When set and true, the watch ends within about 100 ms with kStopped (the owner stops).
  std::shared_ptr<const std::atomic<bool>> cancel;
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK
  Json object;
};

enum class WatchEnd {
  kClosed,   // the server ended the watch (timeout) or the connection dropped: resume from the last RV
  kStopped,  // the callback returned false
  kExpired,  // 410 Gone: the resourceVersion is too old; relist
  kFailed,   // no watch: see the Status
};

struct KubeClientOptions {
  double qps = 20;
  int burst = 30;
  std::chrono::milliseconds request_timeout{30000};
  std::string user_agent = "spaceport";
  http::ClientOptions http;  // retries of idempotent requests on 5xx
};

class KubeClient {
 public:
  // Sends through `transport` (not owned; must outlive the client): tests pass a fake or a
  // transport made from config.ToTransportOptions().
  KubeClient(ClusterConfig config, http::Transport& transport, Clock& clock, KubeClientOptions options = {});
  // Owns a cpprestsdk transport made from the config's TLS settings.
  static std::unique_ptr<KubeClient> Connect(ClusterConfig config, Clock& clock, KubeClientOptions options = {});
  ~KubeClient();
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  const ClusterConfig& config() const { return config_; }

  Result<Json> Get(const std::string& path);
  // GET of a plain-text answer, such as a Pod's log (…/pods/NAME/log?tailLines=20): the body
  // as it came, or its last `max_bytes` when it is longer.
  Result<std::string> GetText(const std::string& path_and_query, size_t max_bytes = 64 * 1024);
  Result<ListResult> List(const Resource& resource, const std::string& ns, const ListOptions& options);
  // Blocks while the watch streams; `on_event` runs on the calling thread for each event.
  // `status` (optional) receives the failure of kFailed.
  WatchEnd Watch(const Resource& resource, const std::string& ns, const WatchOptions& options,
                 const std::function<bool(const WatchEvent&)>& on_event, Status* status = nullptr);
  Result<Json> Create(const Resource& resource, const std::string& ns, const Json& object);
  // PUT: the object's metadata.resourceVersion makes it conditional (409 when stale).
  Result<Json> Update(const std::string& path, const Json& object);
  // application/merge-patch+json (RFC 7386).
  Result<Json> MergePatch(const std::string& path, const Json& patch);
  Status Delete(const std::string& path);

  // Requests sent on the wire (each retry counts), for tests and benchmarks.
  int64_t requests_sent() const;

 private:
  Result<http::Response> Send(std::string method, const std::string& path_and_query, std::string body,
                              std::string content_type, std::chrono::milliseconds timeout,
                              std::function<bool(std::string_view)> on_body = {},
                              std::shared_ptr<const std::atomic<bool>> cancel = nullptr,
                              std::string accept = "application/json");

  ClusterConfig config_;
  std::unique_ptr<http::Transport> owned_transport_;
  std::shared_ptr<http::TokenBucket> bucket_;
  std::unique_ptr<http::RateLimitedTransport> wire_;
  std::unique_ptr<http::Client> client_;
  KubeClientOptions options_;
};

// A non-2xx answer as a Status: the code from the HTTP status, the message "<what>: <server's
// metav1.Status message>" (or the reason phrase when the body is not a Status).
Status StatusFromKubeResponse(const http::Response& response, const std::string& what);

// Splits a watch body into lines; Feed returns the complete lines so far (a partial line waits
// for the next chunk). Lines longer than max_line fail the watch (kResourceExhausted).
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = 16 * 1024 * 1024) : max_line_(max_line) {}
  Result<std::vector<std::string>> Feed(std::string_view chunk);

 private:
  size_t max_line_;
  std::string partial_;
};

// Small readers of object metadata.
std::string NameOf(const Json& object);
std::string NamespaceOf(const Json& object);
std::string ResourceVersionOf(const Json& object);
std::string UidOf(const Json& object);
int64_t GenerationOf(const Json& object);
std::string AnnotationOf(const Json& object, const std::string& key);

}  // namespace spaceport::kube
