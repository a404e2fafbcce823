#include "runtime/console_service.h"

#include <algorithm>
#include <map>

#include "clients/hub/hub_client.h"
#include "runtime/console_view.h"
#include "runtime/webhooks.h"

namespace spaceport::runtime {
namespace {

constexpr size_t kLogLines = 20;
constexpr std::chrono::milliseconds kLogDeadline{3000};
// A tail that could not be read is tried again after this long, not on every pass.
constexpr auto kLogRetry = std::chrono::seconds(60);

std::string SseEvent(int64_t id, const std::string& event, const Json& data) {
  // Json::Dump() is one line, so one `data:` field carries it.
  return "id: " + std::to_string(id) + "\nevent: " + event + "\ndata: " + data.Dump() + "\n\n";
}

}  // namespace

ConsoleService::ConsoleService(Controller& controller, World& world, ConsoleOptions options, Clock& clock)
    : controller_(controller), world_(world), options_(std::move(options)), clock_(clock),
      journal_(clock, options_.journal) {}

ConsoleService::~ConsoleService() { Stop(); }

void ConsoleService::Start() {
  std::lock_guard<std::mutex> lock(tick_mu_);
  if (heartbeat_.joinable() || stopping_) return;
  heartbeat_ = std::thread([this] { Heartbeat(); });
}

void ConsoleService::Stop() {
  stopped_ = true;
  {
    std::lock_guard<std::mutex> lock(tick_mu_);
    stopping_ = true;
  }
  tick_cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  std::vector<std::shared_ptr<http::ResponseStream>> streams;
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    streams.swap(streams_);
  }
  for (auto& stream : streams) stream->Close();
}

void ConsoleService::Heartbeat() {
  std::string revision = controller_.Revision();
  auto last_keep_alive = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(tick_mu_);
  while (!stopping_) {
    tick_cv_.wait_for(lock, options_.tick, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    if (world_.hub_budget) {
      const hub::HostBudgetStats b = world_.hub_budget->stats();
      journal_.SampleBudget(b.window_start, b.in_window, world_.hub_budget->options().requests_per_window);
    }
    if (const std::string now = controller_.Revision(); now != revision) {
      revision = now;
      Json data = Json::Object();
      data.Append("revision", Json(now));
      Publish("fleet", data);
    }
    if (std::chrono::steady_clock::now() - last_keep_alive >= options_.keep_alive) {
      last_keep_alive = std::chrono::steady_clock::now();
      Broadcast(": keep-alive\n\n");
    }
    lock.lock();
  }
}

void ConsoleService::Broadcast(const std::string& bytes) {
  std::vector<std::shared_ptr<http::ResponseStream>> streams;
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    std::erase_if(streams_, [](const auto& s) { return s->closed(); });
    streams = streams_;
  }
  // Writes never block (the server buffers them), so a slow client cannot hold the others.
  for (auto& stream : streams) stream->Write(bytes);
}

void ConsoleService::Publish(const std::string& event, const Json& data) {
  int64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    id = next_event_id_++;
  }
  Broadcast(SseEvent(id, event, data));
}

std::shared_ptr<http::ResponseStream> ConsoleService::Subscribe() {
  auto stream = std::make_shared<http::ResponseStream>();
  Json hello = Json::Object();
  hello.Append("revision", Json(controller_.Revision()));
  stream->Write("retry: 2000\n\n" + SseEvent(0, "hello", hello));
  std::lock_guard<std::mutex> lock(streams_mu_);
  std::erase_if(streams_, [](const auto& s) { return s->closed(); });
  if (stopped_ || streams_.size() >= options_.max_streams) return nullptr;
  streams_.push_back(stream);
  return stream;
}

void ConsoleService::OnReconciled(const spec::SpaceDeployment& deployment, const ReconcileOutcome& outcome,
                                  Clock::TimePoint next_reconcile) {
  journal_.Record(deployment, outcome, next_reconcile);
  ReadLogTails(deployment, outcome);
  const std::optional<JournalEntry> entry = journal_.Entry(deployment.Key());
  Publish("deployment", FleetRow(deployment, &outcome.status, entry ? &*entry : nullptr, clock_.Now()));
}

