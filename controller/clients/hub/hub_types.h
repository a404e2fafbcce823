// Plain values the Hub client returns and takes: who the token belongs to, a Space's info and
// runtime, its variables and secrets, files, commits, and log tails.
//
// Everything the Hub may omit is optional or empty here, because it does omit things: a static
// Space has no hardware, a never-sleeping one no gcTimeout, a fresh one no current hardware, and
// `expand` returns only what was asked for. Stage is an open string (the Hub adds stages; the
// official Python enum already lacks SLEEPING); the helpers below classify the ones we know and
// treat any other as "not running, not known to be in progress".
//
//   hub::SpaceRuntime rt = ...;
//   if (hub::IsTransitionalStage(rt.stage)) poll_again();
//   else if (hub::IsErrorStage(rt.stage)) report(rt.error_message.value_or(rt.stage));
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"

namespace spaceport::hub {

// --- identity (GET /api/whoami-v2) ---

struct Identity {
  std::string name;       // "alice"
  std::string type;       // "user" or "org"
  std::string fullname;
  std::vector<std::string> orgs;  // names of the organisations the user belongs to
  std::string auth_type;          // "access_token", "oauth", or "" when absent
  std::string token_name;         // auth.accessToken.displayName
  std::string token_role;         // auth.accessToken.role: "read", "write", "fineGrained"...
};

// --- runtime (GET /api/spaces/{id}/runtime, and runtime inside Space info) ---

namespace stage {
inline constexpr std::string_view kNoAppFile = "NO_APP_FILE";
inline constexpr std::string_view kConfigError = "CONFIG_ERROR";
inline constexpr std::string_view kBuilding = "BUILDING";
inline constexpr std::string_view kBuildError = "BUILD_ERROR";
inline constexpr std::string_view kAppStarting = "APP_STARTING";
inline constexpr std::string_view kRunning = "RUNNING";
inline constexpr std::string_view kRunningBuilding = "RUNNING_BUILDING";
inline constexpr std::string_view kRunningAppStarting = "RUNNING_APP_STARTING";
inline constexpr std::string_view kRuntimeError = "RUNTIME_ERROR";
inline constexpr std::string_view kDeleting = "DELETING";
inline constexpr std::string_view kStopped = "STOPPED";
inline constexpr std::string_view kPaused = "PAUSED";
inline constexpr std::string_view kSleeping = "SLEEPING";
}  // namespace stage

// BUILDING, APP_STARTING, RUNNING_BUILDING, RUNNING_APP_STARTING: wait and look again.
bool IsTransitionalStage(std::string_view stage);
// BUILD_ERROR, RUNTIME_ERROR, CONFIG_ERROR, NO_APP_FILE: it will not run without a change.
bool IsErrorStage(std::string_view stage);
// RUNNING, RUNNING_BUILDING, RUNNING_APP_STARTING: an app is serving.
bool IsServingStage(std::string_view stage);

// What a stage means, as one value: the Hub adds stages over time, and a stage Spaceport does not
// know (or an empty or missing one) is kUnknown — never taken for running, never for an error;
// callers wait on it like a transitional stage, within their deadline, and say it is unknown.
enum class StageClass {
  kRunning,       // RUNNING: the app is up and nothing is on its way
  kTransitional,  // BUILDING, APP_STARTING, RUNNING_BUILDING, RUNNING_APP_STARTING
  kError,         // BUILD_ERROR, RUNTIME_ERROR, CONFIG_ERROR, NO_APP_FILE
  kIdle,          // STOPPED, PAUSED, SLEEPING, DELETING: not serving, and no change coming
  kUnknown,       // anything else
};
StageClass ClassifyStage(std::string_view stage);
std::string_view StageClassName(StageClass c);  // "running", "transitional", …, "unknown"

struct SpaceDomain {
  std::string domain;  // "alice-demo.hf.space"
  std::string stage;   // "READY", "PENDING"
  bool is_custom = false;
};

struct SpaceRuntime {
  std::string stage;  // open set; "" only when the Hub sent none
  std::optional<std::string> hardware_current;    // null while building, paused, or static
  std::optional<std::string> hardware_requested;
  // Sleep time in seconds (gcTimeout); nullopt when absent or null (never sleeps, or unknown).
  std::optional<int64_t> sleep_time_seconds;
  std::optional<std::string> error_message;
  std::vector<SpaceDomain> domains;
  std::optional<std::string> sha;  // commit being served, when the Hub says
  std::optional<bool> dev_mode;
  std::optional<int64_t> replicas_current;
  std::optional<int64_t> replicas_requested;  // nullopt also for "auto"
  Json raw;  // the whole object as received, for fields not modelled here
};

// --- Space info (GET /api/spaces/{id}[/revision/{rev}]?expand=...) ---

struct SpaceSibling {
  std::string path;  // rfilename
  std::optional<int64_t> size;  // with blobs=true only
};

struct SpaceInfo {
  std::string id;  // "alice/demo" (as the Hub spells it)
  std::optional<std::string> sha;  // head commit of the requested revision
  std::optional<std::string> sdk;
  std::optional<bool> is_private;
  std::optional<std::string> last_modified;  // ISO-8601 as sent
  std::optional<std::string> subdomain;      // "alice-demo"
  std::optional<std::string> host;           // "https://alice-demo.hf.space"
  std::optional<SpaceRuntime> runtime;
  Json card_data;  // README front matter as parsed by the Hub; null when absent
  std::optional<std::vector<SpaceSibling>> siblings;  // nullopt when not returned
  Json raw;
};

// The expand fields an observer needs in one request: head sha, runtime, card, files, URL.
std::vector<std::string> DefaultSpaceInfoExpand();

// --- variables and secrets ---

struct SpaceVariable {
  std::string value;
  std::optional<std::string> description;
  std::optional<std::string> updated_at;
};
using SpaceVariables = std::map<std::string, SpaceVariable>;

// Secrets are write-only: the Hub lists keys with their description, never values.
struct SpaceSecretInfo {
  std::optional<std::string> description;
  std::optional<std::string> updated_at;
};
using SpaceSecrets = std::map<std::string, SpaceSecretInfo>;

// --- files and commits ---

struct DownloadedFile {
  std::string content;
  std::string commit;  // X-Repo-Commit: the commit the revision resolved to
  std::string etag;    // unquoted, without W/: git blob sha1 (or sha256 of an LFS file)
};

struct CommitFile {
  std::string path{};     // repo-relative, '/'-separated
  std::string content{};  // bytes
};

struct CommitRequest {
  std::string summary{};      // required: the commit title
  std::string description{};  // optional body
  // The commit this change was computed against (the observed sha). When set, the Hub refuses
  // the commit if the branch moved, and Commit returns kConflict. Empty: no check.
  std::string parent_commit{};
  std::vector<CommitFile> files{};
  std::vector<std::string> deletions{};  // paths of files to delete
  std::string revision = "main";        // branch to commit to
};

struct CommitResult {
  std::string commit_id;   // 40-hex commitOid
  std::string commit_url;
  std::vector<std::string> ignored_paths;  // files the Hub's preupload said to ignore
};

// --- Space lifecycle and settings ---

struct CreateSpaceRequest {
  std::string id{};  // "ns/name"
  std::string sdk = "docker";
  bool is_private = false;
  std::optional<std::string> hardware{};  // flavor; the Hub may ignore it (see README)
  std::optional<int64_t> sleep_time_seconds{};
};

struct CreatedSpace {
  std::string id;
  std::string url;
  bool already_existed = false;  // the Hub answered 409 "already created"
};

struct HardwareRequest {
  std::string flavor{};  // "cpu-basic", "t4-small", ... (an open set)
  std::optional<int64_t> sleep_time_seconds{};
};

// --- logs ---

enum class LogKind { kBuild, kRun };

struct LogTailOptions {
  size_t max_lines = 50;  // the last this many lines are kept
  // Upper bound for the whole read: the Hub keeps a log stream open, so the tail is what
  // arrived by then.
  std::chrono::milliseconds deadline{5000};
};

struct LogTail {
  std::vector<std::string> lines;  // oldest first, without trailing newlines
  bool truncated = false;          // more lines arrived than were kept
};

}  // namespace spaceport::hub
