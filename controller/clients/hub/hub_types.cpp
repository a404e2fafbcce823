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

std::vector<std::string> DefaultSpaceInfoExpand() {
  return {"sha", "runtime", "cardData", "siblings", "subdomain", "sdk", "private", "lastModified"};
}

}  // namespace spaceport::hub
