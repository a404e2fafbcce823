#include <algorithm>

#include "report/diagnostics.h"

namespace spaceport::report {
namespace {

std::string Count(size_t n, const char* one, const char* many) {
  return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

}  // namespace

std::string RenderDiagnostics(const std::vector<spec::Diagnostic>& diagnostics) {
  std::string out;
  for (const spec::Diagnostic& d : diagnostics) out += d.ToString() + '\n';
  return out;
}

std::string ValidationSummary(const spec::LoadResult& loaded) {
  const size_t valid = loaded.deployments.size();
  const size_t invalid = loaded.invalid.size();
  const size_t errors = static_cast<size_t>(std::count_if(
      loaded.diagnostics.begin(), loaded.diagnostics.end(),
      [](const spec::Diagnostic& d) { return d.severity == spec::Severity::kError; }));
  std::string line = Count(valid + invalid, "document", "documents") + ": " +
                     std::to_string(valid) + " valid, " + std::to_string(invalid) + " invalid";
  if (errors > 0) line += " (" + Count(errors, "error", "errors") + ")";
  return line;
}

}  // namespace spaceport::report
