// ConsoleJournal: what the ops console shows beyond the status documents, kept in memory by
// `spaceport run` — the last reconciles of each deployment with what each action did, when each
// deployment is due again, the log tails of Spaces in an error stage, the events of the last hours
// for the timeline (reconciles, builds, drift found and corrected, deploys), and the Hub budget
// used in each rate window.
//
// It is a display aid, not memory the controller acts on (design.md §4: decisions come from the
// world). A restarted controller starts with an empty journal; the console then shows what the
// status files say (the last five reconciles, without their actions) until new passes arrive.
// Memory is bounded: ten reconciles per deployment, events older than `keep` or beyond
// `max_events` are dropped, log tails are at most 40 lines.
//
//   ConsoleJournal journal(clock, {});
//   journal.Record(deployment, outcome, next_reconcile);   // from the controller's worker
//   journal.SampleBudget(budget->stats(), 1000, std::chrono::seconds(300));
//   std::optional<JournalEntry> e = journal.Entry("default/grok2api");
//
// Thread-safe. Pure apart from the clock: no I/O (log tails are fetched by ConsoleService).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "plan/plan.h"
#include "runtime/reconciler.h"
#include "spec/types.h"

namespace spaceport::runtime {

// One action of a pass, for people: "PublishWrapper ghcr.io/acme/app:hf-amd64-v1 done".
struct ActionRecord {
  std::string kind;     // plan::ActionKind name: BuildImage, PublishWrapper, CommitSpaceFiles, ...
  std::string target;   // image reference or Space id
  std::string outcome;  // done, failed, pending, skipped
  bool wrote = false;   // it changed something in the world
  std::string detail;   // the result (digest, commit, stage) or the error message
};

struct ReconcileEntry {
  std::string time;     // RFC 3339, when the pass started
  std::string result;   // success, error, requeue
  std::string state;    // InSync, Progressing, Drifted, Stalled, Suspended, Unknown
  std::string reason;
  std::string message;
  double seconds = 0;
  int writes = 0;
  std::vector<ActionRecord> actions;
  // What the pass did, in words: built, wrapped, created, committed, corrected, set variables,
  // set secrets, set hardware, set sleep time, resumed (empty when it changed nothing).
  std::vector<std::string> did;
};

// The last log lines of a Space in BUILD_ERROR or RUNTIME_ERROR.
struct LogTailEntry {
  std::string space;
  std::string stage;     // the error stage the tail belongs to
  std::string commit;    // the Space's head commit when it was read ("" when unknown)
  std::string kind;      // build or run
  std::string fetched_at;  // RFC 3339
  std::vector<std::string> lines;
  std::string error;     // why no tail could be read ("" when lines were read)
};

struct TimelineEvent {
  Clock::TimePoint time;
  // reconcile, build, drift (found), corrected, deployed, failed
  std::string kind;
  std::string deployment;
  std::string result;  // reconcile: success, error, requeue; others: ""
  std::string detail;  // one line for people
};

struct BudgetWindow {
  Clock::TimePoint start;
  int64_t used = 0;   // the most requests counted in the window
  int64_t limit = 0;  // requests allowed per window
};

struct JournalEntry {
  std::deque<ReconcileEntry> reconciles;  // newest first
  std::optional<Clock::TimePoint> next_reconcile;
  // The last pass that found drift corrected it: the items it corrected, and when.
  std::vector<plan::DriftItem> corrected;
  std::string corrected_at;  // RFC 3339; "" when no correction is remembered
  bool last_pass_corrected = false;
  std::map<std::string, LogTailEntry> log_tails;  // by Space id; only Spaces in an error stage
};

struct ConsoleJournalOptions {
  size_t reconciles_per_deployment = 10;
  size_t max_events = 50000;
  Clock::Duration keep = std::chrono::hours(24);
  size_t max_log_lines = 40;
};

class ConsoleJournal {
 public:
  ConsoleJournal(Clock& clock, ConsoleJournalOptions options);

  // A pass ended: its reconcile with actions, its timeline events, when the key is due again.
  void Record(const spec::SpaceDeployment& deployment, const ReconcileOutcome& outcome,
              Clock::TimePoint next_reconcile);
  // Keeps (or replaces) the log tail of a Space; Spaces of `key` not in an error stage any more
  // lose theirs through Record.
  void SetLogTail(const std::string& key, LogTailEntry tail);
  // The Hub budget as its HostBudget counts it now (called about once a second).
  void SampleBudget(Clock::TimePoint window_start, int64_t in_window, int64_t limit);
  // A deployment that left the sources.
  void Forget(const std::string& key);

  std::optional<JournalEntry> Entry(const std::string& key) const;
  // Every deployment's entry without log tails or actions (the fleet view reads many).
  std::map<std::string, JournalEntry> Summaries() const;
  // Events at or after `from`, oldest first; only those of `deployment` when it is not "".
  std::vector<TimelineEvent> Events(Clock::TimePoint from, const std::string& deployment = "") const;
  std::vector<BudgetWindow> Budget(Clock::TimePoint from) const;

 private:
  void AddEventLocked(TimelineEvent event);

  Clock& clock_;
  ConsoleJournalOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, JournalEntry> entries_;
  std::deque<TimelineEvent> events_;
  std::deque<BudgetWindow> budget_;
};

// "built", "wrapped", "committed", ... for the actions of a pass that changed the world, in the
// order of the pipeline; "corrected" leads when the pass corrected drift.
std::vector<std::string> DescribeWrites(const std::vector<ActionRecord>& actions, bool corrected);

}  // namespace spaceport::runtime
