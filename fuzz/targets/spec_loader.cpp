// Feeds: arbitrary bytes as a desired-state YAML file to spec::LoadText (document splitting,
// the YAML tree, every validator, defaults, cross-document checks).
// Checks beyond "no crash": the loader is deterministic (loading the same text twice gives the
// same deployments, invalid documents and diagnostics), every diagnostic names the file and a
// line inside the text (or 0, unknown), and a result without
// errors lists no invalid document.
#include <algorithm>
#include <string>

#include "spec/loader.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using namespace spaceport::spec;
  const std::string text(FuzzText(data, size));
  const LoadResult a = LoadText(text, "fuzz.yaml");
  const LoadResult b = LoadText(text, "fuzz.yaml");
  FUZZ_CHECK(a.deployments.size() == b.deployments.size(), "deterministic deployments");
  FUZZ_CHECK(a.invalid.size() == b.invalid.size(), "deterministic invalid documents");
  FUZZ_CHECK(a.diagnostics.size() == b.diagnostics.size(), "deterministic diagnostics");
  const long lines = 1 + std::count(text.begin(), text.end(), '\n');
  for (size_t i = 0; i < a.diagnostics.size(); ++i) {
    const Diagnostic& d = a.diagnostics[i];
    FUZZ_CHECK(d.message == b.diagnostics[i].message, "deterministic messages");
    FUZZ_CHECK(d.position.file == "fuzz.yaml", "diagnostic names the file");
    // 0 = unknown (file-level problems); otherwise 1-based and inside the text.
    FUZZ_CHECK(d.position.line >= 0 && d.position.line <= lines + 1, "diagnostic line inside the text");
    FUZZ_CHECK(d.position.column >= 0, "diagnostic column is not negative");
  }
  if (!a.has_errors()) FUZZ_CHECK(a.invalid.empty(), "no errors means no invalid document");
  return 0;
}
