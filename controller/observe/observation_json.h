// Observation ⇄ JSON (format documented in docs/observation.md). Pure: the CLI reads the file.
#pragma once

#include <string>

#include "base/json.h"
#include "base/status.h"
#include "observe/observation.h"

namespace spaceport::observe {

Json ObservationToJson(const Observation& o);
// Strict about types, lenient about unknown fields (ignored). Errors name the JSON path.
Result<Observation> ObservationFromJson(const Json& j);
Result<Observation> ParseObservation(const std::string& text);

}  // namespace spaceport::observe
