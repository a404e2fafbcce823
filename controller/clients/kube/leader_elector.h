// LeaderElector: one leader among the replicas of a controller, by a coordination.k8s.io/v1 Lease,
// with client-go's rules (leaderelection.LeaderElector) so it interoperates with how operators
// reason about leases:
//
//  - A candidate reads the Lease every `retry_period`. It takes it when it does not exist
//    (create), when its holderIdentity is empty (released), or when the record has not changed
//    for `lease_duration` as measured on the candidate's OWN clock since it last saw it change —
//    never by comparing the holder's renewTime with the local clock, so clock skew between nodes
//    does not matter.
//  - The leader renews (PUT with the Lease's resourceVersion, so two writers cannot both win)
//    every `retry_period`; when no renewal succeeded for `renew_deadline`, leadership is lost.
//    The caller then stops reconciling at once (controller-runtime exits the process).
//  - Release() on a clean shutdown empties holderIdentity (leaseDurationSeconds 1), so another
//    replica takes over at its next retry instead of waiting out the lease.
//
// Defaults are client-go's: lease 15 s, renew deadline 10 s, retry 2 s. Times in the Lease are
// MicroTime (RFC 3339 with microseconds). Thread-safe; Run blocks the calling thread.
//
//   LeaderElector elector(client, clock, {.namespace_ = "spaceport-system", .name = "spaceport-leader",
//                                         .identity = hostname + "_" + uuid});
//   elector.Run(stop, [&] { controller.Start(); }, [&] { std::_Exit(1); });
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "clients/kube/kube_client.h"

namespace spaceport::kube {

struct LeaderElectionOptions {
  std::string namespace_;
  std::string name = "spaceport-leader-election";
  std::string identity;  // unique per process: hostname_random
  Clock::Duration lease_duration = std::chrono::seconds(15);
  Clock::Duration renew_deadline = std::chrono::seconds(10);
  Clock::Duration retry_period = std::chrono::seconds(2);
  std::function<void(const std::string&)> log;
};

class LeaderElector {
 public:
  LeaderElector(KubeClient& client, Clock& clock, LeaderElectionOptions options);

  // Tries to acquire until it leads (then calls on_started_leading once and keeps renewing) or
  // `stop` becomes true. Returns when `stop` is set (after Release if it led) or when leadership
  // was lost (after calling on_stopped_leading). Returns true when it stopped as leader or never led.
  bool Run(const std::atomic<bool>& stop, const std::function<void()>& on_started_leading,
           const std::function<void()>& on_stopped_leading);

  // One attempt to acquire or renew, as Run makes every retry_period; true when this process
  // holds the lease afterwards.
  bool TryAcquireOrRenew();
  // Gives the lease up if this process holds it.
  Status Release();

  bool is_leader() const { return leader_; }
  // The holder last seen in the Lease ("" when none).
  std::string observed_holder() const;
  const LeaderElectionOptions& options() const { return options_; }

 private:
  Json NewRecord(const Json* previous, bool release) const;
  void Log(const std::string& line) const;

  KubeClient& client_;
  Clock& clock_;
  LeaderElectionOptions options_;
  std::atomic<bool> leader_{false};
  mutable std::mutex mu_;
  std::string observed_spec_;  // the Lease spec last seen (its JSON), to notice changes
  std::string observed_holder_;
  Clock::TimePoint observed_time_{};
  Clock::TimePoint last_renew_{};
};

// "2026-12-04T15:33:27.123456Z": a metav1.MicroTime.
std::string FormatMicroTime(Clock::TimePoint t);

}  // namespace spaceport::kube
