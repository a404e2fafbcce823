// Reconciler: one pass of the pipeline for one SpaceDeployment, as the controller runs it —
// observe → plan → act → status — in the manner of Flux's reconcilers: an ordered list of small
// named steps (runtime/reconcile_steps.h: suspend, secrets, observe, plan, complete-view, act,
// status, drift-report, deploy-track, then the judging steps action-failed, plan-stalled,
// health-timeout, in-progress, drift-warn, ready), each of which may end the pass with a typed
// Ending whose kind picks the conditions and the requeue:
//
//   Suspended → Ready=Unknown, after spec.interval
//   Ready     → Ready=True, after spec.interval (DeploySucceeded when a deploy ended)
//   Warned    → Ready=False Drifted (driftPolicy warn), after spec.interval
//   Waiting   → Reconciling=True (a build or Space on its way), after progress_poll
//   Retrying  → Reconciling=True, backoff: a transient failure (RateLimited, HubError,
//               RegistryError, Conflict, ...)
//   Stalled   → Stalled=True, after spec.interval, never a hot loop: AuthFailed, ImageMissing,
//               SpaceFailed, BuildFailed, InvalidSpec, SpaceTimeout, SecretMissing, ...
//
// Act runs act::Executor with follow = false: builds and Spaces still on their way are looked at
// once and reported pending, so no worker waits out a Docker build. Notifications
// (report/notifier.h events) say what changed since the previous status. The reconciler keeps no
// state between passes: the previous status is passed in, so a restarted controller continues
// from the status files.
//
// Thread-safe for distinct deployments (the work queue never hands one key to two workers).
//
//   Reconciler r(world, options, clock);
//   ReconcileOutcome out = r.Reconcile(deployment, "sha256:ab..", previous_status);
//   store.Write(out.status);
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "act/executor.h"
#include "base/clock.h"
#include "report/notifier.h"
#include "runtime/deployment_status.h"
#include "observe/manifest_cache.h"
#include "observe/space_list_cache.h"
#include "observe/space_settings_cache.h"
#include "observe/tag_digest_cache.h"
#include "runtime/world.h"
#include "spec/types.h"

namespace spaceport::runtime {

enum class Requeue {
  kAfterInterval,  // in sync, drift reported only, or stalled: come back after spec.interval
  kAfterPoll,      // progressing: come back after progress_poll
  kBackoff,        // transient failure: per-item exponential backoff
};

struct ReconcileOutcome {
  DeploymentStatus status;
  Requeue requeue = Requeue::kAfterInterval;
  std::string result;  // success, error, requeue — the controller_runtime_reconcile_total label
  std::vector<report::Notification> notifications;
  plan::Plan plan;  // this pass's plan (drift and actions), for the drift report
  bool build_started = false;  // this pass started a build (a BuildStarted Event)
  int64_t hub_requests = 0;
  int64_t registry_requests = 0;
  // What each action of this pass did (done, failed, pending, skipped; the log tail of a Space
  // that failed), for the ops console's reconcile history (runtime/console_journal.h).
  std::vector<act::ActionOutcome> actions;
};

struct ReconcilerOptions {
  // Progress lines ("default/tools: CommitSpaceFiles acme/tools done in 0.1s").
  std::function<void(const std::string&)> log;
  // Reads of Space settings (variables, secrets) are shared through this cache when set; see
  // observe/space_settings_cache.h.
  observe::SpaceSettingsCache* settings_cache = nullptr;
  // Manifests and configs by digest (observe/manifest_cache.h), when set.
  observe::ManifestCache* manifest_cache = nullptr;
  // Owners' Space lists (observe/space_list_cache.h), when set; a Space this pass wrote to is
  // invalidated so the next pass sees the write.
  observe::SpaceListCache* list_cache = nullptr;
  // Tag → digest (observe/tag_digest_cache.h), when set; a repository this pass built or
  // published to is invalidated so the next pass reads what was pushed.
  observe::TagDigestCache* tag_cache = nullptr;
};

class Reconciler {
 public:
  Reconciler(World& world, ReconcilerOptions options, Clock& clock);

  ReconcileOutcome Reconcile(const spec::SpaceDeployment& deployment, const std::string& revision,
                             const DeploymentStatus& previous);

 private:
  World& world_;
  ReconcilerOptions options_;
  Clock& clock_;
};

// Hash of a deployment's spec (file-mode observedGeneration): changes when the spec does.
std::string SpecHash(const spec::SpaceDeployment& deployment);

}  // namespace spaceport::runtime
