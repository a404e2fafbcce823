// KubeMode: what `spaceport run --kube` adds to the controller, in one place — the apiserver
// client, the SpaceDeployment source (informer-like list + watch), the status subresource as the
// status store, Events on the objects, Secrets for secretKeyRef, and leader election by Lease.
// The controller itself is the same as in file mode: one status model, two stores.
//
//   auto kube = KubeMode::Open(flags, *world, log);       // reads kubeconfig or in-cluster config
//   sources.push_back((*kube)->TakeSource());
//   (*kube)->Configure(controller_options, *world);       // status store, events, secrets
//   if (flags.leader_elect) (*kube)->elector()->Run(...);
//
// docs/kubernetes.md describes the mode, its flags and the RBAC it needs.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clients/kube/kube_client.h"
#include "clients/kube/leader_elector.h"
#include "runtime/controller.h"
#include "runtime/kube_secrets.h"
#include "runtime/kube_source.h"
#include "runtime/kube_status_store.h"
#include "runtime/world.h"

namespace spaceport::runtime {

struct KubeFlags {
  std::string kubeconfig;
  std::string context;
  std::vector<std::string> namespaces;  // empty: all namespaces
  std::string label_selector;
  double qps = 20;
  int burst = 30;
  bool leader_elect = false;
  std::string leader_election_namespace;  // default: the config's namespace
  std::string leader_election_id = "spaceport-leader-election";
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
};

class KubeMode {
 public:
  static Result<std::unique_ptr<KubeMode>> Open(const KubeFlags& flags, Clock& clock,
                                                std::function<void(const std::string&)> log);

  // The SpaceDeployment source; the KubeMode keeps a pointer for status and events (the source
  // must outlive neither; the controller that owns it is destroyed before this).
  std::unique_ptr<Source> TakeSource();
  // Status subresource, Events, Secrets, and the client for build.kubernetesJob (world.kube).
  void Configure(ControllerOptions& options, World& world);
  // nullptr without --leader-elect.
  kube::LeaderElector* elector() { return elector_.get(); }

  kube::KubeClient& client() { return *client_; }
  const KubeStatusStore& status_store() const { return *status_store_; }
  const KubeEvents& events() const { return *events_; }

 private:
  KubeMode() = default;

  std::unique_ptr<kube::KubeClient> client_;
  std::unique_ptr<KubeSource> owned_source_;
  KubeSource* source_ = nullptr;
  std::unique_ptr<KubeStatusStore> status_store_;
  std::unique_ptr<KubeEvents> events_;
  std::unique_ptr<KubeSecrets> secrets_;
  std::unique_ptr<kube::LeaderElector> elector_;
};

// "hostname_<16 hex>": a leader election identity unique to this process.
std::string LeaderIdentity();

}  // namespace spaceport::runtime
