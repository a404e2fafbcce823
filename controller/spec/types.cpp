#include "spec/types.h"

namespace spaceport::spec {

const char* to_string(DriftPolicy p) {
  switch (p) {
    case DriftPolicy::kCorrect: return "correct";
    case DriftPolicy::kWarn: return "warn";
  }
  return "correct";
}

}  // namespace spaceport::spec
