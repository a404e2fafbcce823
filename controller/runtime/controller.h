// Controller: `spaceport run` — sources → work queue → workers running the Reconciler, with
// status files, metrics, notifications and the HTTP API around them.
//
// Start() loads every source, reads the status files left by the previous process (so a
// restart continues where it stopped), enqueues every deployment and starts `concurrency`
// workers. A worker takes a key, reconciles it (runtime/reconciler.h), writes its status
// atomically, updates the metrics, hands the notifications to the notifier and requeues the key:
// after spec.interval ±5% when done, after progress_poll while a build or Space is on its way,
// with per-key backoff (750 ms doubling to 15 min) after a transient failure. A source change
// reloads the snapshot and enqueues only the deployments whose spec changed (or appeared);
// deployments that left the sources are dropped from the queue, the metrics and the status files.
//
// Stop() is graceful: the queue stops handing out work, each worker finishes the step it is in
// (every action is short with follow = false, and each is idempotent, so stopping between
// actions is safe) and Wait() returns once they have, or after `shutdown_timeout`.
//
//   Controller c(world, options, RealClock::Instance());
//   if (Status s = c.Start(); !s.ok()) die(s);
//   ... on SIGTERM: c.Stop(); c.Wait();
//
// Thread-safe: webhook handlers call Enqueue*/SourcesChanged from server threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "observe/space_settings_cache.h"
#include "plan/plan.h"
#include "report/notifier.h"
#include "report/prometheus.h"
#include "runtime/budget_scheduler.h"
#include "runtime/deployment_status.h"
#include "runtime/reconciler.h"
#include "runtime/source.h"
#include "runtime/status_store.h"
#include "runtime/work_queue.h"
#include "runtime/world.h"

namespace spaceport::runtime {

inline constexpr char kControllerName[] = "spacedeployment";

struct ControllerOptions {
  // Worker threads. 0: Start() starts none and the caller runs the passes with RunReadyPasses()
  // (the in-process tests drive the controller so, on a FakeClock, without sleeping).
  int concurrency = 4;
  BackoffOptions backoff;
  double interval_jitter = 0.05;
  Clock::Duration progress_poll = std::chrono::seconds(5);   // while building / awaiting RUNNING
  Clock::Duration shutdown_timeout = std::chrono::seconds(25);
  Clock::Duration default_interval = std::chrono::minutes(10);  // when spec.interval is 0
  // Variables and secrets are read again once this old (observe/space_settings_cache.h); 0 =
  // every pass. Always at once after our write to the Space or a Hub webhook about it.
  Clock::Duration settings_resync_interval{0};
  // Budget scheduling (runtime/budget_scheduler.h): the Hub's budget is the World's
  // (config hub.budget); GitHub's is this many requests per hour.
  int64_t github_requests_per_hour = 5000;
  double budget_utilisation = 0.8;
  // The head start of urgent over attention over routine work (runtime/work_queue.h).
  Clock::Duration priority_step = std::chrono::minutes(10);
  // How long an owner's Space list is reused (observe/space_list_cache.h); 0 = no lists, one
  // info request per Space and pass.
  Clock::Duration hub_list_max_age = std::chrono::minutes(1);
  // How long a tag's digest is reused by every deployment of its image
  // (observe/tag_digest_cache.h), at most the deployment's interval; 0 = a HEAD per tag and pass.
  Clock::Duration registry_tag_max_age = std::chrono::seconds(30);
  bool once = false;               // stop after every deployment was reconciled once
  std::function<void(const std::string&)> log;  // one line per event; never a secret
  // Kubernetes mode (runtime/kube_status_store.h): statuses go to the status subresource instead
  // of the state directory, the controller's events also become Events on the objects, and a
  // document that fails validation gets a status (Stalled, InvalidSpec) and an Event. Not owned.
  StatusBackend* status_backend = nullptr;
  std::function<void(const std::string& key, const std::string& type, const std::string& reason,
                     const std::string& message)>
      record_event;
  // Called by the worker after each pass, once its status is stored and the key requeued, with
  // when the key is due again: the ops console's journal and live events (runtime/console_service.h).
  std::function<void(const spec::SpaceDeployment& deployment, const ReconcileOutcome& outcome,
                     Clock::TimePoint next_reconcile)>
      on_reconciled;
};

class Controller {
 public:
  Controller(World& world, std::vector<std::unique_ptr<Source>> sources, ControllerOptions options,
             Clock& clock, report::Notifier* notifier = nullptr);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  Status Start();
  void Stop();  // idempotent; returns at once
  // Blocks until the workers ended (after Stop, or with `once` when everything was reconciled
  // once). Returns false when shutdown_timeout passed with a worker still busy.
  bool Wait();

  // With concurrency 0: runs on the calling thread, one after another, every pass whose key is
  // ready at the clock's now (and keys those passes make ready at once), at most `limit`; returns
  // the keys in the order they ran.
  std::vector<std::string> RunReadyPasses(int limit = 10000);

