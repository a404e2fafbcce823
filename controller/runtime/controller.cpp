#include "runtime/controller.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>

#include "base/atomic_file.h"
#include "base/memory.h"
#include "plan/planner.h"

namespace spaceport::runtime {
namespace {

WorkQueueOptions QueueOptions(const ControllerOptions& o) {
  WorkQueueOptions q;
  q.backoff = o.backoff;
  q.jitter = o.interval_jitter;
  q.priority_step = o.priority_step;
  return q;
}

BudgetCapacity HubCapacity(const World& world, const ControllerOptions& o) {
  BudgetCapacity c;
  c.api = "hub";
  c.requests_per_window = world.config.hub_budget.requests_per_window;
  c.window = std::chrono::duration_cast<Clock::Duration>(world.config.hub_budget.window);
  c.utilisation = o.budget_utilisation;
  return c;
}

BudgetCapacity GithubCapacity(const ControllerOptions& o) {
  BudgetCapacity c;
  c.api = "github";
  c.requests_per_window = o.github_requests_per_hour;
  c.window = std::chrono::hours(1);
  c.utilisation = o.budget_utilisation;
  return c;
}

// The owner part of a Space id ("acme/tools" → "acme").
std::string OwnerOf(const std::string& space) { return space.substr(0, space.find('/')); }

// A file that fails as a whole (unreadable, over the size cap, too many documents) gives no
// document at all, so its deployments would look deleted: their status gone, and a later fix
// starting from nothing. Instead each deployment the previous load had from such a file is listed
// invalid, at the file's start, so it keeps its status, is not reconciled, and the report shows
// the file's error against it.
void KeepDeploymentsOfFailedFiles(const std::map<std::string, spec::SpaceDeployment>& previous,
                                  const std::vector<spec::InvalidDocument>& previous_invalid,
                                  spec::LoadResult& loaded) {
  std::set<std::string> failed_files;
  for (const spec::Diagnostic& d : loaded.diagnostics)
    if (d.severity == spec::Severity::kError) failed_files.insert(d.position.file);
  for (const spec::SpaceDeployment& d : loaded.deployments) failed_files.erase(d.position.file);
  for (const spec::InvalidDocument& doc : loaded.invalid) failed_files.erase(doc.position.file);
  if (failed_files.empty()) return;
  auto keep = [&](const std::string& key, const std::string& name, const std::string& file) {
    if (!failed_files.count(file) || key.find('/') == std::string::npos) return;
    spec::InvalidDocument doc;
    doc.position.file = file;
    doc.position.line = 1;
    doc.position.column = 1;
    doc.name = name;
    doc.key = key;
    loaded.invalid.push_back(std::move(doc));
  };
  for (const auto& [key, d] : previous) keep(key, d.name, d.position.file);
  for (const spec::InvalidDocument& doc : previous_invalid) keep(doc.key, doc.name, doc.position.file);
}

}  // namespace

Controller::Controller(World& world, std::vector<std::unique_ptr<Source>> sources,
                       ControllerOptions options, Clock& clock, report::Notifier* notifier)
    : world_(world),
      sources_(std::move(sources)),
      options_(std::move(options)),
      clock_(clock),
      notifier_(notifier),
      queue_(clock, QueueOptions(options_)),
      file_store_(world.state_dir),
      store_(options_.status_backend != nullptr ? options_.status_backend : &file_store_),
      settings_cache_(clock, options_.settings_resync_interval),
      list_cache_(clock, options_.hub_list_max_age),
      tag_cache_(clock, options_.registry_tag_max_age),
      reconciler_(world,
                  ReconcilerOptions{options_.log, &settings_cache_, &manifest_cache_,
                                    options_.hub_list_max_age.count() > 0 ? &list_cache_ : nullptr,
                                    options_.registry_tag_max_age.count() > 0 ? &tag_cache_ : nullptr},
                  clock),
      hub_schedule_(clock, HubCapacity(world, options_)),
      github_schedule_(clock, GithubCapacity(options_)) {
  DeclareMetrics();
}

Controller::~Controller() {
  Stop();
  for (auto& s : sources_) s->Stop();
  for (std::thread& t : workers_)
    if (t.joinable()) t.join();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the state directory
}

void Controller::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

// One controller per state directory: two would each think the temporary files, build records
// and statuses are theirs. flock() is released by the kernel when the process dies, so a killed
// controller never blocks the next one.
Status Controller::LockStateDir() {
  const std::string path = world_.state_dir + "/controller.lock";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) return FailedPrecondition("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {0};
    const ssize_t n = ::pread(lock_fd_, holder, sizeof holder - 1, 0);
    std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
    while (!pid.empty() && std::isspace(static_cast<unsigned char>(pid.back()))) pid.pop_back();
    return FailedPrecondition("another spaceport run" + (pid.empty() ? "" : " (pid " + pid + ")") +
                              " uses the state directory " + world_.state_dir +
                              "; give each controller its own --state-dir");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) == 0) (void)!::pwrite(lock_fd_, pid.data(), pid.size(), 0);
  return Status::Ok();
}

