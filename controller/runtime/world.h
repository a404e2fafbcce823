// The live world a command works on: the controller config, the registry clients, the Hub client
// with its shared request budget, the state directory and the fingerprint key — and observing all
// of it into one Observation. `plan` (without --observation) and `apply` share this, so both see
// the world the same way.
//
//   auto world = OpenWorld(config_file, std::cerr);
//   if (!world) return kExitError;                      // diagnostics already printed
//   observe::Observation seen;
//   bool complete = ObserveWorld(*world, loaded.deployments, seen, std::cerr);
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "act/builder.h"
#include "clients/github/github_client.h"
#include "clients/hub/host_budget.h"
#include "clients/hub/hub_client.h"
#include "clients/oci/registries.h"
#include "http/http.h"
#include "observe/observation.h"
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
  std::map<std::string, act::Builder*> builders;       // by backend name
  std::string state_dir;
  std::string fingerprint_key;  // never printed
  EnvLookup env;
};

// Loads the config (`config_file`, else $SPACEPORT_CONFIG, else the defaults), prepares the state
// directory and the fingerprint key, and makes the clients. Problems go to `err`; nullptr then.
std::unique_ptr<World> OpenWorld(const std::string& config_file, std::ostream& err);

// Observes every registry repository, build in flight and Space the deployments name. Returns false when some could
// not be observed (each printed to `err` with its reason); the observation holds the rest.
bool ObserveWorld(World& world, const std::vector<spec::SpaceDeployment>& desired,
                  observe::Observation& observation, std::ostream& err);

}  // namespace spaceport::runtime
