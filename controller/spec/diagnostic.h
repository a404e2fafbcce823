// Diagnostic: one finding about a desired-state file, printed as
//   FILE:LINE:COL: FIELD.PATH: message
// e.g. `examples/app.yaml:12:7: spec.spaces[0].id: "grok2api" is not OWNER/NAME`.
// Errors make a document invalid; notes (skipped documents of other kinds) do not.
#pragma once

#include <string>
#include <vector>

#include "spec/types.h"

namespace spaceport::spec {

enum class Severity { kError, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  Position position;
  std::string field;    // e.g. spec.spaces[0].id; empty for file-level problems
  std::string message;

  // "FILE:LINE:COL: FIELD: message" (LINE:COL omitted when unknown, "FIELD: " when empty;
  // notes carry "note: " before the message).
  std::string ToString() const;
};

// Sorted by file, line, column, then field: the order every command prints them in.
void SortDiagnostics(std::vector<Diagnostic>& diagnostics);

}  // namespace spaceport::spec
