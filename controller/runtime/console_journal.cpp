#include "runtime/console_journal.h"

#include <algorithm>
#include <utility>

namespace spaceport::runtime {
namespace {

// The words of DescribeWrites, in pipeline order, by the action that earns them.
struct WriteWord {
  plan::ActionKind kind;
  const char* word;
};
constexpr WriteWord kWriteWords[] = {
    {plan::ActionKind::kBuildImage, "built"},          {plan::ActionKind::kPublishWrapper, "wrapped"},
    {plan::ActionKind::kCreateSpace, "created"},       {plan::ActionKind::kCommitSpaceFiles, "committed"},
    {plan::ActionKind::kSetVariables, "set variables"}, {plan::ActionKind::kSetSecrets, "set secrets"},
    {plan::ActionKind::kSetHardware, "set hardware"},  {plan::ActionKind::kSetSleepTime, "set sleep time"},
    {plan::ActionKind::kResumeSpace, "resumed"},
};

ActionRecord ToRecord(const act::ActionOutcome& o) {
  ActionRecord r;
  r.kind = plan::to_string(o.kind);
  r.target = o.target;
  r.wrote = o.wrote;
  if (o.skipped) {
    r.outcome = "skipped";
    r.detail = o.status.ok() ? "" : o.status.message();
  } else if (!o.status.ok()) {
    r.outcome = "failed";
    r.detail = o.status.message();
  } else if (o.pending) {
    r.outcome = "pending";
    r.detail = o.result;
  } else {
    r.outcome = "done";
    r.detail = o.result;
  }
  // A build started is "built" in the history even though the image comes later.
  if (o.kind == plan::ActionKind::kBuildImage && r.outcome != "failed" && !o.skipped) r.wrote = true;
  return r;
}

bool Has(const ReconcileOutcome& out, report::NotificationEvent event) {
  return std::any_of(out.notifications.begin(), out.notifications.end(),
                     [event](const report::Notification& n) { return n.event == event; });
}

const char* kErrorStages[] = {"BUILD_ERROR", "RUNTIME_ERROR"};

bool IsLogStage(const std::string& stage) {
  return std::find(std::begin(kErrorStages), std::end(kErrorStages), stage) != std::end(kErrorStages);
}

}  // namespace

std::vector<std::string> DescribeWrites(const std::vector<ActionRecord>& actions, bool corrected) {
  std::vector<std::string> words;
  if (corrected) words.push_back("corrected");
  for (const WriteWord& w : kWriteWords) {
    const bool done = std::any_of(actions.begin(), actions.end(), [&](const ActionRecord& a) {
      return a.wrote && a.outcome != "failed" && a.kind == plan::to_string(w.kind);
    });
    if (done) words.push_back(w.word);
  }
  return words;
}

ConsoleJournal::ConsoleJournal(Clock& clock, ConsoleJournalOptions options)
    : clock_(clock), options_(options) {}

void ConsoleJournal::Record(const spec::SpaceDeployment& deployment, const ReconcileOutcome& out,
                            Clock::TimePoint next_reconcile) {
  const std::string key = deployment.Key();
  const DeploymentStatus& status = out.status;
  ReconcileEntry entry;
  if (!status.history.empty()) {
    const ReconcileRecord& r = status.history.front();
    entry.time = r.time;
    entry.result = r.result;
    entry.state = r.state;
    entry.reason = r.reason;
    entry.message = r.message;
    entry.seconds = r.seconds;
    entry.writes = r.writes;
  }
  for (const act::ActionOutcome& o : out.actions) entry.actions.push_back(ToRecord(o));
  const bool corrected = Has(out, report::NotificationEvent::kDriftCorrected);
  entry.did = DescribeWrites(entry.actions, corrected);
  const Clock::TimePoint when = ParseRfc3339(entry.time).value_or(clock_.Now());

  std::lock_guard<std::mutex> lock(mu_);
  JournalEntry& e = entries_[key];
  e.reconciles.push_front(entry);
  while (e.reconciles.size() > options_.reconciles_per_deployment) e.reconciles.pop_back();
  e.next_reconcile = next_reconcile;
  e.last_pass_corrected = corrected;
  if (corrected) {
    e.corrected = status.drift;
    e.corrected_at = entry.time;
  }
  // Log tails the executor read (AwaitRunning of a Space that failed); others come from
  // SetLogTail. A Space no longer in an error stage loses its tail.
  for (const act::ActionOutcome& o : out.actions)
    if (!o.log_tail.empty() && IsLogStage(o.stage)) {
      LogTailEntry tail;
      tail.space = o.target;
      tail.stage = o.stage;
      tail.kind = o.stage == "BUILD_ERROR" ? "build" : "run";
      tail.fetched_at = entry.time;
      for (const SpaceStatus& s : status.spaces)
        if (s.space == o.target) tail.commit = s.commit;
      tail.lines.assign(o.log_tail.end() - static_cast<ptrdiff_t>(std::min(o.log_tail.size(), options_.max_log_lines)),
                        o.log_tail.end());
      e.log_tails[o.target] = std::move(tail);
    }
  for (auto it = e.log_tails.begin(); it != e.log_tails.end();) {
    const auto space = std::find_if(status.spaces.begin(), status.spaces.end(),
                                    [&](const SpaceStatus& s) { return s.space == it->first; });
    const bool keep = space != status.spaces.end() && space->stage == it->second.stage;
    it = keep ? std::next(it) : e.log_tails.erase(it);
  }

  std::string summary = entry.reason.empty() ? entry.state : entry.reason;
  if (!entry.did.empty()) {
    summary += ":";
    for (size_t i = 0; i < entry.did.size(); ++i) summary += (i == 0 ? " " : ", ") + entry.did[i];
  }
  AddEventLocked({when, "reconcile", key, entry.result, summary});
  if (out.build_started)
    AddEventLocked({when, "build", key, "", "build of " + deployment.image.repository + ":" +
                                                  status.resolved_version + " started"});
  for (const report::Notification& n : out.notifications) {
    switch (n.event) {
      case report::NotificationEvent::kDriftFound:
        AddEventLocked({when, "drift", key, "", n.message});
        break;
      case report::NotificationEvent::kDriftCorrected:
        AddEventLocked({when, "corrected", key, "", n.message});
        break;
      case report::NotificationEvent::kDeploySucceeded:
        AddEventLocked({when, "deployed", key, "", n.message});
        break;
      case report::NotificationEvent::kDeployFailed:
        AddEventLocked({when, "failed", key, "", n.reason + ": " + n.message});
        break;
    }
  }
}

void ConsoleJournal::AddEventLocked(TimelineEvent event) {
  events_.push_back(std::move(event));
  const Clock::TimePoint oldest = clock_.Now() - options_.keep;
  while (!events_.empty() && (events_.size() > options_.max_events || events_.front().time < oldest))
    events_.pop_front();
}

void ConsoleJournal::SetLogTail(const std::string& key, LogTailEntry tail) {
  if (tail.lines.size() > options_.max_log_lines)
    tail.lines.erase(tail.lines.begin(), tail.lines.end() - static_cast<ptrdiff_t>(options_.max_log_lines));
  std::lock_guard<std::mutex> lock(mu_);
  entries_[key].log_tails[tail.space] = std::move(tail);
}

void ConsoleJournal::SampleBudget(Clock::TimePoint window_start, int64_t in_window, int64_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  if (budget_.empty() || budget_.back().start != window_start) {
    budget_.push_back({window_start, in_window, limit});
  } else {
    budget_.back().used = std::max(budget_.back().used, in_window);
    budget_.back().limit = limit;
  }
  const Clock::TimePoint oldest = clock_.Now() - options_.keep;
  while (!budget_.empty() && budget_.front().start < oldest) budget_.pop_front();
}

void ConsoleJournal::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(key);
}

std::optional<JournalEntry> ConsoleJournal::Entry(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, JournalEntry> ConsoleJournal::Summaries() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, JournalEntry> out;
  for (const auto& [key, e] : entries_) {
    JournalEntry summary;
    summary.next_reconcile = e.next_reconcile;
    summary.corrected_at = e.corrected_at;
    summary.last_pass_corrected = e.last_pass_corrected;
    summary.corrected = e.corrected;
    out.emplace(key, std::move(summary));
  }
  return out;
}

std::vector<TimelineEvent> ConsoleJournal::Events(Clock::TimePoint from, const std::string& deployment) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TimelineEvent> out;
  for (const TimelineEvent& e : events_)
    if (e.time >= from && (deployment.empty() || e.deployment == deployment)) out.push_back(e);
  return out;
}

std::vector<BudgetWindow> ConsoleJournal::Budget(Clock::TimePoint from) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<BudgetWindow> out;
  for (const BudgetWindow& w : budget_)
    if (w.start >= from) out.push_back(w);
  return out;
}

}  // namespace spaceport::runtime
