// The JSON the ops console reads (docs/console.md), as pure functions of the desired state, the
// status documents and the console journal: a fleet row per deployment, the counts above the
// fleet table, a deployment's desired-vs-observed comparison, and the timeline. No I/O and no
// clock (the caller passes `now`), so every rule is table-tested (tests/runtime/console_view_test).
//
// What the console calls a deployment's state (one word, for the fleet's filter and counts):
//   Suspended    spec.suspend
//   Ready        Ready=True
//   Failed       Stalled=True: a person must fix something
//   Drifted      Ready=False for reason Drifted (driftPolicy warn: reported, left alone)
//   Progressing  anything else: on its way, retrying, or not reconciled yet
// and its drift state:
//   reported     drift was found by the last pass and not corrected (warn, or the correction failed)
//   corrected    the last pass corrected drift, or one did within the last hour and none is left
//   none         otherwise
//
// Secrets: only their names reach this JSON, with "in sync", "changed", "missing", "extra" or
// "not compared" — never a value, and not the fingerprints the status documents carry.
//
//   Json row = FleetRow(deployment, &status, &journal_entry, now);
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "runtime/console_journal.h"
#include "runtime/deployment_status.h"
#include "spec/types.h"

namespace spaceport::runtime {

// {"a": 1, "b": "x"} in the order given: JsonObject({{"a", Json(1)}, {"b", Json("x")}}).
Json JsonObject(std::initializer_list<std::pair<std::string, Json>> members);
Json ConditionsJson(const DeploymentStatus* status);

// `status` and `journal` may be null (not reconciled yet; nothing recorded by this process).
std::string ConsoleState(const spec::SpaceDeployment& d, const DeploymentStatus* status);
std::string DriftState(const DeploymentStatus* status, const JournalEntry* journal, Clock::TimePoint now);

Json FleetRow(const spec::SpaceDeployment& d, const DeploymentStatus* status, const JournalEntry* journal,
              Clock::TimePoint now);
// {"total","ready","progressing","failed","drifted","suspended"} over FleetRow values.
Json FleetCounts(const std::vector<Json>& rows);

// Per Space of the spec: stage, URL, field rows (image, stage, hardware, sleep time, variables),
// secret names with their state, and the log tail the journal holds.
Json SpaceComparisons(const spec::SpaceDeployment& d, const DeploymentStatus* status,
                      const JournalEntry* journal, Clock::TimePoint now);
// A drift item for the console: secrets say "set"/"changed"/"missing", never a fingerprint.
Json ConsoleDriftItem(const plan::DriftItem& item);
Json ReconcilesJson(const DeploymentStatus* status, const JournalEntry* journal);
Json TimelineJson(const std::vector<TimelineEvent>& events, const std::vector<BudgetWindow>& budget,
                  Clock::TimePoint from, Clock::TimePoint to, std::chrono::seconds window);

}  // namespace spaceport::runtime