Status Controller::Start() {
  if (Status s = LockStateDir(); !s.ok()) return s;
  // Writes the previous process did not finish (it was killed mid-write) left temporary files.
  if (int n = RemoveInterruptedWrites(world_.state_dir); n > 0)
    Log("removed " + std::to_string(n) + " temporary file(s) of interrupted writes from the state directory");
  for (auto& source : sources_) {
    Status s = source->Start([this] { SourcesChanged(); });
    if (!s.ok()) return Status(s.code(), source->Describe() + ": " + s.message());
  }
  // Statuses of the previous process: a restart continues from them (history, deploying marker).
  // After the sources started: in Kubernetes mode they are read from the listed objects.
  StoredStatuses stored = store_->ReadAll();
  for (const std::string& problem : stored.problems) Log("status not read: " + problem);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (DeploymentStatus& s : stored.statuses) statuses_[s.key] = std::move(s);
  }
  if (Status s = LoadSnapshot(/*initial=*/true); !s.ok()) return s;
  MarkChangedSpecsUnreconciled();
  sources_loaded_ = true;
  metrics_.Set("spaceport_source_ready", {}, 1);
  {
    std::lock_guard<std::mutex> lock(done_mu_);
    workers_running_ = options_.concurrency;
  }
  for (int i = 0; i < options_.concurrency; ++i) workers_.emplace_back([this] { Worker(); });
  return Status::Ok();
}

// A status written for another spec than the one loaded now says nothing about it: until the
// first pass, it shows Ready Unknown instead of an old True (a spec edited while no controller ran).
void Controller::MarkChangedSpecsUnreconciled() {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::TimePoint now = clock_.Now();
  for (auto& [key, status] : statuses_) {
    auto hash = spec_hashes_.find(key);
    if (hash == spec_hashes_.end() || status.spec_hash == hash->second) continue;
    SetCondition(status, {"Ready", "Unknown", "Progressing",
                          "the spec changed since this status was written; not reconciled yet", ""},
                 now);
    SetCondition(status, {"Reconciling", "True", "Progressing", "waiting for the first pass", ""}, now);
    RemoveCondition(status, "Stalled");
  }
}

void Controller::Stop() {
  queue_.ShutDown();
  std::lock_guard<std::mutex> lock(done_mu_);
  stop_requested_ = true;
  done_cv_.notify_all();  // Wait() starts counting the shutdown timeout now
}

bool Controller::Wait() {
  std::unique_lock<std::mutex> lock(done_mu_);
  // Before Stop there is no deadline; after it, shutdown_timeout of real time at most.
  done_cv_.wait(lock, [this] { return workers_running_ == 0 || stop_requested_; });
  const bool finished = done_cv_.wait_for(
      lock, std::chrono::milliseconds(options_.shutdown_timeout), [this] { return workers_running_ == 0; });
  lock.unlock();
  if (finished) {
    for (std::thread& t : workers_)
      if (t.joinable()) t.join();
  } else {
    for (std::thread& t : workers_)
      if (t.joinable()) t.detach();  // the process is about to exit; do not wait on it
  }
  return finished;
}

