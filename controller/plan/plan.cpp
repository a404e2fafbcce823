#include "plan/plan.h"

namespace spaceport::plan {

const char* to_string(ActionKind k) {
  switch (k) {
    case ActionKind::kBuildImage:
      return "BuildImage";
    case ActionKind::kAwaitBuild:
      return "AwaitBuild";
    case ActionKind::kPublishWrapper:
      return "PublishWrapper";
    case ActionKind::kCreateSpace:
      return "CreateSpace";
    case ActionKind::kCommitSpaceFiles:
      return "CommitSpaceFiles";
    case ActionKind::kSetVariables:
      return "SetVariables";
    case ActionKind::kSetSecrets:
      return "SetSecrets";
    case ActionKind::kSetHardware:
      return "SetHardware";
    case ActionKind::kSetSleepTime:
      return "SetSleepTime";
    case ActionKind::kResumeSpace:
      return "ResumeSpace";
    case ActionKind::kAwaitRunning:
      return "AwaitRunning";
  }
  return "Unknown";
}

const char* to_string(DeploymentState s) {
  switch (s) {
    case DeploymentState::kInSync:
      return "InSync";
    case DeploymentState::kProgressing:
      return "Progressing";
    case DeploymentState::kDrifted:
      return "Drifted";
    case DeploymentState::kStalled:
      return "Stalled";
    case DeploymentState::kSuspended:
      return "Suspended";
  }
  return "Unknown";
}

}  // namespace spaceport::plan
