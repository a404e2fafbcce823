#include "clients/hub/hub_types.h"

namespace spaceport::hub {

bool IsTransitionalStage(std::string_view s) {
  return s == stage::kBuilding || s == stage::kAppStarting || s == stage::kRunningBuilding ||
         s == stage::kRunningAppStarting;
}

bool IsErrorStage(std::string_view s) {
  return s == stage::kBuildError || s == stage::kRuntimeError || s == stage::kConfigError ||
         s == stage::kNoAppFile;
}

bool IsServingStage(std::string_view s) {
  return s == stage::kRunning || s == stage::kRunningBuilding || s == stage::kRunningAppStarting;
}

StageClass ClassifyStage(std::string_view s) {
  if (s == stage::kRunning) return StageClass::kRunning;
  if (IsTransitionalStage(s)) return StageClass::kTransitional;
  if (IsErrorStage(s)) return StageClass::kError;
  if (s == stage::kStopped || s == stage::kPaused || s == stage::kSleeping || s == stage::kDeleting)
    return StageClass::kIdle;
  return StageClass::kUnknown;
}

std::string_view StageClassName(StageClass c) {
  switch (c) {
    case StageClass::kRunning: return "running";
    case StageClass::kTransitional: return "transitional";
    case StageClass::kError: return "error";
    case StageClass::kIdle: return "idle";
    case StageClass::kUnknown: return "unknown";
  }
  return "unknown";
}

std::vector<std::string> DefaultSpaceInfoExpand() {
  return {"sha", "runtime", "cardData", "siblings", "subdomain", "sdk", "private", "lastModified"};
}

}  // namespace spaceport::hub
