// DiagnosticSink: where the validator of one document writes its findings.
//
// It knows the file name (so validators deal only in yaml::Marks and field paths) and counts
// errors, which is how the loader tells a valid document from an invalid one. It keeps the first
// kMaxDiagnostics findings and then one note saying more were left out, so a hostile document
// (100,000 unknown keys) costs a bounded report, not one line and one allocation per key.
//
//   DiagnosticSink sink("examples/app.yaml");
//   sink.Error(node.mark, "spec.spaces[0].id", "\"grok2api\" is not OWNER/NAME");
//   if (sink.error_count() == 0) keep(deployment);
#pragma once

#include <string>
#include <vector>

#include "spec/diagnostic.h"
#include "spec/yaml_tree.h"

namespace spaceport::spec {

class DiagnosticSink {
 public:
  static constexpr size_t kMaxDiagnostics = 100;

  explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

  void Error(yaml::Mark mark, std::string field, std::string message);
  void Note(yaml::Mark mark, std::string field, std::string message);

  Position At(yaml::Mark mark) const { return {file_, mark.line, mark.column}; }
  const std::string& file() const { return file_; }
  int error_count() const { return error_count_; }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  bool Full(yaml::Mark mark);  // true once kMaxDiagnostics are kept (adds the note once)

  bool truncated_ = false;
  std::string file_;
  int error_count_ = 0;
  std::vector<Diagnostic> diagnostics_;
};

// "spec.image" + "version" → "spec.image.version"; "" + "spec" → "spec".
std::string FieldPath(const std::string& parent, std::string_view key);
// "spec.spaces" + 2 → "spec.spaces[2]".
std::string ItemPath(const std::string& parent, size_t index);

}  // namespace spaceport::spec