  // Webhooks and tests.
  bool Enqueue(const std::string& key);  // false: no such deployment
  // Deployments using that image (their tags are read afresh: a package webhook); count.
  int EnqueueImage(const std::string& repository);
  int EnqueueSpace(const std::string& space, bool settings_changed);
  int FetchSources(const std::string& repository_url, const std::string& ref);  // matching sources
  void SourcesChanged();  // reload the snapshot (from a source's watcher thread)

  // Leader election (--leader-elect): a standby replica is not started; /readyz says it stands
  // by and leader_election_master_status{name=LEASE} is 0 (1 once it leads).
  void SetLeadership(const std::string& lease, bool leading, const std::string& holder);
  // "" without leader election; else "leader" or "standby (lease held by HOLDER)".
  std::string Leadership() const;

  bool sources_loaded() const { return sources_loaded_; }
  bool first_pass_done() const { return first_pass_done_; }
  bool stopping() const { return queue_.shutting_down(); }

  // The drift as of each deployment's last pass, in the `spaceport plan -o json` form.
  plan::Plan CurrentPlan() const;
  std::vector<DeploymentStatus> Statuses() const;
  // One page of Statuses(), in key order: the keys after `after` ("" = from the first), at most
  // `limit` of them (0 = all). `remaining` is set to how many keys follow the page.
  std::vector<DeploymentStatus> StatusPage(const std::string& after, size_t limit, size_t& remaining) const;
  // The valid deployments of the current desired state, by key (the ops console's fleet).
  std::vector<spec::SpaceDeployment> Deployments() const;
  std::string Revision() const;
  // Prometheus text of every metric (refreshes the gauges read at scrape time).
  std::string RenderMetrics();
  report::MetricRegistry& metrics() { return metrics_; }
  const WorkQueue& queue() const { return queue_; }
  // The Hub's and GitHub's budget schedules (GET /api/v1/budget, the spaceport_budget_* metrics).
  std::vector<BudgetReport> BudgetReports() const;

 private:
  Status LockStateDir();
  void DeclareMetrics();
  void MarkChangedSpecsUnreconciled();
  Status LoadSnapshot(bool initial);
  void Worker();
  void ProcessKey(const std::string& key);  // one pass of a key taken from the queue
  void ReconcileKey(const std::string& key);
  void ReleaseFreeMemoryWhenQuiet();
  // Feeds the pass into the budget schedules, sets BudgetLimited and requeues the key by its
  // priority; returns when it is due again.
  Clock::Duration RequeueAfterPass(const std::string& key, const spec::SpaceDeployment& deployment,
                          ReconcileOutcome& out);
  void UpdateListReserve();
  void UpdateDeploymentMetrics(const DeploymentStatus& status);
  void ClearDeploymentMetrics(const std::string& key);
  void ReportInvalidSpecs();
  void RecordEvents(const std::string& key, const ReconcileOutcome& out);
  void Log(const std::string& line) const;

  World& world_;
  std::vector<std::unique_ptr<Source>> sources_;
  ControllerOptions options_;
  Clock& clock_;
  report::Notifier* notifier_;
  WorkQueue queue_;
  StatusStore file_store_;
  StatusBackend* store_;  // file_store_, or options_.status_backend
  observe::SpaceSettingsCache settings_cache_;
  observe::ManifestCache manifest_cache_;
  observe::SpaceListCache list_cache_;
  observe::TagDigestCache tag_cache_;
  report::MetricRegistry metrics_;
  Reconciler reconciler_;
  BudgetScheduler hub_schedule_;
  BudgetScheduler github_schedule_;

  mutable std::mutex mu_;  // guards everything below
  std::map<std::string, spec::SpaceDeployment> deployments_;
  std::map<std::string, std::string> spec_hashes_;
  std::map<std::string, DeploymentStatus> statuses_;
  std::map<std::string, plan::Plan> plans_;
  std::set<std::string> never_reconciled_;
  spec::LoadResult last_load_;  // for the invalid documents of the drift report
  std::string revision_;
  std::map<std::string, std::string> invalid_reported_;
  std::string leadership_;  // key → InvalidSpec message last reported

  std::mutex reload_mu_;  // one snapshot load at a time
  std::vector<std::thread> workers_;
  std::atomic<int> busy_{0};
  // When the last worker to go idle gave the arenas' free pages back (base/memory.h); guarded by
  // release_mu_.
  std::mutex release_mu_;
  Clock::TimePoint last_release_{};
  std::atomic<bool> sources_loaded_{false};
  std::atomic<bool> first_pass_done_{false};
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  int workers_running_ = 0;
  bool stop_requested_ = false;
  int lock_fd_ = -1;  // <state_dir>/controller.lock, flock()ed while this controller runs
};

}  // namespace spaceport::runtime
