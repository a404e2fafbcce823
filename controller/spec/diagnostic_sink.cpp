#include "spec/diagnostic_sink.h"

namespace spaceport::spec {

void DiagnosticSink::Error(yaml::Mark mark, std::string field, std::string message) {
  ++error_count_;
  if (Full(mark)) return;
  diagnostics_.push_back({Severity::kError, At(mark), std::move(field), std::move(message)});
}

void DiagnosticSink::Note(yaml::Mark mark, std::string field, std::string message) {
  if (Full(mark)) return;
  diagnostics_.push_back({Severity::kNote, At(mark), std::move(field), std::move(message)});
}

bool DiagnosticSink::Full(yaml::Mark mark) {
  if (diagnostics_.size() < kMaxDiagnostics) return false;
  if (!truncated_) {
    truncated_ = true;
    diagnostics_.push_back({Severity::kNote, At(mark), "",
                            "more problems in this document are not shown (the first " +
                                std::to_string(kMaxDiagnostics) + " are)"});
  }
  return true;
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
