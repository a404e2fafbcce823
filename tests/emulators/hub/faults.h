// Injected failures in the Hub's shape. The rules and their matching are the emulators' common
// FaultTable (emulators/common/fault_table.h); FaultAnswer() turns a matched rule into what the
// Hub sends: a JSON error with X-Error-Code / X-Error-Message, Retry-After on 429 and 503
// (default 1 s), and on 429 the RateLimit header with r=0, so clients' retry paths see what the
// Hub sends.
#pragma once

#include "emulators/common/fault_table.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

using emulators::FaultRule;
using emulators::FaultTable;

http::Response FaultAnswer(const FaultRule& rule);

}  // namespace spaceport::hub_emulator
