// Kubernetes mode's half of the status model: statuses written to the SpaceDeployment's status
// subresource, and Events on the object — what `kubectl get/describe/wait`, kstatus, Flux and
// Argo CD read.
//
// KubeStatusStore::Write sends a JSON merge patch to .../spacedeployments/NAME/status holding the
// same document as a status file (runtime/deployment_status.h, docs/status.md) plus
// `observedGeneration` (the generation the pass reconciled) and `lastHandledReconcileAt` (the
// `spaceport.dev/requestedAt` annotation it handled, as Flux echoes reconcile.fluxcd.io/
// requestedAt). Keys the object's status has and the new one lacks are sent as null, so the patch
// replaces the status whole. A merge patch cannot conflict; another writer's change is seen in
// the watch and overwritten at the next pass (level-triggered).
//
// It writes only when something changed: the new status is compared with the status last seen on
// the object (or the one last written, until the watch shows it), with key order ignored and
// without `history` and `lastReconcileTime`, which move at every pass. So a steady state costs no
// write; those two fields are refreshed along with the next real change (the live values are on
// /api/v1/status).
//
// ReadAll reads the statuses back from the cached objects, so a new leader continues the history.
// Remove does nothing: a deleted object takes its status with it.
//
// KubeEvents records the controller's events as core/v1 Events on the object (kube::EventRecorder:
// one Event per object and reason, counted).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "clients/kube/event_recorder.h"
#include "clients/kube/kube_client.h"
#include "runtime/kube_source.h"
#include "runtime/status_store.h"

namespace spaceport::runtime {

inline constexpr char kRequestedAtAnnotation[] = "spaceport.dev/requestedAt";

struct KubeStatusStats {
  int64_t writes = 0;
  int64_t unchanged = 0;  // writes skipped because nothing changed
  int64_t failures = 0;
};

class KubeStatusStore final : public StatusBackend {
 public:
  KubeStatusStore(kube::KubeClient& client, const KubeSource& source,
                  std::function<void(const std::string&)> log = nullptr);

  Status Write(const DeploymentStatus& status, const spec::SpaceDeployment& deployment) override;
  StoredStatuses ReadAll() const override;
  Status Remove(const std::string&) override { return Status::Ok(); }

  KubeStatusStats stats() const;

 private:
  kube::KubeClient& client_;
  const KubeSource& source_;
  std::function<void(const std::string&)> log_;
  mutable std::mutex mu_;
  // Per key: what we last wrote, the object's resourceVersion before that write and after it.
  struct Written {
    std::string comparable;
    std::string rv_before;
    std::string rv_after;
  };
  std::map<std::string, Written> written_;
  KubeStatusStats stats_;
};

// The status body written for `status`: ToJson without empty strings, plus observedGeneration and
// lastHandledReconcileAt.
Json KubeStatusBody(const DeploymentStatus& status, int64_t generation, const std::string& requested_at);
// A form of a status body for "did anything change": keys sorted, history and lastReconcileTime out.
std::string ComparableStatus(const Json& status);

// Events on SpaceDeployment objects, by key.
class KubeEvents {
 public:
  KubeEvents(kube::KubeClient& client, const KubeSource& source, Clock& clock,
             std::function<void(const std::string&)> log = nullptr);
  void Record(const std::string& key, const std::string& type, const std::string& reason,
              const std::string& message);
  const kube::EventRecorder& recorder() const { return recorder_; }

 private:
  const KubeSource& source_;
  kube::EventRecorder recorder_;
  std::function<void(const std::string&)> log_;
};

}  // namespace spaceport::runtime
