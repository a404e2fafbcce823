#include "emulators/github/faults.h"

#include "emulators/github/github_json.h"

namespace spaceport::github_emulator {

http::Response FaultAnswer(const FaultRule& rule) {
  http::Response r = GithubError(rule.status, rule.Message());
  if (std::optional<int> seconds = rule.RetryAfterSeconds()) r.headers.Set("Retry-After", std::to_string(*seconds));
  return r;
}

}  // namespace spaceport::github_emulator