void Controller::SourcesChanged() {
  if (Status s = LoadSnapshot(/*initial=*/false); !s.ok()) Log("source reload failed: " + s.message());
}

Status Controller::LoadSnapshot(bool initial) {
  std::lock_guard<std::mutex> reload(reload_mu_);
  std::vector<Snapshot> parts;
  for (auto& source : sources_) {
    Result<Snapshot> snap = source->Load();
    if (!snap.ok()) {
      if (initial) return Status(snap.status().code(), source->Describe() + ": " + snap.status().message());
      return Status(snap.status().code(), source->Describe() + ": " + snap.status().message() +
                                              " (keeping the previous desired state)");
    }
    parts.push_back(std::move(*snap));
  }
  Snapshot merged = MergeSnapshots(std::move(parts));
  {
    std::lock_guard<std::mutex> lock(mu_);
    KeepDeploymentsOfFailedFiles(deployments_, last_load_.invalid, merged.loaded);
  }
  for (const spec::Diagnostic& d : merged.loaded.diagnostics)
    if (d.severity == spec::Severity::kError) Log("invalid desired state: " + d.ToString());

  std::vector<std::string> changed;
  std::vector<std::string> removed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::map<std::string, spec::SpaceDeployment> next;
    std::map<std::string, std::string> hashes;
    for (spec::SpaceDeployment& d : merged.loaded.deployments) {
      const std::string key = d.Key();
      const std::string hash = SpecHash(d);
      auto old = spec_hashes_.find(key);
      // New or changed specs are reconciled now; a restart also reconciles everything once.
      if (initial || old == spec_hashes_.end() || old->second != hash) changed.push_back(key);
      hashes[key] = hash;
      next.emplace(key, std::move(d));
    }
    for (const auto& [key, d] : deployments_)
      if (!next.count(key)) removed.push_back(key);
    // A deployment that was invalid and is now gone altogether (its file deleted) loses its
    // status like any deployment that leaves the sources.
    std::set<std::string> invalid_now;
    for (const spec::InvalidDocument& doc : merged.loaded.invalid) invalid_now.insert(doc.key);
    for (const spec::InvalidDocument& doc : last_load_.invalid)
      if (doc.key.find('/') != std::string::npos && !next.count(doc.key) &&
          !deployments_.count(doc.key) && !invalid_now.count(doc.key) &&
          std::find(removed.begin(), removed.end(), doc.key) == removed.end())
        removed.push_back(doc.key);
    // A deployment that stays invalid keeps neither queue entry nor metrics; its status file
    // stays, so fixing the file continues its history.
    deployments_ = std::move(next);
    spec_hashes_ = std::move(hashes);
    revision_ = merged.revision;
    merged.loaded.deployments.clear();
    last_load_ = std::move(merged.loaded);
    for (const std::string& key : removed) {
      plans_.erase(key);
      never_reconciled_.erase(key);
    }
    if (initial)
      for (const auto& [key, d] : deployments_) never_reconciled_.insert(key);
  }
  for (const std::string& key : removed) {
    queue_.Remove(key);
    hub_schedule_.Remove(key);
    github_schedule_.Remove(key);
    ClearDeploymentMetrics(key);
    // Only deployments that are gone from a valid source lose their status; an invalid document
    // with the same key is reported in the drift report instead.
    bool invalid_now = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const spec::InvalidDocument& doc : last_load_.invalid) invalid_now = invalid_now || doc.key == key;
      if (!invalid_now) statuses_.erase(key);
    }
    if (!invalid_now) (void)store_->Remove(key);
    Log(key + ": " + (invalid_now ? "invalid now; not reconciled until fixed" : "removed from the sources"));
  }
  // A change of desired state goes before every routine resync; the first load is routine.
  for (const std::string& key : changed) queue_.Add(key, initial ? Priority::kRoutine : Priority::kUrgent);
  UpdateListReserve();
  ReportInvalidSpecs();
  if (!initial && !changed.empty())
    Log("desired state " + revision_ + ": " + std::to_string(changed.size()) + " deployment(s) changed");
  if (initial && deployments_.empty()) {
    first_pass_done_ = true;
    if (options_.once) Stop();  // --once with nothing to reconcile is done at once
  }
  return Status::Ok();
}