void ConsoleService::ReadLogTails(const spec::SpaceDeployment& deployment, const ReconcileOutcome& outcome) {
  if (!world_.hub) return;
  const std::string key = deployment.Key();
  const std::optional<JournalEntry> entry = journal_.Entry(key);
  for (const SpaceStatus& s : outcome.status.spaces) {
    if (s.stage != "BUILD_ERROR" && s.stage != "RUNTIME_ERROR") continue;
    if (entry) {
      auto have = entry->log_tails.find(s.space);
      if (have != entry->log_tails.end() && have->second.stage == s.stage && have->second.commit == s.commit) {
        const auto fetched = ParseRfc3339(have->second.fetched_at);
        const bool failed_long_ago = !have->second.error.empty() && fetched && clock_.Now() - *fetched > kLogRetry;
        if (!failed_long_ago) continue;
      }
    }
    LogTailEntry tail;
    tail.space = s.space;
    tail.stage = s.stage;
    tail.commit = s.commit;
    tail.kind = s.stage == "BUILD_ERROR" ? "build" : "run";
    tail.fetched_at = FormatRfc3339(clock_.Now());
    Result<hub::LogTail> read = world_.hub->TailLogs(
        s.space, s.stage == "BUILD_ERROR" ? hub::LogKind::kBuild : hub::LogKind::kRun, {kLogLines, kLogDeadline});
    if (read.ok()) {
      tail.lines = read->lines;
    } else {
      tail.error = read.status().message();
    }
    journal_.SetLogTail(key, std::move(tail));
  }
}

Json ConsoleService::HubBudgetJson() const {
  if (!world_.hub_budget) return Json::Object();
  const hub::HostBudgetStats b = world_.hub_budget->stats();
  const hub::HostBudgetOptions& o = world_.hub_budget->options();
  return JsonObject({{"windowSeconds", Json(static_cast<int64_t>(o.window.count()))},
                     {"limit", Json(o.requests_per_window)},
                     {"used", Json(b.in_window)},
                     {"windowStart", Json(FormatRfc3339(b.window_start))},
                     {"pausedUntil", Json(b.paused_until ? FormatRfc3339(*b.paused_until) : "")},
                     {"rateLimited", Json(b.rate_limited)}});
}

Json ConsoleService::Info() const {
  Json info = Json::Object();
  info.Append("kind", Json("ConsoleInfo"));
  info.Append("version", Json(options_.version));
  info.Append("revision", Json(controller_.Revision()));
  info.Append("now", Json(FormatRfc3339(clock_.Now())));
  info.Append("ready", Json(controller_.sources_loaded() && controller_.first_pass_done()));
  info.Append("leadership", Json(controller_.Leadership()));
  info.Append("trigger", Json(trigger_configured()));
  info.Append("auth", Json(options_.auth.empty() ? "none" : options_.auth));
  info.Append("hub", HubBudgetJson());
  return info;
}

Json ConsoleService::Fleet() const {
  const Clock::TimePoint now = clock_.Now();
  std::map<std::string, DeploymentStatus> statuses;
  for (DeploymentStatus& s : controller_.Statuses()) statuses.emplace(s.key, std::move(s));
  const std::map<std::string, JournalEntry> journal = journal_.Summaries();
  std::vector<Json> rows;
  for (const spec::SpaceDeployment& d : controller_.Deployments()) {
    auto s = statuses.find(d.Key());
    auto j = journal.find(d.Key());
    rows.push_back(FleetRow(d, s == statuses.end() ? nullptr : &s->second, j == journal.end() ? nullptr : &j->second,
                            now));
  }
  Json fleet = Json::Object();
  fleet.Append("kind", Json("Fleet"));
  fleet.Append("revision", Json(controller_.Revision()));
  fleet.Append("now", Json(FormatRfc3339(now)));
  fleet.Append("counts", FleetCounts(rows));
  fleet.Append("hub", HubBudgetJson());
  Json items = Json::Array();
  for (Json& row : rows) items.Push(std::move(row));
  fleet.Append("items", std::move(items));
  return fleet;
}

