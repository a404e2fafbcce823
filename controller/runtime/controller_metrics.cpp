// The controller's metrics and Kubernetes Events: the series it declares (controller-runtime's
// names where they exist, spaceport_* for the rest; docs/metrics.md), what each pass sets, the
// counters mirrored from their owners (work queue, HTTP exchanges, notifier) at each scrape, and
// the Events a pass records. Split from controller.cpp, which keeps the work loop.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "http/exchange_stats.h"
#include "runtime/controller.h"

namespace spaceport::runtime {
namespace {

const std::vector<double> kReconcileBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                               1,     2.5,  5,     10,   15,  30,   60};

}  // namespace

void Controller::DeclareMetrics() {
  metrics_.DeclareCounter("controller_runtime_reconcile_total",
                          "Total number of reconciliations per controller and result.",
                          {"controller", "result"});
  metrics_.DeclareCounter("controller_runtime_reconcile_errors_total",
                          "Total number of reconciliation errors per controller.", {"controller"});
  metrics_.DeclareHistogram("controller_runtime_reconcile_time_seconds",
                            "Length of time per reconciliation per controller.", {"controller"},
                            kReconcileBuckets);
  metrics_.DeclareGauge("controller_runtime_max_concurrent_reconciles",
                        "Maximum number of concurrent reconciles per controller.", {"controller"});
  metrics_.DeclareGauge("controller_runtime_active_workers",
                        "Number of currently used workers per controller.", {"controller"});
  metrics_.DeclareGauge("workqueue_depth", "Current depth of workqueue.", {"name"});
  metrics_.DeclareCounter("workqueue_adds_total", "Total number of adds handled by workqueue.", {"name"});
  metrics_.DeclareCounter("workqueue_retries_total", "Total number of retries handled by workqueue.",
                          {"name"});
  metrics_.DeclareGauge("workqueue_longest_running_processor_seconds",
                        "How many seconds has the longest running processor for workqueue been running.",
                        {"name"});
  metrics_.DeclareHistogram("workqueue_work_duration_seconds",
                            "How long in seconds processing an item from workqueue takes.", {"name"},
                            kReconcileBuckets);
  metrics_.DeclareGauge("spaceport_drift",
                        "1 for each field of a Space or image that differs from the desired state.",
                        {"deployment", "space", "field"});
  metrics_.DeclareGauge("spaceport_space_stage", "1 for the runtime stage each Space is in.",
                        {"space", "stage"});
  metrics_.DeclareGauge("spaceport_deployment_ready",
                        "1 when the deployment's Ready condition is True, else 0.", {"deployment"});
  metrics_.DeclareGauge("spaceport_suspend_status", "1 when the deployment is suspended.",
                        {"deployment"});
  metrics_.DeclareCounter("spaceport_api_requests_total",
                          "HTTP exchanges with each API host, by status code (error: no response).",
                          {"host", "code"});
  metrics_.DeclareGauge("spaceport_ratelimit_remaining",
                        "Requests the host's rate limit admits now: left in the Hub's window, "
                        "tokens in a registry endpoint's bucket.",
                        {"host"});
  metrics_.DeclareCounter("spaceport_notifications_total", "Notifications by outcome.", {"result"});
  metrics_.DeclareCounter("spaceport_webhook_requests_total", "Webhook requests by receiver and code.",
                          {"receiver", "code"});
  metrics_.DeclareCounter("spaceport_registry_tag_cache_total",
                          "Tag digests answered from the shared cache (hit) or by a registry HEAD (miss).",
                          {"result"});
  metrics_.DeclareGauge("spaceport_source_ready", "1 when the desired-state sources are loaded.", {});
  metrics_.DeclareGauge("leader_election_master_status",
                        "1 while this replica leads (holds the Lease), 0 while it stands by.", {"name"});
  metrics_.DeclareGauge("spaceport_budget_stretch_ratio",
                        "Factor by which an API's budget stretches the routine resync intervals (1: as "
                        "declared).",
                        {"api"});
  metrics_.DeclareGauge("spaceport_budget_demand_requests",
                        "Routine requests per budget window the declared intervals ask for.", {"api"});
  metrics_.DeclareGauge("spaceport_budget_available_requests",
                        "Requests per budget window routine resyncs may use (after bulk observation).",
                        {"api"});
  metrics_.DeclareGauge("spaceport_budget_limited_deployments",
                        "Deployments resynced later than their interval because of the API's budget.",
                        {"api"});
  metrics_.DeclareGauge("spaceport_budget_behind_seconds",
                        "The most any deployment is past its declared interval without an observation.",
                        {"api"});
  metrics_.Set("controller_runtime_max_concurrent_reconciles", {kControllerName}, options_.concurrency);
  metrics_.Set("controller_runtime_active_workers", {kControllerName}, 0);
}

