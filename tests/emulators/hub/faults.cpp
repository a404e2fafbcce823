#include "emulators/hub/faults.h"

#include "emulators/hub/responses.h"

namespace spaceport::hub_emulator {

http::Response FaultAnswer(const FaultRule& rule) {
  http::Response r = HubError(rule.status, rule.error_code, rule.Message());
  if (std::optional<int> seconds = rule.RetryAfterSeconds()) {
    r.headers.Set("Retry-After", std::to_string(*seconds));
    if (rule.status == 429) r.headers.Set("RateLimit", "\"api\";r=0;t=" + std::to_string(*seconds));
  }
  return r;
}

}  // namespace spaceport::hub_emulator