void Controller::Worker() {
  while (std::optional<std::string> key = queue_.Get()) ProcessKey(*key);
  std::lock_guard<std::mutex> lock(done_mu_);
  --workers_running_;
  done_cv_.notify_all();
}

std::vector<std::string> Controller::RunReadyPasses(int limit) {
  std::vector<std::string> ran;
  while (static_cast<int>(ran.size()) < limit) {
    std::optional<std::string> key = queue_.TryGet();
    if (!key) break;
    ProcessKey(*key);
    ran.push_back(std::move(*key));
  }
  return ran;
}

void Controller::ProcessKey(const std::string& key) {
  ++busy_;
  metrics_.Set("controller_runtime_active_workers", {kControllerName}, busy_.load());
  ReconcileKey(key);
  const bool idle = --busy_ == 0;
  metrics_.Set("controller_runtime_active_workers", {kControllerName}, busy_.load());
  queue_.Done(key);
  if (idle) ReleaseFreeMemoryWhenQuiet();
}

// Passes allocate in whichever worker's arena they run; what they free stays there. Once the
// workers have all gone idle, at most every 10 s, the free pages go back to the system, so the
// resident set follows the live heap instead of the busiest moment's.
void Controller::ReleaseFreeMemoryWhenQuiet() {
  std::unique_lock<std::mutex> lock(release_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another worker is releasing
  const Clock::TimePoint now = clock_.Now();
  if (now - last_release_ < std::chrono::seconds(10)) return;
  last_release_ = now;
  ReleaseFreeMemory();
}

void Controller::ReconcileKey(const std::string& key) {
  std::optional<spec::SpaceDeployment> deployment;
  DeploymentStatus previous;
  std::string revision;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto d = deployments_.find(key);
    if (d == deployments_.end()) return;  // removed while queued
    deployment = d->second;
    if (auto s = statuses_.find(key); s != statuses_.end()) previous = s->second;
    revision = revision_;
  }

  const auto started = clock_.Steady();
  ReconcileOutcome out = reconciler_.Reconcile(*deployment, revision, previous);
  const double seconds = std::chrono::duration<double>(clock_.Steady() - started).count();
  // Whatever we wrote to a Space (a commit, hardware, variables), its settings are read again at
  // once on the next pass: a write can change them (a commit may set variables through the README).
  for (const act::ActionOutcome& o : out.actions)
    if (o.wrote && !o.skipped && o.target.find(':') == std::string::npos) settings_cache_.Invalidate(o.target);
  const Clock::Duration next_in = RequeueAfterPass(key, *deployment, out);

  if (Status s = store_->Write(out.status, *deployment); !s.ok()) Log(key + ": status not written: " + s.message());
  RecordEvents(key, out);
  metrics_.Add("controller_runtime_reconcile_total", {kControllerName, out.result});
  if (out.result == "error") metrics_.Add("controller_runtime_reconcile_errors_total", {kControllerName});
  metrics_.Observe("controller_runtime_reconcile_time_seconds", {kControllerName}, seconds);
  metrics_.Observe("workqueue_work_duration_seconds", {kControllerName}, seconds);
  UpdateDeploymentMetrics(out.status);
  if (notifier_ != nullptr)
    for (report::Notification& n : out.notifications) {
      n.time = FormatRfc3339(clock_.Now());
      notifier_->Notify(n);
    }

  bool all_done = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The deployment may have been removed while this pass ran: then its status goes too.
    if (deployments_.count(key)) {
      statuses_[key] = out.status;
      plans_[key] = std::move(out.plan);
    }
    never_reconciled_.erase(key);
    all_done = never_reconciled_.empty();
  }

  const Condition* ready = FindCondition(out.status, "Ready");
  Log(key + ": " + out.result + " in " + std::to_string(static_cast<int>(seconds * 1000)) + " ms, " +
      (ready ? "Ready=" + ready->status + " " + ready->reason + ": " + ready->message : "no condition"));

  if (options_.on_reconciled) options_.on_reconciled(*deployment, out, clock_.Now() + next_in);
  if (all_done && !first_pass_done_.exchange(true)) {
    Log("first pass done: every deployment was reconciled once");
    if (options_.once) Stop();
  }
}

