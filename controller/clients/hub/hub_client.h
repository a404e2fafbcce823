// HubClient: the Hugging Face Hub API for managing Docker Spaces, over controller/http.
//
// Each method is one Hub operation returning plain values (hub_types.h) or a Status whose code
// follows hub_error.h (401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 409/412
// kConflict, 429 kResourceExhausted, 5xx kUnavailable) and whose message names the operation and
// the Space — never the token. ConditionReasonFor(status) gives the condition reason.
//
// What it does for every call:
//  - sends `Authorization: Bearer <token>` to the Hub's origin only (http::Client drops it when a
//    download redirects to another host), or nothing when the config has no token;
//  - charges every request on the wire to the shared HostBudget (budgeted_transport.h): a 429
//    pauses the host for every caller until its Retry-After / RateLimit reset, and is not
//    retried by http::Client; 5xx are retried there (GET/DELETE; POST only on 503);
//  - counts calls per operation (request_counts()) for the request-count figures of a reconcile.
//
// Request shapes follow shared/reference/hf-hub-api.md; the API paths use the plural segment
// /api/spaces/{ns}/{name}/... with the slash of the id unencoded.
//
//   auto config = hub::ConfigFromEnvironment(hub::ProcessEnvironment());
//   auto budget = std::make_shared<hub::HostBudget>(clock);          // one per Hub host
//   auto client = hub::HubClient::Create(*config, clock, budget);
//   auto info = (*client)->GetSpaceInfo("alice/demo");               // sha, runtime, card, files
//   if (!info.ok()) return info.status();          // hub::ConditionReasonFor: SpaceMissing…
//   hub::CommitRequest commit{.summary = "Deploy v1.0.0 (sha256:ab12…)",
//                             .parent_commit = *info->sha,
//                             .files = {{"Dockerfile", dockerfile}, {"README.md", readme}}};
//   auto done = (*client)->Commit("alice/demo", commit);   // kConflict: observe again
//
// Thread-safe: one client may serve many workers.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "clients/hub/budgeted_transport.h"
#include "clients/hub/host_budget.h"
#include "clients/hub/hub_config.h"
#include "clients/hub/hub_types.h"
#include "http/http.h"

namespace spaceport::hub {

struct HubClientOptions {
  // Redirects and 5xx retries. insecure_origins is filled in from the HubConfig.
  http::ClientOptions http;
  std::chrono::milliseconds request_timeout{30000};
  size_t preupload_batch = 100;  // files per preupload call (the JS client's chunk size)
  std::string user_agent = "spaceport";
};

// Calls made through one client, by operation ("space info", "commit", ...). A call is one
// logical request; HostBudget::stats() counts what went on the wire (retries included).
struct RequestCounts {
  int64_t total = 0;
  std::map<std::string, int64_t> by_operation;
};

class HubClient {
 public:
  // Sends through `transport` (not owned; it must outlive the client). A null budget gets a
  // private HostBudget with default options; pass a shared one so every client of the host
  // pauses together.
  static Result<std::unique_ptr<HubClient>> Create(HubConfig config, http::Transport& transport,
                                                   Clock& clock,
                                                   std::shared_ptr<HostBudget> budget = nullptr,
                                                   HubClientOptions options = {});
  // Owns a cpprestsdk transport (system trust store).
  static Result<std::unique_ptr<HubClient>> Create(HubConfig config, Clock& clock,
                                                   std::shared_ptr<HostBudget> budget = nullptr,
                                                   HubClientOptions options = {});
  ~HubClient();
  HubClient(const HubClient&) = delete;
  HubClient& operator=(const HubClient&) = delete;

  const HubConfig& config() const { return config_; }
  const std::string& endpoint() const { return config_.endpoint; }

  // --- identity ---
  // GET /api/whoami-v2. The Hub rate-limits this endpoint hard: call it once, at start-up.
  Result<Identity> WhoAmI();

  // --- reading a Space ---
  // GET /api/spaces/{id}[/revision/{rev}]?expand=…; `expand` empty = the full default answer.
  // kNotFound (SpaceMissing) when the Space does not exist or is not visible to the token.
  Result<SpaceInfo> GetSpaceInfo(std::string_view space_id,
                                 const std::vector<std::string>& expand = DefaultSpaceInfoExpand(),
                                 std::string_view revision = "");
  // GET /api/spaces?author=OWNER&limit=500&expand=… following Link rel="next" (space_list.cpp):
  // every Space of `owner` the token can see (private ones only for the owner's members), in one
  // request per 500. The cheap way to observe a fleet: sha, runtime and cardData of each at once.
  Result<std::vector<SpaceInfo>> ListSpaces(std::string_view owner,
                                            const std::vector<std::string>& expand = DefaultSpaceInfoExpand());
  // GET /api/spaces/{id}/runtime.
  Result<SpaceRuntime> GetSpaceRuntime(std::string_view space_id);
  // GET /spaces/{id}/resolve/{revision}/{path}. nullopt when the file does not exist at that
  // revision (404 EntryNotFound); kNotFound when the Space or the revision does not.
  Result<std::optional<DownloadedFile>> DownloadFile(std::string_view space_id,
                                                     std::string_view revision,
                                                     std::string_view path);

