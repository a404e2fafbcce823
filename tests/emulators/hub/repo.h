// The emulator's repositories: a repo is its id, visibility, an append-only list of commits
// (each a full snapshot of the files; contents are shared) and, for Spaces, the runtime,
// variables and secrets. Plain data; the Hub guards it with its lock.
//
//   Repo* repo = state.Find(RepoId{RepoType::kSpace, "alice", "demo"});
//   const Commit* c = repo->Resolve("main");     // also "HEAD", a sha, a 7+ hex prefix
//   c->files.at("Dockerfile")->size();
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "emulators/hub/git_objects.h"
#include "emulators/hub/space_runtime.h"

namespace spaceport::hub_emulator {

enum class RepoType { kModel, kDataset, kSpace };

std::string_view Plural(RepoType type);    // "models", "datasets", "spaces"
std::string_view Singular(RepoType type);  // "model", "dataset", "space"
std::optional<RepoType> RepoTypeFromPlural(std::string_view plural);
std::optional<RepoType> RepoTypeFromSingular(std::string_view singular);

struct RepoId {
  RepoType type = RepoType::kSpace;
  std::string ns;
  std::string name;

  std::string Full() const { return ns + "/" + name; }            // "alice/demo"
  std::string Key() const;                                        // "spaces/alice/demo"
  // Path prefix of file URLs: "spaces/alice/demo", "datasets/…", models "alice/demo".
  std::string FilePrefix() const;
  // "alice-demo" (lower-case, '_' and '.' become '-').
  std::string Subdomain() const;
};

struct Commit {
  std::string id;  // 40-hex
  std::string parent;
  std::string title;
  std::string description;
  std::string author;
  Clock::TimePoint date{};
  FileMap files;
};

struct Setting {  // a Space variable or secret
  std::string value;
  std::string description;  // empty: no description
  Clock::TimePoint updated{};
};

struct Repo {
  RepoId id;
  std::string object_id;  // 24-hex `_id`
  bool is_private = false;
  std::string sdk;        // as created (Spaces); the README may override it
  Clock::TimePoint created{};
  std::vector<Commit> commits;  // oldest first; never empty

  std::map<std::string, Setting> variables;
  std::map<std::string, Setting> secrets;
  SpaceRuntime runtime;

  const Commit& head() const { return commits.back(); }
  // "main" and "HEAD" are the head; otherwise a full commit id or a prefix of 7+ hex digits.
  const Commit* Resolve(std::string_view revision) const;
};

}  // namespace spaceport::hub_emulator
