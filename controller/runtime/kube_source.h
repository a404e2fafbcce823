// KubeSource: SpaceDeployments read from a Kubernetes apiserver, as an informer reads them — one
// list, then a watch from the list's resourceVersion, with the objects kept in a local cache.
//
//  - Namespaces: the ones given (one list+watch each), or all namespaces with one list+watch.
//    A label selector shards objects between controllers, as Flux's --watch-label-selector does.
//  - The watch resumes from the last resourceVersion it saw (bookmarks included) when the server
//    ends it; a 410 Gone (the server sends it as an ERROR event inside a 200 answer) relists; a
//    failed watch is retried with backoff (1 s doubling to 30 s). Each event is handled as it
//    arrives.
//  - Changed() fires only when an object's spec side changed — generation, labels, annotations
//    (the spaceport.dev/requestedAt trigger among them), an add or a delete — not for the status
//    writes of the controller itself, so a status write never costs a reload.
//  - Load() turns the cache into a spec::LoadResult with the same loader as files (one field
//    model): every object is validated on its own and across the others (a Space claimed by two
//    objects is an error on both). Diagnostics name the object ("spacedeployments/NS/NAME") and
//    the field path; there is no line or column. Each deployment carries its generation and uid.
//  - The revision of a snapshot is "generations:<sha256 of the (key, generation) pairs>[:12]".
//
// Object() hands the cached object (with its status) to the status store and the event recorder.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "clients/kube/kube_client.h"
#include "runtime/source.h"

namespace spaceport::runtime {

struct KubeSourceOptions {
  std::vector<std::string> namespaces;  // empty: all namespaces
  std::string label_selector;
  std::chrono::seconds watch_timeout{300};
  std::function<void(const std::string&)> log;
};

struct KubeSourceStats {
  int64_t lists = 0;
  int64_t watches = 0;
  int64_t events = 0;
  int64_t relists_after_gone = 0;
};

class KubeSource final : public Source {
 public:
  KubeSource(kube::KubeClient& client, KubeSourceOptions options);
  ~KubeSource() override;

  std::string Describe() const override;
  Result<Snapshot> Load() override;
  Status Start(std::function<void()> changed) override;
  void RequestFetch() override {}
  bool Matches(const std::string&, const std::string&) const override { return false; }
  void Stop() override;

  // The cached object for "NS/NAME", or nullopt.
  std::optional<Json> Object(const std::string& key) const;
  // Every cached object, by key order.
  std::vector<Json> Objects() const;
  KubeSourceStats stats() const;

 private:
  Status ListNamespace(const std::string& ns, std::string* resource_version);
  void WatchLoop(const std::string& ns, std::string resource_version);
  // Applies one object; true when its spec side changed (worth a reload).
  bool Put(const Json& full);
  bool Erase(const Json& object);
  void Log(const std::string& line) const;

  kube::KubeClient& client_;
  KubeSourceOptions options_;
  std::function<void()> changed_;
  std::shared_ptr<std::atomic<bool>> stop_ = std::make_shared<std::atomic<bool>>(false);
  std::vector<std::thread> threads_;
  mutable std::mutex mu_;
  std::map<std::string, Json> objects_;  // by NS/NAME
  KubeSourceStats stats_;
};

// The part of an object whose change deserves a reconcile: generation, labels, annotations.
std::string SpecSideOf(const Json& object);

// Loads objects (SpaceDeployment JSON as the apiserver serves them) with the file loader.
spec::LoadResult LoadObjects(const std::vector<Json>& objects);

}  // namespace spaceport::runtime