void Controller::RecordEvents(const std::string& key, const ReconcileOutcome& out) {
  if (!options_.record_event) return;
  if (out.build_started)
    options_.record_event(key, "Normal", "BuildStarted",
                          "building " + out.status.resolved_version +
                              (out.status.build_url.empty() ? "" : " (" + out.status.build_url + ")"));
  for (const report::Notification& n : out.notifications) {
    const bool warning = n.event == report::NotificationEvent::kDeployFailed ||
                         n.event == report::NotificationEvent::kDriftFound;
    static const std::map<report::NotificationEvent, std::string> kReasons = {
        {report::NotificationEvent::kDriftFound, "DriftFound"},
        {report::NotificationEvent::kDriftCorrected, "DriftCorrected"},
        {report::NotificationEvent::kDeploySucceeded, "DeploySucceeded"},
        {report::NotificationEvent::kDeployFailed, "DeployFailed"}};
    options_.record_event(key, warning ? "Warning" : "Normal", kReasons.at(n.event), n.message);
  }
}

void Controller::UpdateDeploymentMetrics(const DeploymentStatus& status) {
  metrics_.ClearGauge("spaceport_drift", "deployment", status.key);
  for (const plan::DriftItem& item : status.drift) {
    std::string target = item.target;
    if (target.rfind("space:", 0) == 0) target = target.substr(6);
    metrics_.Set("spaceport_drift", {status.key, target, item.field}, 1);
  }
  for (const SpaceStatus& s : status.spaces) {
    metrics_.ClearGauge("spaceport_space_stage", "space", s.space);
    if (!s.stage.empty()) metrics_.Set("spaceport_space_stage", {s.space, s.stage}, 1);
  }
  const Condition* ready = FindCondition(status, "Ready");
  metrics_.Set("spaceport_deployment_ready", {status.key}, ready && ready->status == "True" ? 1 : 0);
  metrics_.Set("spaceport_suspend_status", {status.key}, status.suspended ? 1 : 0);
}

void Controller::ClearDeploymentMetrics(const std::string& key) {
  metrics_.ClearGauge("spaceport_drift", "deployment", key);
  metrics_.ClearGauge("spaceport_deployment_ready", "deployment", key);
  metrics_.ClearGauge("spaceport_suspend_status", "deployment", key);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = statuses_.find(key); s != statuses_.end())
    for (const SpaceStatus& space : s->second.spaces) metrics_.ClearGauge("spaceport_space_stage", "space", space.space);
}

std::string Controller::RenderMetrics() {
  const WorkQueueStats q = queue_.stats();
  metrics_.Set("workqueue_depth", {kControllerName}, static_cast<double>(q.depth));
  metrics_.Set("workqueue_longest_running_processor_seconds", {kControllerName}, q.longest_running_seconds);
  // Counters mirrored from their owners: set to the owner's running total.
  metrics_.Add("workqueue_adds_total", {kControllerName},
               static_cast<double>(q.adds_total) - metrics_.Value("workqueue_adds_total", {kControllerName}));
  metrics_.Add("workqueue_retries_total", {kControllerName},
               static_cast<double>(q.retries_total) - metrics_.Value("workqueue_retries_total", {kControllerName}));
  for (const http::ExchangeCount& c : http::ExchangeCounts())
    metrics_.Add("spaceport_api_requests_total", {c.host, c.code},
                 static_cast<double>(c.count) - metrics_.Value("spaceport_api_requests_total", {c.host, c.code}));
  const std::pair<const char*, int64_t> tag_cache[] = {{"hit", tag_cache_.hits()}, {"miss", tag_cache_.misses()}};
  for (const auto& [result, count] : tag_cache)
    metrics_.Add("spaceport_registry_tag_cache_total", {result},
                 static_cast<double>(count) - metrics_.Value("spaceport_registry_tag_cache_total", {result}));
  if (world_.hub_budget) {
    const hub::HostBudgetStats b = world_.hub_budget->stats();
    auto url = http::Url::Parse(world_.config.hub.endpoint);
    const std::string host = url.ok() ? url->HostPort() : world_.config.hub.endpoint;
    metrics_.Set("spaceport_ratelimit_remaining", {host},
                 static_cast<double>(std::max<int64_t>(0, world_.config.hub_budget.requests_per_window - b.in_window)));
  }
  if (world_.registries) {
    for (const oci::EndpointRateLimit& limit : world_.registries->RateLimits())
      metrics_.Set("spaceport_ratelimit_remaining", {limit.host}, static_cast<double>(limit.stats.tokens_now));
  }
  for (const BudgetReport& r : BudgetReports()) {
    metrics_.Set("spaceport_budget_stretch_ratio", {r.api}, r.stretch);
    metrics_.Set("spaceport_budget_demand_requests", {r.api}, r.demand_per_window);
    metrics_.Set("spaceport_budget_available_requests", {r.api}, r.available_per_window);
    metrics_.Set("spaceport_budget_limited_deployments", {r.api}, static_cast<double>(r.limited));
    metrics_.Set("spaceport_budget_behind_seconds", {r.api}, std::max(0.0, r.max_behind_seconds));
  }
  if (notifier_ != nullptr) {
    const report::NotifierStats n = notifier_->stats();
    const std::pair<const char*, int64_t> results[] = {
        {"sent", n.sent}, {"failed", n.failed}, {"duplicate", n.duplicates}, {"dropped", n.dropped}};
    for (const auto& [result, count] : results)
      metrics_.Add("spaceport_notifications_total", {result},
                   static_cast<double>(count) - metrics_.Value("spaceport_notifications_total", {result}));
  }
  return metrics_.Render();
}

}  // namespace spaceport::runtime
