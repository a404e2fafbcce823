// FakeKubeApi: an in-memory Kubernetes API behind an http::Transport, for in-process tests of
// clients/kube and what is built on it (leader election, Events, status writes, the Job builder).
// It is no apiserver: it keeps JSON objects by path and does what those callers rely on, the way
// the real 1.20 apiserver does it (checked against it in tests/kube):
//
//   GET    /api[s]/…/NAME            the object, or 404 with a metav1.Status body
//   GET    /api[s]/…/PLURAL          a List (items sorted by name; labelSelector a=b[,c=d] honoured)
//   POST   /api[s]/…/PLURAL          create: 409 AlreadyExists when the name is taken; sets uid,
//                                    resourceVersion, generation 1, creationTimestamp
//   PUT    …/NAME[/status]           update: 409 Conflict when metadata.resourceVersion is stale
//   PATCH  …/NAME[/status]           application/merge-patch+json (RFC 7386); /status changes only
//                                    status, the main resource all but status (generation +1 when
//                                    spec changed)
//   DELETE …/NAME                    200, or 404
//   GET    /api/v1/…/pods/NAME/log   the text SetLog gave (its last tailLines lines when asked),
//                                    400 when none was given (no node runs the pod), 404 without
//                                    the pod
// Every write bumps one global resourceVersion. Watches are not served (tests/kube uses the real
// apiserver for those). Fail(method, path_prefix, status, message) makes matching requests answer
// an error (e.g. 403 with the apiserver's Forbidden wording). Requests are recorded.
//
//   support::FakeKubeApi api;
//   kube::KubeClient client(api.config(), api, clock);
//   api.Put("/apis/coordination.k8s.io/v1/namespaces/ns/leases/l", lease_json);
//   api.Fail("PUT", "/apis/coordination.k8s.io", 409, "the object has been modified");
//
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "clients/kube/kube_config.h"
#include "http/http.h"

namespace spaceport::support {

class FakeKubeApi final : public http::Transport {
 public:
  static constexpr char kServer[] = "https://fake-apiserver.test:6443";

  Result<http::Response> Send(const http::Request& request) override;

  // A ClusterConfig pointing at this fake with a bearer token.
  kube::ClusterConfig config() const;

  // Stores an object at its path as given (no metadata filled in).
  void Put(const std::string& path, Json object);
  std::optional<Json> Object(const std::string& path) const;
  // Every stored path under `prefix`.
  std::vector<std::string> Paths(const std::string& prefix) const;
  // What GET `pod_path`/log answers (text/plain), as a kubelet would serve the container's log.
  void SetLog(const std::string& pod_path, std::string text);

  // From now on, requests with this method whose path starts with `path_prefix` answer `status`
  // with a metav1.Status carrying `message`; `times` < 0 means for ever.
  void Fail(const std::string& method, const std::string& path_prefix, int status, const std::string& message,
            int times = -1);
  void ClearFailures();

  struct Recorded {
    std::string method;
    std::string path;  // with the query
    std::string body;
    std::string authorization;
  };
  std::vector<Recorded> requests() const;
  int Count(const std::string& method, const std::string& path_prefix) const;

 private:
  struct Failure {
    std::string method, prefix, message;
    int status = 0;
    int times = -1;
  };
  http::Response Handle(const std::string& method, const std::string& path, const std::string& query,
                        const std::string& body);

  mutable std::mutex mu_;
  std::map<std::string, Json> objects_;
  std::map<std::string, std::string> logs_;  // by pod path
  std::vector<Failure> failures_;
  std::vector<Recorded> requests_;
  int64_t resource_version_ = 100;
  int64_t uid_ = 0;
};

// RFC 7386 JSON merge patch: `patch` applied to `target`.
Json MergePatch(Json target, const Json& patch);

}  // namespace spaceport::support
