// Injected failures in GitHub's shape. The rules and their matching are the emulators' common
// FaultTable (emulators/common/fault_table.h); FaultAnswer() turns a matched rule into what GitHub
// sends: {"message": …}, with Retry-After on 429 and 503 or when the rule sets one. Injected
// answers still use rate limit.
#pragma once

#include "emulators/common/fault_table.h"
#include "http/http.h"

namespace spaceport::github_emulator {

using emulators::FaultRule;
using emulators::FaultTable;

http::Response FaultAnswer(const FaultRule& rule);

}  // namespace spaceport::github_emulator
