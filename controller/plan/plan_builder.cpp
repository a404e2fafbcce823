#include "plan/plan_builder.h"

#include <utility>

#include "plan/action_ref.h"

namespace spaceport::plan {
namespace {

// The condition reason an action leads to while it is pending.
const char* ProgressReason(ActionKind kind) {
  switch (kind) {
    case ActionKind::kBuildImage:
    case ActionKind::kAwaitBuild:
      return "Building";
    case ActionKind::kPublishWrapper:
      return "WrapperPublishing";
    case ActionKind::kAwaitRunning:
      return "SpaceBuilding";
    case ActionKind::kCreateSpace:
    case ActionKind::kCommitSpaceFiles:
    case ActionKind::kSetVariables:
    case ActionKind::kSetSecrets:
    case ActionKind::kSetHardware:
    case ActionKind::kSetSleepTime:
    case ActionKind::kResumeSpace:
      return "SpaceUpdating";
  }
  return "SpaceUpdating";
}

}  // namespace

DeploymentBuilder::DeploymentBuilder(const spec::SpaceDeployment& deployment, const Plan& plan)
    : record_actions_(deployment.drift_policy == spec::DriftPolicy::kCorrect),
      next_id_(static_cast<int>(plan.actions.size()) + 1) {
  result_.key = deployment.Key();
  result_.file = deployment.position.file + ":" + std::to_string(deployment.position.line);
}

int DeploymentBuilder::AddAction(ActionKind kind, std::string target, Params params,
                                 std::vector<int> depends_on, std::string reason) {
  Action a;
  a.id = next_id_++;
  a.kind = kind;
  a.deployment = result_.key;
  a.target = std::move(target);
  a.params = std::move(params);
  for (int id : depends_on)
    if (id != 0) a.depends_on.push_back(id);
  a.reason = std::move(reason);
  actions_.push_back(std::move(a));
  return actions_.back().id;
}

std::string DeploymentBuilder::FutureValue(int id) const {
  if (!record_actions_) return "<not published>";
  return ActionRef(id);
}

void DeploymentBuilder::AddDrift(std::string target, std::string field, std::string desired,
                                 std::string observed) {
  drift_.push_back(
      {result_.key, std::move(target), std::move(field), std::move(desired), std::move(observed)});
}

void DeploymentBuilder::Stall(std::string reason) {
  if (stall_reason_.empty()) stall_reason_ = std::move(reason);
}

void DeploymentBuilder::SetResolved(std::string version, std::string digest) {
  result_.resolved_version = std::move(version);
  result_.resolved_digest = std::move(digest);
}

void DeploymentBuilder::Suspend() { suspended_ = true; }

// Precedence: Suspended > Stalled > Progressing > Drifted > InSync. Under warn no action will run,
// so drift outranks the world's own progress (a Space that is BUILDING by itself).
void DeploymentBuilder::Finish(Plan& plan) {
  DeploymentPlan& r = result_;
  if (suspended_) {
    r.state = DeploymentState::kSuspended;
    r.reason = "Suspended";
  } else if (!stall_reason_.empty()) {
    r.state = DeploymentState::kStalled;
    r.reason = stall_reason_;
  } else if (!record_actions_ && !drift_.empty()) {
    r.state = DeploymentState::kDrifted;
    r.reason = "Drifted";
  } else if (!actions_.empty()) {
    r.state = DeploymentState::kProgressing;
    r.reason = ProgressReason(actions_.front().kind);
  } else if (!drift_.empty()) {
    r.state = DeploymentState::kDrifted;
    r.reason = "Drifted";
  } else {
    r.state = DeploymentState::kInSync;
    r.reason = "Succeeded";
  }
  plan.deployments.push_back(std::move(result_));
  for (auto& d : drift_) plan.drift.push_back(std::move(d));
  if (record_actions_)
    for (auto& a : actions_) plan.actions.push_back(std::move(a));
}

}  // namespace spaceport::plan