  // --- writing files ---
  // Preupload (must every file go inline? yes, or kUnimplemented: Spaceport does not upload
  // LFS), then POST /api/spaces/{id}/commit/{revision} as NDJSON (commit_body.h). With
  // parent_commit set, a Hub answer of 409/412 becomes kConflict ("the Space changed since it
  // was observed; observe again"). Returns the new commit id.
  Result<CommitResult> Commit(std::string_view space_id, const CommitRequest& request);

  // --- variables (readable) and secrets (write-only) ---
  Result<SpaceVariables> GetVariables(std::string_view space_id);
  // Upsert; returns every variable after the change. Restarts the Space.
  Result<SpaceVariables> SetVariable(std::string_view space_id, std::string_view key,
                                     std::string_view value,
                                     std::optional<std::string> description = std::nullopt);
  // Returns every variable after the change; deleting a missing key is not an error.
  Result<SpaceVariables> DeleteVariable(std::string_view space_id, std::string_view key);
  // GET /api/spaces/{id}/secrets: keys with description and update time, never values.
  Result<SpaceSecrets> GetSecrets(std::string_view space_id);
  // Upsert. Restarts the Space. The value appears in no message.
  Status SetSecret(std::string_view space_id, std::string_view key, std::string_view value,
                   std::optional<std::string> description = std::nullopt);
  Status DeleteSecret(std::string_view space_id, std::string_view key);

  // --- runtime settings (each returns the runtime the Hub answers with) ---
  Result<SpaceRuntime> RequestHardware(std::string_view space_id, const HardwareRequest& request);
  // -1 = never sleep.
  Result<SpaceRuntime> SetSleepTime(std::string_view space_id, int64_t seconds);
  Result<SpaceRuntime> Pause(std::string_view space_id);
  // factory = rebuild without the build cache.
  Result<SpaceRuntime> Restart(std::string_view space_id, bool factory = false);

  // --- lifecycle ---
  // POST /api/repos/create (type space). A 409 "already created" is success with
  // already_existed = true; a 409 "conflicting operation in progress" is kUnavailable.
  Result<CreatedSpace> CreateSpace(const CreateSpaceRequest& request);

  // --- logs ---
  // GET /api/spaces/{id}/logs/{build|run}?tail=N (server-sent events): the last
  // options.max_lines lines that arrived within options.deadline.
  Result<LogTail> TailLogs(std::string_view space_id, LogKind kind, LogTailOptions options = {});

  // --- accounting ---
  RequestCounts request_counts() const;
  // Requests that went on the wire (each hop and retry, CDN hops included).
  int64_t requests_sent() const;
  // Of them, those the calling thread sent (a pass's own cost; http::Client).
  int64_t requests_sent_by_this_thread() const;
  HostBudget& budget() const { return *budget_; }

 private:
  HubClient(HubConfig config, std::unique_ptr<http::Transport> owned, http::Transport& transport,
            Clock& clock, std::shared_ptr<HostBudget> budget, HubClientOptions options);

  struct SendOptions {
    bool follow_redirects = true;
    bool authenticate = true;  // attach the token (only ever for the Hub's own origin)
    bool count = true;         // a new logical call, for request_counts()
  };
  // Adds auth and defaults, counts the call, and sends. Failures to get any response become
  // Statuses naming `what`; a response of any status is returned as is.
  Result<http::Response> Send(http::Request request, std::string_view operation,
                              std::string_view what, SendOptions send);
  Result<http::Response> Send(http::Request request, std::string_view operation,
                              std::string_view what) {
    return Send(std::move(request), operation, what, SendOptions{});
  }
  Result<http::Response> SendJson(std::string method, std::string url, const std::string& body,
                                  std::string_view operation, std::string_view what);
  // The Status for a non-2xx answer, with a token hint on 401/403.
  Status Fail(const http::Response& response, std::string_view what) const;
  Status Fail(StatusCode code, std::string_view what, std::string_view detail) const;
  std::string Masked(std::string text) const;
  std::string SpaceApi(std::string_view space_id, std::string_view rest) const;
  Result<SpaceRuntime> RuntimeCall(std::string_view space_id, std::string method,
                                   std::string_view rest, std::optional<std::string> body,
                                   std::string_view operation, std::string_view what);
  Result<std::vector<std::string>> Preupload(std::string_view space_id,
                                             const CommitRequest& request);

  HubConfig config_;
  std::unique_ptr<http::Transport> owned_transport_;
  std::shared_ptr<HostBudget> budget_;
  HubClientOptions options_;
  std::string origin_;
  std::unique_ptr<BudgetedTransport> wire_;
  std::unique_ptr<http::Client> client_;            // follows redirects
  std::unique_ptr<http::Client> first_hop_client_;  // max_redirects = 0, for downloads
  mutable std::mutex counts_mu_;
  RequestCounts counts_;
};

// Checks "namespace/name": one '/', both parts 1–96 characters of [A-Za-z0-9._-], no "..".
Status ValidateSpaceId(std::string_view space_id);

}  // namespace spaceport::hub
