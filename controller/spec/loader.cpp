// Loading: paths → files → documents → validated deployments, then the cross-document checks.
#include "spec/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "spec/cross_document.h"
#include "spec/validate.h"
#include "spec/yaml_tree.h"

namespace spaceport::spec {
namespace {

namespace fs = std::filesystem;

Diagnostic FileError(const std::string& file, std::string message) {
  return {Severity::kError, Position{file, 0, 0}, "", std::move(message)};
}

bool IsYamlFile(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// Collects documents from every file, then runs the checks that need all of them.
class Loader {
 public:
  void AddText(std::string_view text, const std::string& file) {
    // A UTF-8 byte order mark is legal at the start of a YAML stream; yaml-cpp need not see it.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    int documents = 0;
    yaml::ForEachDocument(text, kMaxDepth, [&](yaml::Document& doc) {
      if (++documents > kMaxDocumentsPerFile) {
        diagnostics_.push_back(
            {Severity::kError, Position{file, doc.start.line, doc.start.column}, "",
             "the file holds more than " + std::to_string(kMaxDocumentsPerFile) +
                 " documents; this one and the rest are not loaded (split it into smaller files)"});
        return false;
      }
      outcomes_.push_back(ValidateDocument(doc, file));
      return true;
    });
  }

  void AddPath(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      diagnostics_.push_back(FileError(path, "no such file or directory"));
      return;
    }
    if (fs::is_directory(status)) {
      AddDirectory(path);
    } else {
      AddFile(path);
    }
  }

  LoadResult Finish() {
    CheckAcrossDocuments(outcomes_);
    LoadResult result;
    result.diagnostics = std::move(diagnostics_);
    for (DocumentOutcome& outcome : outcomes_) {
      const bool valid = outcome.sink.error_count() == 0;
      if (outcome.kind == DocumentKind::kSpaceDeployment && valid) {
        result.deployments.push_back(std::move(outcome.deployment));
      } else if (!valid) {
        const SpaceDeployment& d = outcome.deployment;
        result.invalid.push_back(
            {d.position, outcome.has_name ? d.name : "",
             outcome.has_name ? d.Key()
                              : outcome.sink.file() + "#" + std::to_string(d.document_index)});
      }
      for (Diagnostic& diagnostic : outcome.sink.diagnostics()) {
        result.diagnostics.push_back(std::move(diagnostic));
      }
    }
    SortDiagnostics(result.diagnostics);
    return result;
  }

 private:
  void AddDirectory(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& path = it->path();
      // Hidden entries (.git, .github/workflows/*.yml) are never desired state.
      if (path.filename().string().starts_with(".")) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (IsYamlFile(path) && it->is_regular_file(ec)) files.push_back(path.string());
    }
    if (ec) diagnostics_.push_back(FileError(dir, "cannot read directory: " + ec.message()));
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) AddFile(file);
  }

  void AddFile(const std::string& file) {
    // The same file named twice (a directory and a file in it) is loaded once, or every
    // deployment in it would be reported as a duplicate of itself.
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(file, ec);
    if (!ec && !loaded_.insert(canonical.string()).second) return;

    std::ifstream in(file, std::ios::binary);
    if (!in) {
      diagnostics_.push_back(FileError(file, "cannot open the file"));
      return;
    }
    // Read in blocks and stop one block past the limit, so a huge (or endless) file is refused
    // cheaply and small files cost no more than their size.
    std::string text;
    char block[64 * 1024];
    while (text.size() <= kMaxFileBytes && in.read(block, sizeof block).gcount() > 0) {
      text.append(block, static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) {
      diagnostics_.push_back(FileError(file, "cannot read the file"));
      return;
    }
    if (text.size() > kMaxFileBytes) {
      diagnostics_.push_back(FileError(file, "the file is larger than " +
                                                 std::to_string(kMaxFileBytes / (1024 * 1024)) +
                                                 " MiB; split it into smaller files"));
      return;
    }
    AddText(text, file);
  }

  std::vector<DocumentOutcome> outcomes_;
  std::vector<Diagnostic> diagnostics_;
  std::set<std::string> loaded_;
};

}  // namespace

bool LoadResult::has_errors() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

LoadResult LoadPaths(const std::vector<std::string>& paths) {
  Loader loader;
  for (const std::string& path : paths) loader.AddPath(path);
  return loader.Finish();
}

LoadResult LoadText(const std::string& text, const std::string& file) {
  Loader loader;
  loader.AddText(text, file);
  return loader.Finish();
}

}  // namespace spaceport::spec
