// Plan: what differs between desired and observed state, and what to do about it.
//
// A Plan is a value computed by plan/planner.h from a list of SpaceDeployments and an
// Observation. Drift items say what differs (deployment, target, field, desired, observed);
// actions say what to do, in dependency order:
//   BuildImage → PublishWrapper(platform) → [CreateSpace →] CommitSpaceFiles →
//   SetVariables / SetSecrets / SetHardware / SetSleepTime / ResumeSpace → AwaitRunning
// Each action lists the ids of the actions it waits for. Renderers live in report/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "observe/observation.h"

namespace spaceport::plan {

struct DriftItem {
  std::string deployment;  // namespace/name
  std::string target;      // image repository ref (REPO:TAG) or "space:OWNER/NAME"
  std::string field;       // e.g. image.tag, wrapper.env, dockerfile, variables.LOG_LEVEL
  std::string desired;
  std::string observed;    // "<absent>" when missing

  friend bool operator==(const DriftItem&, const DriftItem&) = default;
};

// What DriftItem.desired/observed say for a thing that does not exist.
using observe::kAbsent;

enum class ActionKind {
  kBuildImage,        // start a build of REPO:VERSION
  kAwaitBuild,        // a build of REPO:VERSION is in flight: follow it, start nothing
  kPublishWrapper,    // derive REPO:hf-PLATFORM-VERSION from REPO:VERSION
  kCreateSpace,       // create the docker Space (spec asked for create: true)
  kCommitSpaceFiles,  // commit Dockerfile + README.md
  kSetVariables,
  kSetSecrets,
  kSetHardware,
  kSetSleepTime,
  kResumeSpace,       // restart a PAUSED Space
  kAwaitRunning,      // wait for RUNNING (and the health check)
};

const char* to_string(ActionKind k);

struct Action {
  int id = 0;               // 1-based, unique within the plan, in execution order
  ActionKind kind{};
  std::string deployment;   // namespace/name
  std::string target;       // what it acts on: REPO:TAG or OWNER/NAME
  // Parameters, deterministic order. Values that are only known after an earlier action ran
  // (a wrapper digest) are written as "<from action N>".
  std::map<std::string, std::string> params;
  std::vector<int> depends_on;
  std::string reason;       // one line: why this action is needed

  friend bool operator==(const Action&, const Action&) = default;
};

// Outcome per deployment, named like the status condition it leads to.
enum class DeploymentState {
  kInSync,        // nothing to do
  kProgressing,   // actions planned, or the world is converging (BUILDING, a build in flight)
  kDrifted,       // drift found and driftPolicy warn: reported only
  kStalled,       // cannot progress without a human: image missing without build, Space failed
  kSuspended,     // spec.suspend: not planned
};

const char* to_string(DeploymentState s);

struct DeploymentPlan {
  std::string key;            // namespace/name
  std::string file;           // where it was declared (file:line)
  DeploymentState state = DeploymentState::kInSync;
  std::string reason;         // condition reason: ImageMissing, Building, SpaceFailed, Drifted, ...
  std::string resolved_version;  // the tag chosen (exact version or newest match of the policy)
  std::string resolved_digest;   // that tag's digest when observed
  std::vector<std::string> notes;  // human-readable remarks (policy held back a downgrade, ...)

  friend bool operator==(const DeploymentPlan&, const DeploymentPlan&) = default;
};

// A document that could not be planned because it is invalid (see spec diagnostics).
struct InvalidDeployment {
  std::string key;        // namespace/name or FILE#INDEX
  std::string position;   // FILE:LINE:COL
  std::vector<std::string> errors;  // formatted diagnostics of this document

  friend bool operator==(const InvalidDeployment&, const InvalidDeployment&) = default;
};

struct Plan {
  std::vector<DeploymentPlan> deployments;  // sorted by key
  std::vector<DriftItem> drift;             // grouped by deployment, in planning order
  std::vector<Action> actions;              // topologically ordered, ids ascending
  std::vector<InvalidDeployment> invalid;

  bool has_drift() const { return !drift.empty(); }
  // Whether carrying the plan out would change anything: an action other than waiting for a
  // build or a Space that is already on its way (AwaitBuild, AwaitRunning).
  bool has_changes() const {
    for (const Action& a : actions)
      if (a.kind != ActionKind::kAwaitBuild && a.kind != ActionKind::kAwaitRunning) return true;
    return false;
  }
  friend bool operator==(const Plan&, const Plan&) = default;
};

}  // namespace spaceport::plan