// The pass's cost feeds the schedules before the key is requeued, so a fleet that just outgrew
// the budget is stretched from this pass on. Routine passes (nothing written, back after the
// interval) are the Hub demand; a GitHub build being polled is the GitHub demand.
Clock::Duration Controller::RequeueAfterPass(const std::string& key, const spec::SpaceDeployment& deployment,
                                             ReconcileOutcome& out) {
  const Clock::TimePoint now = clock_.Now();
  Clock::Duration interval = std::chrono::seconds(deployment.interval.seconds);
  if (interval.count() <= 0) interval = options_.default_interval;
  bool wrote = false;
  for (const act::ActionOutcome& o : out.actions) wrote = wrote || (o.wrote && !o.skipped);
  if (out.requeue == Requeue::kAfterInterval && !wrote)
    hub_schedule_.RecordPass(key, interval, static_cast<double>(out.hub_requests));
  hub_schedule_.Observed(key, now);
  const bool github_build = deployment.image.build && deployment.image.build->github_actions;
  if (github_build && out.requeue == Requeue::kAfterPoll) {
    // One workflow-run read per poll while a GitHub build is in flight.
    github_schedule_.SetDemand(key, options_.progress_poll, 1.0);
    github_schedule_.Observed(key, now);
  } else {
    github_schedule_.Remove(key);
  }

  // BudgetLimited: the reason and effective interval of the API that stretches this key most.
  std::string reason, message;
  const double hub_stretch = hub_schedule_.Stretch();
  const double github_stretch = github_schedule_.Stretch();
  if (github_stretch > 1.0 && github_schedule_.HasDemand(key)) {
    reason = "GithubBudget";
    message = "GitHub API budget (" + std::to_string(options_.github_requests_per_hour) +
              " requests per hour): build polled every " + FormatInterval(github_schedule_.Effective(options_.progress_poll)) +
              " instead of " + FormatInterval(options_.progress_poll);
  } else if (hub_stretch > 1.0 && hub_schedule_.HasDemand(key)) {
    const BudgetReport r = hub_schedule_.Report();
    reason = "HubBudget";
    message = "Hub budget: resynced every " + FormatInterval(hub_schedule_.Effective(interval)) + " instead of " +
              FormatInterval(interval) + " (the intervals ask for " + std::to_string(std::llround(r.demand_per_window)) +
              " requests per " + FormatInterval(hub_schedule_.capacity().window) + ", " +
              std::to_string(std::llround(r.available_per_window)) + " are available)";
  }
  SetBudgetLimited(out.status, reason, message, now);

  const Condition* ready = FindCondition(out.status, "Ready");
  const bool attention = !out.status.drift.empty() || ready == nullptr || ready->status != "True";
  switch (out.requeue) {
    case Requeue::kBackoff: {
      const auto delay = queue_.AddRateLimited(key, Priority::kAttention);
      Log(key + ": retry in " + std::to_string(delay.count()) + " ms");
      return delay;
    }
    case Requeue::kAfterPoll: {
      queue_.Forget(key);
      const Clock::Duration poll = github_build ? github_schedule_.Effective(options_.progress_poll) : options_.progress_poll;
      queue_.AddAfter(key, poll, Priority::kAttention);
      return poll;
    }
    case Requeue::kAfterInterval:
      queue_.Forget(key);
      // Stretched alike for every deployment: each keeps its share of the budget.
      return queue_.AddAfterInterval(key, hub_schedule_.Effective(interval),
                                     attention ? Priority::kAttention : Priority::kRoutine);
  }
  return interval;
}

