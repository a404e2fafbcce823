// HubState: everything the emulated Hub knows, and the operations on it that both the Hub API
// routes and the control API (/__emulator/...) use, so an out-of-band edit in a test goes
// through exactly the code a client's request does (and restarts the Space the same way).
//
// One mutex (`mu`) guards all of it: a request handler takes it for the whole request. The
// only other thread is the BuildChecker's, whose callback takes `mu` to record an image check.
// Operations answer either a value or the Hub's error response (OrError), never throw.
//
// Implementation files: hub_state.cpp (repos, commits), space_build.cpp (what a build trigger
// does), space_settings.cpp (variables, secrets, hardware, sleep time, pause, restart).
//
//   std::lock_guard lock(state.mu);
//   Repo* space = state.Find({RepoType::kSpace, "alice", "demo"});
//   state.SetVariable(*space, "LOG_LEVEL", "info", "", now);   // restarts the Space
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "emulators/hub/build_checker.h"
#include "emulators/hub/faults.h"
#include "emulators/hub/identity.h"
#include "emulators/hub/image_probe.h"
#include "emulators/hub/options.h"
#include "emulators/hub/rate_budget.h"
#include "emulators/hub/repo.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

// A value, or the error response the Hub gives instead.
template <typename T>
using OrError = std::variant<T, http::Response>;

// Regular files above this size are refused by the commit API (the Hub wants LFS for them).
inline constexpr size_t kMaxRegularFileBytes = 10 * 1024 * 1024;

struct FileChange {
  enum class Kind { kPut, kDelete, kDeleteFolder };
  Kind kind = Kind::kPut;
  std::string path;
  std::string content;   // kPut
  std::string old_path;  // kPut: renamed from (removed in the same commit)
};

struct CommitDraft {
  std::string summary;
  std::string description;
  std::string parent_commit;  // empty: no compare-and-swap
  std::vector<FileChange> changes;
};

struct CreateRequest {
  RepoId id;
  std::string sdk;  // Spaces
  bool is_private = false;
  std::optional<std::string> hardware;
  std::optional<int64_t> sleep_time;
  std::map<std::string, Setting> variables;
  std::map<std::string, Setting> secrets;
  FileMap files;  // added to the initial commit
};

// Requests seen, for GET /__emulator/stats.
struct RequestCounts {
  int64_t total = 0;
  std::map<std::string, int64_t> by_route;  // "GET /api/spaces/{ns}/{name}/runtime"
  std::map<std::string, int64_t> by_repo;   // "spaces/alice/demo"
  Json ToJson() const;
};

class HubState {
 public:
  HubState(Options options, Clock& clock, std::unique_ptr<ImageProbe> probe);
  ~HubState();
  HubState(const HubState&) = delete;
  HubState& operator=(const HubState&) = delete;

  std::mutex mu;  // guards every member below and every Repo
  const Options options;
  Clock& clock;
  std::string base_url;
  TokenDirectory tokens;
  std::map<std::string, Repo> repos;  // by RepoId::Key()
  RateBudget budget;
  FaultTable faults;
  RequestCounts counts;

  Repo* Find(const RepoId& id);
  // 409 when it exists, 400 for a bad name, sdk or hardware.
  OrError<Repo*> Create(const CreateRequest& request, const std::string& author, Clock::TimePoint now);
  bool Delete(const RepoId& id);
  // 412 when parent_commit is not the head, 404 EntryNotFound when deleting a missing file,
  // 400 for a file over kMaxRegularFileBytes or an invalid path. A commit to a Space rebuilds it.
  OrError<const Commit*> AddCommit(Repo& repo, const CommitDraft& draft, const std::string& author,
                                   Clock::TimePoint now);

  // What a build trigger (commit, restart, setting change) does to a Space: decide from the head
  // files whether it can build, start the build and its image check. A paused Space stays
  // paused unless `even_if_paused` (restart).
  void Rebuild(Repo& space, Clock::TimePoint now, bool even_if_paused);
  void SettleAll(Clock::TimePoint now);

  // Each restarts the Space (Rebuild) as the Hub does, except deleting a key that is not there.
  void SetVariable(Repo& space, const std::string& key, const std::string& value,
                   const std::string& description, Clock::TimePoint now);
  void DeleteVariable(Repo& space, const std::string& key, Clock::TimePoint now);
  void SetSecret(Repo& space, const std::string& key, const std::string& value,
                 const std::string& description, Clock::TimePoint now);
  void DeleteSecret(Repo& space, const std::string& key, Clock::TimePoint now);
  // 400 for an unknown flavor.
  OrError<bool> RequestHardware(Repo& space, const std::string& flavor,
                                std::optional<int64_t> sleep_time, Clock::TimePoint now);
  void SetSleepTime(Repo& space, int64_t seconds) { space.runtime.SetSleepTime(seconds); }
  void Pause(Repo& space) { space.runtime.Pause(); }
  void Restart(Repo& space, bool factory, Clock::TimePoint now);

  // https://SUBDOMAIN.hf.space, or the emulator's app endpoint with Options::serve_apps.
  std::string SpaceHost(const Repo& space) const;
  // The Space's variables as the GET/POST/DELETE variables endpoints return them.
  Json VariablesJson(const Repo& space) const;
  Json SecretsJson(const Repo& space) const;  // keys and descriptions only

  // Blocks until every image check submitted so far has been recorded. Call without `mu`.
  void WaitForBuildChecks() { checker_->WaitIdle(); }

 private:
  void OnCheck(const std::string& key, int64_t build, const std::vector<ProbeResult>& results);

  int64_t next_repo_serial_ = 0;
  std::unique_ptr<ImageProbe> probe_;
  std::unique_ptr<BuildChecker> checker_;  // last: its thread stops before the rest goes
};

// The error response of an OrError, or null when it holds a value.
template <typename T>
const http::Response* ErrorOf(const OrError<T>& v) {
  return std::get_if<http::Response>(&v);
}

}  // namespace spaceport::hub_emulator
