// The Hub observer: fills Observation.spaces (and the desired secrets' fingerprints) from the
// Hugging Face Hub.
//
// For each Space of each deployment that is not suspended it records what the planner compares,
// at the lowest request count the Hub allows:
//   1. one GET of the Space info with expand=sha,runtime,cardData,siblings: whether the Space
//      exists (404 → exists=false and nothing else is fetched), its head sha, runtime stage and
//      error message, current and requested hardware, sleep time, and which files it has;
//   2. the Dockerfile and README.md contents at that sha — from the file cache in the state
//      directory when it holds that sha (observe/space_file_cache.h: contents are addressed by
//      commit, so a hit is never stale), else downloaded by sha, only those `siblings` lists;
//   3. GET variables, only when the spec manages variables; GET secrets (keys and descriptions,
//      never values), only when it manages secrets.
// So a Space whose commit has not changed costs at most 3 requests (info, variables, secrets);
// after a new commit, up to 2 downloads more, once.
//
// Secret fingerprints: for each desired secret whose value is available here
// (observe/secret_source.h), observation.secret_fingerprints["SPACE_ID/KEY"] =
// HmacSha256Hex(fingerprint_key, value), the form act/ writes into the secret's description
// (plan/fingerprint.h). With no key, or no value, the entry is left out and the planner notes that
// the secret was not compared. The value goes into the HMAC and nowhere else.
//
// A Space that cannot be observed (401/403, 429 once the host budget gives up, 5xx after the
// client's retries, a malformed answer) is left out of observation.spaces, so the planner reports
// it as unobserved rather than missing; the problem is returned with its condition reason
// (hub::ConditionReasonFor) and the other Spaces are observed all the same.
//
//   HubObserverOptions options{.state_dir = *state_dir, .fingerprint_key = *key,
//                              .env = hub::ProcessEnvironment()};
//   HubObservation h = ObserveSpaces(loaded.deployments, *hub_client, options, observation);
//   for (const auto& p : h.problems) std::cerr << p.space << ": " << p.status.ToString() << "\n";
//
// `requests` counts only what this call sent (hub.requests_sent_by_this_thread() before and
// after), however many workers share the client: the budget scheduler takes it as the pass's cost.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "clients/hub/hub_client.h"
#include "clients/hub/hub_config.h"
#include "observe/observation.h"
#include "observe/secret_source.h"
#include "observe/space_list_cache.h"
#include "observe/space_settings_cache.h"
#include "spec/types.h"

namespace spaceport::observe {

struct HubObserverOptions {
  std::string state_dir;        // "" = no file cache: files are downloaded on every observation
  std::string fingerprint_key;  // "" = secrets are not compared (no fingerprints computed)
  hub::EnvLookup env;           // resolves fromEnv secret sources; null = none available
  SecretKeyLookup secret_key = nullptr;  // resolves secretKeyRef sources (Kubernetes mode); null = none
  // Variables and secrets are taken from here when it says they may be reused
  // (observe/space_settings_cache.h); null = read every time.
  SpaceSettingsCache* settings_cache = nullptr;
  // Each owner's Spaces are read with one list request and reused while fresh
  // (observe/space_list_cache.h); null = one info request per Space.
  SpaceListCache* list_cache = nullptr;
  // The oldest listing this observation may use (the deployment's interval); nullopt: the cache's.
  std::optional<Clock::Duration> list_max_age = std::nullopt;
};

struct SpaceProblem {
  std::string space;   // Space id as the spec writes it
  std::string reason;  // condition reason: AuthFailed, RateLimited, HubError, ...
  Status status;
};

struct HubObservation {
  std::vector<SpaceProblem> problems;
  int64_t requests = 0;   // Hub requests sent on the wire (retries included)
  int64_t downloads = 0;  // file downloads among them (file cache misses)
  // Non-fatal trouble, e.g. a file cache entry that could not be written (the next observation
  // downloads again). Never contains a secret.
  std::vector<std::string> notes;
};

HubObservation ObserveSpaces(const std::vector<spec::SpaceDeployment>& desired,
                             hub::HubClient& hub, const HubObserverOptions& options,
                             Observation& observation);

}  // namespace spaceport::observe
