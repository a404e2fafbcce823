// Desired-state sources: where `spaceport run` reads SpaceDeployments from, like Flux's
// GitRepository and a plain directory.
//
//   --source dir:PATH                  a directory (or one file), searched recursively for *.yaml
//                                      and *.yml; watched with inotify, plus a periodic rescan in
//                                      case an event was missed (NFS, overflow).
//   --source git:URL[#REF][:PATH]      a Git repository, cloned and fetched with the git CLI into
//                                      <cache_dir>/git/<sha256(URL#REF:PATH)[:16]> (URL without
//                                      credentials, so a rotated token keeps the clone); REF is a branch or
//                                      tag (default: the remote's HEAD); PATH a folder inside it
//                                      (default: the whole tree). Polled every poll_interval;
//                                      RequestFetch() (a push webhook) fetches at once.
//     URL may be any URL git understands (https://, ssh://, file://, git@host:path, /local/path).
//     '#' marks the ref. Because ':' also separates PATH, the PATH separator is the first ':'
//     inside the URL's path: after scheme://host[:port], after `host:` in the user@host:path
//     form, or anywhere in a local path ("file:///srv/repo.git:deploy", "/srv/repo.git:deploy").
//     docs/sources.md has the full table.
//
// A Source produces Snapshots: the loaded deployments (spec::LoadResult, with diagnostics for
// broken documents, so one broken file never hides the others) and the revision — the commit sha
// for git, "sha256:<hex>" of the sorted (path, content) pairs for a directory. The controller
// reloads a source when Changed() fires and compares revisions, so an unchanged rescan costs no
// reconcile.
//
// Credentials in a git URL (https://user:token@host/...) are never printed: Describe() and every
// error message show the URL with its userinfo removed.
//
//   auto source = ParseSourceSpec("git:https://github.com/acme/deploy#main:spaces", options);
//   if (!source.ok()) die(source.status());
//   (*source)->Start([&] { controller.SourceChanged(); });
//   Result<Snapshot> snap = (*source)->Load();
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "spec/loader.h"

namespace spaceport::runtime {

struct Snapshot {
  spec::LoadResult loaded;
  std::string revision;  // git commit sha, or "sha256:<hex>" of a directory's YAML files
};

struct SourceOptions {
  std::string cache_dir;  // where git sources keep their clones (the state directory)
  std::chrono::milliseconds rescan_interval{std::chrono::seconds(30)};  // dir: rescan period
  std::chrono::milliseconds poll_interval{std::chrono::seconds(60)};    // git: fetch period
  std::chrono::milliseconds debounce{100};  // dir: events closer than this fire Changed once
  std::string git_binary = "git";
  std::chrono::milliseconds git_timeout{std::chrono::seconds(120)};  // git: per command
};

class Source {
 public:
  virtual ~Source() = default;
  // "dir:/srv/deploy" or "git:https://github.com/acme/deploy#main:spaces" (no credentials).
  virtual std::string Describe() const = 0;
  // Reads the current desired state. For git this is the last fetched commit (Start fetches once
  // before returning); a failed fetch keeps the previous checkout and returns its error only when
  // there has never been a good one.
  virtual Result<Snapshot> Load() = 0;
  // Starts watching/polling on a background thread; `changed` is called (from that thread) when
  // the source may have a new revision. Returns an error when the source cannot be watched or
  // the first clone fails.
  virtual Status Start(std::function<void()> changed) = 0;
  // Asks a git source to fetch now (webhook); a directory source rescans. Non-blocking.
  virtual void RequestFetch() = 0;
  // True when a push to `repository_url` (a clone URL or "OWNER/NAME") and `ref`
  // ("refs/heads/main") concerns this source. Directory sources: false.
  virtual bool Matches(const std::string& repository_url, const std::string& ref) const = 0;
  // Stops the background thread; idempotent; returns within about a second.
  virtual void Stop() = 0;
};

// Parses `dir:PATH` or `git:URL[#REF][:PATH]`. kInvalidArgument with a message naming the flag
// value (without credentials) when it is neither.
Result<std::unique_ptr<Source>> ParseSourceSpec(const std::string& spec, const SourceOptions& options);

// Loads every source and merges their deployments (diagnostics kept; a key declared by two
// sources is an error on both, like two files of one source). The revision of a merged snapshot
// is the sources' revisions joined by ",".
Snapshot MergeSnapshots(std::vector<Snapshot> parts);

}  // namespace spaceport::runtime