std::optional<Json> ConsoleService::Detail(const std::string& key) const {
  std::optional<spec::SpaceDeployment> deployment;
  for (spec::SpaceDeployment& d : controller_.Deployments())
    if (d.Key() == key) deployment = std::move(d);
  if (!deployment) return std::nullopt;
  std::optional<DeploymentStatus> status;
  for (DeploymentStatus& s : controller_.Statuses())
    if (s.key == key) status = std::move(s);
  const std::optional<JournalEntry> entry = journal_.Entry(key);
  const DeploymentStatus* sp = status ? &*status : nullptr;
  const JournalEntry* jp = entry ? &*entry : nullptr;
  const Clock::TimePoint now = clock_.Now();

  Json detail = Json::Object();
  detail.Append("kind", Json("DeploymentDetail"));
  detail.Append("key", Json(key));
  detail.Append("now", Json(FormatRfc3339(now)));
  detail.Append("row", FleetRow(*deployment, sp, jp, now));
  detail.Append("source", Json(sp ? sp->source
                                   : deployment->position.file + ":" + std::to_string(deployment->position.line)));
  detail.Append("revision", Json(sp ? sp->revision : ""));
  detail.Append("interval", Json(static_cast<int64_t>(deployment->interval.seconds)));
  Json labels = Json::Object();
  for (const auto& [k, v] : deployment->labels) labels.Append(k, Json(v));
  detail.Append("labels", std::move(labels));
  Json annotations = Json::Object();
  for (const auto& [k, v] : deployment->annotations) annotations.Append(k, Json(v));
  detail.Append("annotations", std::move(annotations));
  detail.Append("conditions", ConditionsJson(sp));
  detail.Append("buildUrl", Json(sp ? sp->build_url : ""));
  detail.Append("deploying", Json(sp ? sp->deploying : ""));
  Json drift = Json::Array();
  if (sp)
    for (const plan::DriftItem& item : sp->drift) drift.Push(ConsoleDriftItem(item));
  detail.Append("drift", std::move(drift));
  detail.Append("spaces", SpaceComparisons(*deployment, sp, jp, now));
  detail.Append("reconciles", ReconcilesJson(sp, jp));
  return detail;
}

Json ConsoleService::Timeline(std::chrono::hours hours, const std::string& deployment) const {
  const Clock::TimePoint to = clock_.Now();
  const Clock::TimePoint from = to - hours;
  const std::chrono::seconds window =
      world_.hub_budget ? std::chrono::duration_cast<std::chrono::seconds>(world_.hub_budget->options().window)
                        : std::chrono::seconds(300);
  return TimelineJson(journal_.Events(from, deployment), journal_.Budget(from - window), from, to, window);
}

Status ConsoleService::Trigger(const std::string& key, const std::string& secret) {
  if (!trigger_configured()) return NotFound("\"Reconcile now\" is off: no trigger secret is configured");
  if (!ConstantTimeEquals(secret, options_.trigger_secret)) return Status(StatusCode::kUnauthenticated, "wrong trigger secret");
  std::optional<spec::SpaceDeployment> deployment;
  for (spec::SpaceDeployment& d : controller_.Deployments())
    if (d.Key() == key) deployment = std::move(d);
  if (!deployment) return NotFound("no deployment " + key);
  // "Now" means the world as it is now: its Spaces are read afresh (no cached owner listing or
  // settings), as after a Hub webhook; other deployments sharing a Space come along.
  for (const spec::SpaceSpec& s : deployment->spaces) controller_.EnqueueSpace(s.id, /*settings_changed=*/true);
  controller_.Enqueue(key);
  return Status::Ok();
}

}  // namespace spaceport::runtime
