// DeploymentStatus: what the controller knows about one SpaceDeployment after reconciling it —
// the status subresource of design.md §2, kept in the state directory in file mode
// (runtime/status_store.h) and served at /api/v1/drift.
//
// Conditions follow kstatus: `Ready` is always present (True/False/Unknown); `Reconciling` and
// `Stalled` are present only while True. SetCondition keeps lastTransitionTime when the status
// does not change, so a condition's age means something. The last five reconciles are kept,
// newest first.
//
// The JSON form (ToJson/StatusFromJson) is documented in docs/status.md and is stable: fields
// are only added. It never holds a secret value (drift items of secrets carry fingerprints only).
//
//   DeploymentStatus s;
//   s.key = "default/tools";
//   SetCondition(s, {"Ready", "False", "ImageMissing", "ghcr.io/acme/tools:1.2.0 not found"}, now);
//   RecordReconcile(s, {...});
//   std::string text = ToJson(s).Dump(2);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "plan/plan.h"

namespace spaceport::runtime {

struct Condition {
  std::string type;     // Ready, Reconciling, Stalled, BudgetLimited
  std::string status;   // "True", "False", "Unknown"
  std::string reason;   // CamelCase: ImageMissing, Building, SpaceFailed, Drifted, Succeeded, ...
  std::string message;  // one line for people
  std::string last_transition_time;  // RFC 3339 UTC, set by SetCondition

  friend bool operator==(const Condition&, const Condition&) = default;
};

struct ReconcileRecord {
  std::string time;         // RFC 3339 UTC when it started
  std::string result;       // success, error, requeue (the controller_runtime_reconcile_total label)
  std::string state;        // plan::DeploymentState name: InSync, Progressing, Drifted, Stalled, ...
  std::string reason;       // condition reason
  std::string message;
  std::string revision;     // source revision (git sha, or dir content hash)
  double seconds = 0;
  int writes = 0;           // changes made to the world
  int actions = 0;
  int failed = 0;

  friend bool operator==(const ReconcileRecord&, const ReconcileRecord&) = default;
};

struct WrapperStatus {
  std::string platform;
  std::string tag;      // REPO:hf-PLATFORM-VERSION
  std::string digest;

  friend bool operator==(const WrapperStatus&, const WrapperStatus&) = default;
};

struct SpaceStatus {
  std::string space;            // OWNER/NAME
  std::string stage;            // RUNNING, BUILDING, ...
  std::string deployed_digest;  // the wrapper digest its Dockerfile names
  std::string commit;           // the Space repo's head sha
  std::string url;              // https://huggingface.co/spaces/OWNER/NAME (the Hub endpoint's)

  friend bool operator==(const SpaceStatus&, const SpaceStatus&) = default;
};

struct DeploymentStatus {
  std::string key;              // namespace/name
  std::string source;           // file:line it was declared at
  std::string revision;         // source revision last reconciled
  std::string spec_hash;        // hash of the spec last reconciled (file-mode observedGeneration)
  bool suspended = false;
  std::vector<Condition> conditions;
  std::string resolved_version;
  std::string resolved_digest;
  std::vector<WrapperStatus> wrappers;
  std::vector<SpaceStatus> spaces;
  std::vector<plan::DriftItem> drift;     // the drift found by the last reconcile
  std::string build_url;                  // run link of the last build started or followed
  // What is being deployed since a pass made changes ("REPO:VERSION@DIGEST"), until Ready turns
  // True (DeploySucceeded) or the deploy fails (DeployFailed); "" when nothing is in flight.
  std::string deploying;
  std::string deploying_since;  // RFC 3339: when that deploy made its first change; "" with it
  std::vector<ReconcileRecord> history;   // newest first, at most kHistoryLength
  std::string last_reconcile_time;        // RFC 3339; "" before the first

  friend bool operator==(const DeploymentStatus&, const DeploymentStatus&) = default;
};

inline constexpr size_t kHistoryLength = 5;


// Sets (adds or replaces) condition `c.type`; lastTransitionTime becomes `now` unless the status
// is unchanged, in which case the old time is kept.
void SetCondition(DeploymentStatus& s, Condition c, Clock::TimePoint now);
void RemoveCondition(DeploymentStatus& s, const std::string& type);
// `BudgetLimited` True (reason HubBudget or GithubBudget, the effective interval in the message)
// while an API's budget makes the controller resync this deployment later than its interval
// says (runtime/budget_scheduler.h); absent otherwise. Like Reconciling, present only while True.
void SetBudgetLimited(DeploymentStatus& s, const std::string& reason, const std::string& message,
                      Clock::TimePoint now);
const Condition* FindCondition(const DeploymentStatus& s, const std::string& type);

// Prepends `r` and drops the oldest beyond kHistoryLength.
void RecordReconcile(DeploymentStatus& s, ReconcileRecord r);

Json ToJson(const DeploymentStatus& s);
// kInvalidArgument naming the field when `j` is not a DeploymentStatus document.
Result<DeploymentStatus> StatusFromJson(const Json& j);

}  // namespace spaceport::runtime
