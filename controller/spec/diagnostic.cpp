#include "spec/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace spaceport::spec {

std::string Diagnostic::ToString() const {
  // Appended piece by piece: GCC 12 at -O3 raises a false -Wrestrict on `":" + to_string(n)`.
  std::string out = position.file;
  if (position.line > 0) {
    out.append(":").append(std::to_string(position.line));
    out.append(":").append(std::to_string(position.column));
  }
  out.append(": ");
  if (!field.empty()) out.append(field).append(": ");
  if (severity == Severity::kNote) out.append("note: ");
  out.append(message);
  return out;
}

void SortDiagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(
      diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.position.file, a.position.line, a.position.column, a.field, a.message) <
               std::tie(b.position.file, b.position.line, b.position.column, b.field, b.message);
      });
}

}  // namespace spaceport::spec
