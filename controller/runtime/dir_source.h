// DirSource: desired state from a directory (or a single file) on this machine — `--source
// dir:PATH`.
//
// Load() reads PATH with spec::LoadPaths (every *.yaml / *.yml below it, hidden entries skipped)
// and names the snapshot by DirectoryRevision: "sha256:" over the sorted (relative path, NUL,
// content, NUL) of exactly those files, so the revision changes with any edit, rename or new file
// and stays the same otherwise.
//
// Start() watches PATH with inotify — every directory below it, including ones created later; a
// single file is watched through its parent directory, so editors that save by writing a temp
// file and renaming it over the original are seen. Events closer together than
// `options.debounce` are handled once: the revision is computed and `changed` is called only when
// it differs from the last one seen. A rescan every `options.rescan_interval` does the same, for
// what inotify cannot see (NFS, a full event queue); RequestFetch() rescans at once.
//
//   DirSource source("/srv/deploy", options);
//   if (Status s = source.Start([&] { controller.SourceChanged(); }); !s.ok()) die(s);
//   Result<Snapshot> snapshot = source.Load();   // snapshot->revision == "sha256:9f86…"
//   source.Stop();                               // returns within a few milliseconds
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "runtime/source.h"

namespace spaceport::runtime {

class InotifyTree;  // dir_source.cpp

// "sha256:<hex>" of the YAML files spec::LoadPaths({path}) reads; kNotFound naming `path` when
// it does not exist. Files over spec::kMaxFileBytes count by their first kMaxFileBytes + 1 bytes
// (the loader refuses them whatever follows).
Result<std::string> DirectoryRevision(const std::string& path);

class DirSource final : public Source {
 public:
  DirSource(std::string path, SourceOptions options);
  ~DirSource() override;  // Stop()
  DirSource(const DirSource&) = delete;
  DirSource& operator=(const DirSource&) = delete;

  std::string Describe() const override;  // "dir:PATH"
  Result<Snapshot> Load() override;       // kNotFound when PATH does not exist
  Status Start(std::function<void()> changed) override;
  void RequestFetch() override;  // rescan now
  bool Matches(const std::string&, const std::string&) const override { return false; }
  void Stop() override;

 private:
  void Watch();  // the background thread
  void Wake();
  // Computes the revision and calls changed_ when it differs from the last one seen.
  void CheckRevision();

  const std::string path_;
  const SourceOptions options_;
  std::function<void()> changed_;
  std::unique_ptr<InotifyTree> tree_;  // created by Start, used by the watch thread
  std::string last_revision_;          // "" while PATH is missing; touched by the watch thread only
  std::thread thread_;
  int wake_pipe_[2] = {-1, -1};  // Stop and RequestFetch write a byte; the thread polls it
  std::atomic<bool> stop_{false};
  std::atomic<bool> rescan_requested_{false};
};

}  // namespace spaceport::runtime