// What bulk observation takes off the Hub's budget before resyncs: one list per owner and page
// (500 Spaces) per list interval.
void Controller::UpdateListReserve() {
  if (options_.hub_list_max_age.count() <= 0) {
    hub_schedule_.SetReserved(0);
    return;
  }
  std::map<std::string, int64_t> spaces_per_owner;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, d] : deployments_)
      for (const spec::SpaceSpec& s : d.spaces) ++spaces_per_owner[OwnerOf(s.id)];
  }
  double pages = 0;
  for (const auto& [owner, n] : spaces_per_owner) pages += static_cast<double>((n + 499) / 500);
  const double lists_per_window = std::chrono::duration<double>(hub_schedule_.capacity().window).count() /
                                  std::chrono::duration<double>(options_.hub_list_max_age).count();
  hub_schedule_.SetReserved(pages * std::max(1.0, lists_per_window));
}

// Kubernetes mode: a document that fails validation is not reconciled, but its object says why —
// Ready False and Stalled with reason InvalidSpec, the field paths in the message, and an Event —
// once per distinct message.
void Controller::ReportInvalidSpecs() {
  if (options_.status_backend == nullptr) return;
  std::vector<std::pair<DeploymentStatus, std::string>> reports;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Clock::TimePoint now = clock_.Now();
    std::set<std::string> invalid_keys;
    for (const spec::InvalidDocument& doc : last_load_.invalid) {
      if (doc.key.find('/') == std::string::npos) continue;
      invalid_keys.insert(doc.key);
      std::string message;
      for (const spec::Diagnostic& d : last_load_.diagnostics)
        if (d.severity == spec::Severity::kError && d.position.file == doc.position.file)
          message += (message.empty() ? "" : "; ") + (d.field.empty() ? "" : d.field + ": ") + d.message;
      if (message.empty()) message = "the document is not a valid SpaceDeployment";
      DeploymentStatus status;
      if (auto s = statuses_.find(doc.key); s != statuses_.end()) status = s->second;
      status.key = doc.key;
      status.source = doc.position.file;
      SetCondition(status, {"Ready", "False", "InvalidSpec", message, ""}, now);
      SetCondition(status, {"Stalled", "True", "InvalidSpec", message, ""}, now);
      RemoveCondition(status, "Reconciling");
      const bool is_new = invalid_reported_[doc.key] != message;
      invalid_reported_[doc.key] = message;
      reports.emplace_back(std::move(status), is_new ? message : "");
    }
    for (auto it = invalid_reported_.begin(); it != invalid_reported_.end();)
      it = invalid_keys.count(it->first) ? std::next(it) : invalid_reported_.erase(it);
  }
  for (const auto& [status, new_message] : reports) {
    spec::SpaceDeployment stub;  // no generation: the store takes the object's
    if (Status s = store_->Write(status, stub); !s.ok()) Log(status.key + ": status not written: " + s.message());
    if (!new_message.empty() && options_.record_event)
      options_.record_event(status.key, "Warning", "InvalidSpec", new_message);
  }
}

bool Controller::Enqueue(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (deployments_.count(key) == 0) return false;
  queue_.Add(key, Priority::kUrgent);
  return true;
}

int Controller::EnqueueImage(const std::string& repository) {
  tag_cache_.InvalidateRepository(repository);
  std::vector<std::string> keys;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, d] : deployments_)
      if (d.image.repository == repository) keys.push_back(key);
  }
  for (const std::string& key : keys) queue_.Add(key, Priority::kUrgent);
  return static_cast<int>(keys.size());
}

// Any Hub webhook about the Space reads its settings again at once, not only repo.config: a
// webhook says the Space changed, and its variables are the one thing the list cannot show.
int Controller::EnqueueSpace(const std::string& space, bool /*settings_changed*/) {
  settings_cache_.Invalidate(space);
  list_cache_.Invalidate(space);  // a Hub webhook: whatever changed, the next pass lists again
  std::vector<std::string> keys;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, d] : deployments_)
      for (const spec::SpaceSpec& s : d.spaces)
        if (s.id == space) keys.push_back(key);
  }
  for (const std::string& key : keys) queue_.Add(key, Priority::kUrgent);
  return static_cast<int>(keys.size());
}

int Controller::FetchSources(const std::string& repository_url, const std::string& ref) {
  int n = 0;
  for (auto& source : sources_)
    if (source->Matches(repository_url, ref)) {
      source->RequestFetch();
      ++n;
    }
  return n;
}

}  // namespace spaceport::runtime
