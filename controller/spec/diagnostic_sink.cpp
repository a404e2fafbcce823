#include "spec/diagnostic_sink.h"

namespace spaceport::spec {

void DiagnosticSink::Error(yaml::Mark mark, std::string field, std::string message) {
  diagnostics_.push_back({Severity::kError, At(mark), std::move(field), std::move(message)});
  ++error_count_;
}

void DiagnosticSink::Note(yaml::Mark mark, std::string field, std::string message) {
  diagnostics_.push_back({Severity::kNote, At(mark), std::move(field), std::move(message)});
}

std::string FieldPath(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path;
  path.reserve(parent.size() + 1 + key.size());
  path += parent;
  path += '.';
  path += key;
  return path;
}

std::string ItemPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

}  // namespace spaceport::spec
