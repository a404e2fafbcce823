#include "act/builder.h"

namespace spaceport::act {

std::string_view BuildPhaseName(BuildPhase phase) {
  switch (phase) {
    case BuildPhase::kQueued:
      return "queued";
    case BuildPhase::kInProgress:
      return "in_progress";
    case BuildPhase::kSucceeded:
      return "succeeded";
    case BuildPhase::kFailed:
      return "failed";
  }
  return "failed";
}

}  // namespace spaceport::act
