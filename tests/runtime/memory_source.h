// A desired-state Source held in memory, for the controller's in-process tests: the test sets
// and erases files, then calls Controller::SourcesChanged() itself, so a reload happens exactly
// when the test says (a directory or git source would notice on its own thread, at its own time).
//
//   auto source = std::make_unique<MemorySource>();
//   MemorySource* files = source.get();           // the controller owns it; the test keeps a view
//   files->Set("demo.yaml", yaml);
//   ... controller.SourcesChanged();
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runtime/source.h"
#include "spec/loader.h"

namespace spaceport::runtime::testing {

class MemorySource final : public Source {
 public:
  void Set(const std::string& file, const std::string& text) { files_[file] = text; ++revision_; }
  void Erase(const std::string& file) { files_.erase(file); ++revision_; }
  // The next Load() fails (as a git fetch that never succeeded would).
  void FailNextLoad() { fail_next_load_ = true; }

  std::string Describe() const override { return "memory:"; }
  Result<Snapshot> Load() override {
    if (fail_next_load_) {
      fail_next_load_ = false;
      return Status(StatusCode::kUnavailable, "the source cannot be read");
    }
    // One snapshot per file, merged as the controller merges sources: a key declared in two files
    // is an error on both, as it is between two files of one directory.
    std::vector<Snapshot> parts;
    for (const auto& [file, text] : files_) parts.push_back({spec::LoadText(text, file), file});
    Snapshot merged = MergeSnapshots(std::move(parts));
    merged.revision = "memory-" + std::to_string(revision_);
    return merged;
  }
  Status Start(std::function<void()>) override { return Status::Ok(); }
  void RequestFetch() override {}
  bool Matches(const std::string&, const std::string&) const override { return false; }
  void Stop() override {}

 private:
  std::map<std::string, std::string> files_;
  int revision_ = 0;
  bool fail_next_load_ = false;
};

}  // namespace spaceport::runtime::testing
