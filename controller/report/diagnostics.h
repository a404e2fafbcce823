// Renderings of loader diagnostics, for `spaceport validate` and the stderr of `spaceport plan`.
//
// RenderDiagnostics prints one line per diagnostic in the order given (the loader sorts them by
// file, line, column and field), exactly as spec::Diagnostic::ToString formats it:
//   examples/app.yaml:12:7: spec.spaces[0].id: "grok2api" is not OWNER/NAME
// ValidationSummary counts documents and errors for the closing line:
//   3 documents: 2 valid, 1 invalid (4 errors)
// A document is one SpaceDeployment, valid or not; documents of other kinds (skipped with a note)
// are not counted. Errors not tied to a document (a path that does not exist) still count as
// errors, so the line never reads "all valid" while the exit code says otherwise.
//
//   const spec::LoadResult loaded = spec::LoadPaths(paths);
//   std::cout << report::RenderDiagnostics(loaded.diagnostics);
//   std::cerr << report::ValidationSummary(loaded) << '\n';
#pragma once

#include <string>
#include <vector>

#include "spec/diagnostic.h"
#include "spec/loader.h"

namespace spaceport::report {

std::string RenderDiagnostics(const std::vector<spec::Diagnostic>& diagnostics);
std::string ValidationSummary(const spec::LoadResult& loaded);

}  // namespace spaceport::report
