// The live world a command works on: the controller config, the registry clients, the Hub client
// with its shared request budget, the state directory and the fingerprint key — and observing all
// of it into one Observation. `plan` (without --observation) and `apply` share this, so both see
// the world the same way.
//
//   WorldOptions options;
//   options.config_file = config_file;
//   auto world = OpenWorld(options, std::cerr);
//   if (!world) return kExitError;                      // diagnostics already printed
//   observe::Observation seen;
//   bool complete = ObserveWorld(*world, loaded.deployments, seen, std::cerr);
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "act/builder.h"
#include "base/clock.h"
#include "base/env.h"
#include "clients/github/github_client.h"
#include "clients/hub/host_budget.h"
#include "clients/hub/hub_client.h"
#include "clients/kube/kube_client.h"
#include "clients/oci/registries.h"
#include "http/http.h"
#include "observe/observation.h"
#include "observe/secret_source.h"
#include "observe/manifest_cache.h"
#include "observe/space_list_cache.h"
#include "observe/space_settings_cache.h"
#include "observe/tag_digest_cache.h"
#include "runtime/controller_config.h"
#include "spec/types.h"

namespace spaceport::runtime {

struct World {
  ControllerConfig config;
  std::unique_ptr<oci::Registries> registries;
  std::shared_ptr<hub::HostBudget> hub_budget;
  std::unique_ptr<hub::HubClient> hub;
  std::unique_ptr<http::Transport> health_transport;  // plain transport for Space health checks
  std::unique_ptr<github::GithubClient> github;        // when GITHUB_TOKEN / GITHUB_API_URL is set
  std::vector<std::unique_ptr<github::GithubClient>> github_clients;  // per-deployment tokens
  std::vector<std::unique_ptr<act::Builder>> builder_store;
  std::map<std::string, act::Builder*> builders;       // by backend name; guarded by builders_mu
  std::mutex builders_mu;                              // workers add per-deployment builders
  std::string state_dir;
  std::string fingerprint_key;  // never printed
  EnvLookup env;                // the process environment unless a test injects another
  Clock* clock = &RealClock::Instance();  // every client's and builder's clock
  // Kubernetes mode: reads secretKeyRef values from Secrets (runtime/kube_secrets.h); null otherwise.
  observe::SecretKeyLookup secret_key;
  // Kubernetes mode: why a secretKeyRef cannot be read ("Secret ns/name not found", "... has no
  // key k", Forbidden); OK when it can. Null outside Kubernetes.
  std::function<Status(const std::string& ns, const spec::SecretKeyRef& ref)> check_secret;
  // Kubernetes mode: the apiserver client (owned by runtime::KubeMode), for build.kubernetesJob;
  // null otherwise, and such builds then stall (act::kKubernetesJobNeedsKube).
  kube::KubeClient* kube = nullptr;
};

// What a World is opened from. The clock and the environment are the process's unless injected.
struct WorldOptions {
  std::string config_file;  // else $SPACEPORT_CONFIG, else the defaults
  std::string state_dir;    // a --state-dir flag: overrides the config's stateDir when not empty
  Clock* clock = &RealClock::Instance();
  EnvLookup env = ProcessEnvironment();
};

// Loads the config, prepares the state directory and the fingerprint key, and makes the clients.
// Problems go to `err` (the config's diagnostics rendered, or one "spaceport: ..." line); nullptr
// then.
std::unique_ptr<World> OpenWorld(const WorldOptions& options, std::ostream& err);

// Something that could not be observed, with the condition reason it leads to.
struct ObserveProblem {
  std::string what;     // "ghcr.io/acme/tools", "Space acme/tools", "build of ..."
  std::string reason;   // AuthFailed, RateLimited, ImageMissing, HubError, BuildError, ...
  std::string message;  // never holds a secret
};

struct WorldObservation {
  std::vector<ObserveProblem> problems;
  std::vector<std::string> notes;  // non-fatal remarks
  int64_t registry_requests = 0;
  int64_t hub_requests = 0;
  bool complete() const { return problems.empty(); }
};

// Observes every registry repository, build in flight and Space the deployments name into
// `observation`; what could not be observed is listed (the observation holds the rest).
// Thread-safe for distinct deployments: the controller's workers call it concurrently.
// Caches carried from pass to pass by the controller; a one-shot command passes none.
struct ObserveCaches {
  observe::SpaceSettingsCache* settings = nullptr;  // Space settings reused between passes
  observe::ManifestCache* manifests = nullptr;      // manifests and configs by digest
  observe::SpaceListCache* lists = nullptr;         // owners' Space lists reused between passes
  observe::TagDigestCache* tags = nullptr;          // tag → digest, shared by one image's deployments
  std::optional<Clock::Duration> list_max_age;      // lists and tags at most this old (the interval)
};

WorldObservation ObserveDeployments(World& world, const std::vector<spec::SpaceDeployment>& desired,
                                    observe::Observation& observation, ObserveCaches caches = {});

// ObserveDeployments for the one-shot commands: problems, notes and a summary line go to `err`.
// Returns false when something could not be observed.
bool ObserveWorld(World& world, const std::vector<spec::SpaceDeployment>& desired,
                  observe::Observation& observation, std::ostream& err);

// The build backends, read under the lock (workers may be adding one).
std::map<std::string, act::Builder*> BuildersOf(World& world);

}  // namespace spaceport::runtime
