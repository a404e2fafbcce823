// Loading desired state: files and directories → validated, defaulted SpaceDeployments.
//
// Paths may be files or directories (walked recursively, *.yaml and *.yml, in sorted order);
// files may hold many `---`-separated documents. Documents of another apiVersion/kind are skipped
// with a note. Every error in every document is reported (never just the first), and one broken
// document never hides the valid ones: they are returned in `deployments` all the same. A Space
// claimed by two deployments is an error on both, and both are then left out.
//
// The loader is bounded against hostile input: YAML anchors/aliases are rejected (an alias bomb
// expands exponentially in any walk), nesting deeper than kMaxDepth is an error, and files over
// kMaxFileBytes are refused, and so are the documents of a file past kMaxDocumentsPerFile
// (each document costs a deployment's worth of memory, whatever its size: 100,000 two-line
// documents in one 1 MB file took 288 MiB). Documents are parsed and validated one at a time. This is the only I/O in spec/: reading the files it is handed.
#pragma once

#include <string>
#include <vector>

#include "spec/diagnostic.h"
#include "spec/types.h"

namespace spaceport::spec {

inline constexpr int kMaxDepth = 64;
inline constexpr size_t kMaxFileBytes = 8 * 1024 * 1024;
inline constexpr int kMaxDocumentsPerFile = 10000;

// A document that failed validation: enough to name it in reports.
struct InvalidDocument {
  Position position;   // document start
  std::string name;    // metadata.name when readable, else ""
  std::string key;     // namespace/name when readable, else "FILE#INDEX"
};

struct LoadResult {
  std::vector<SpaceDeployment> deployments;  // valid ones, in file then document order
  std::vector<InvalidDocument> invalid;
  std::vector<Diagnostic> diagnostics;       // errors and notes, sorted

  bool has_errors() const;
};

// Loads every path. A path that does not exist is an error diagnostic naming it.
LoadResult LoadPaths(const std::vector<std::string>& paths);

// Loads YAML text as if read from `file_name` (used by tests and by LoadPaths).
LoadResult LoadText(const std::string& text, const std::string& file_name);

}  // namespace spaceport::spec
