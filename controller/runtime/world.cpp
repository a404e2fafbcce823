#include "runtime/world.h"

#include <cstdlib>
#include <ostream>

#include "act/build_command.h"
#include "act/build_github.h"
#include "act/builds_in_flight.h"
#include "base/clock.h"
#include "observe/hub_observer.h"
#include "observe/secret_source.h"
#include "observe/registry_observer.h"
#include "report/diagnostics.h"
#include "runtime/state_dir.h"

namespace spaceport::runtime {
namespace {

std::optional<std::string> Getenv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

}  // namespace

std::unique_ptr<World> OpenWorld(const std::string& config_file, std::ostream& err) {
  auto world = std::make_unique<World>();
  world->env = Getenv;
  std::string file = config_file;
  if (file.empty()) file = Getenv(std::string(kConfigEnv)).value_or("");
  ConfigLoad load = file.empty() ? DefaultControllerConfig(world->env)
                                          : LoadControllerConfig(file, world->env);
  if (!load.ok()) {
    err << report::RenderDiagnostics(load.diagnostics);
    return nullptr;
  }
  world->config = std::move(load.config);

  auto dir = PrepareStateDir(world->env, world->config.state_dir);
  if (!dir.ok()) {
    err << "spaceport: state directory: " << dir.status().message() << '\n';
    return nullptr;
  }
  world->state_dir = *dir;
  auto key = LoadFingerprintKey(world->env, world->state_dir);
  if (!key.ok()) {
    err << "spaceport: fingerprint key: " << key.status().message() << '\n';
    return nullptr;
  }
  world->fingerprint_key = key->value;

  Clock& clock = RealClock::Instance();
  world->registries = std::make_unique<oci::Registries>(world->config.registries, clock);
  world->hub_budget = std::make_shared<hub::HostBudget>(clock, world->config.hub_budget);
  auto hub = hub::HubClient::Create(world->config.hub, clock, world->hub_budget);
  if (!hub.ok()) {
    err << "spaceport: Hub client: " << hub.status().message() << '\n';
    return nullptr;
  }
  world->hub = std::move(*hub);
  world->health_transport = http::MakeTransport({});

  // Build backends: the command backend keeps its lock records in the state directory; GitHub
  // Actions needs a token (GITHUB_TOKEN, GITHUB_API_URL for Enterprise).
  world->builder_store.push_back(std::make_unique<act::CommandBuilder>(world->state_dir, clock));
  world->builders[std::string(act::kCommandBackend)] = world->builder_store.back().get();
  if (Getenv("GITHUB_TOKEN") || Getenv("GITHUB_API_URL")) {
    auto gh_config = github::ConfigFromEnvironment(world->env);
    if (!gh_config.ok()) {
      err << "spaceport: GitHub: " << gh_config.status().message() << '\n';
      return nullptr;
    }
    auto gh = github::GithubClient::Create(*gh_config, clock);
    if (!gh.ok()) {
      err << "spaceport: GitHub client: " << gh.status().message() << '\n';
      return nullptr;
    }
    world->github = std::move(*gh);
    world->builder_store.push_back(std::make_unique<act::GithubActionsBuilder>(*world->github, clock));
    world->builders[std::string(act::kGithubActionsBackend)] = world->builder_store.back().get();
  }
  return world;
}

namespace {

// A GitHub client and builder for each githubActions build that names its own token.
void AddDeploymentBuilders(World& world, const std::vector<spec::SpaceDeployment>& desired,
                           std::ostream& err) {
  for (const spec::SpaceDeployment& d : desired) {
    if (!d.image.build || !d.image.build->github_actions || !d.image.build->github_actions->token)
      continue;
    const std::string key = act::BuilderKey(*d.image.build);
    if (world.builders.count(key)) continue;
    std::optional<std::string> token =
        observe::ResolveSecretValue(*d.image.build->github_actions->token, world.env);
    if (!token) {
      err << "spaceport: " << d.Key() << ": the build token (" << key.substr(key.find(':') + 1)
          << ") is not available; its builds cannot run\n";
      continue;
    }
    auto config = github::ConfigFromEnvironment(world.env, *token);
    if (!config.ok()) {
      err << "spaceport: " << d.Key() << ": GitHub: " << config.status().message() << '\n';
      continue;
    }
    auto client = github::GithubClient::Create(*config, RealClock::Instance());
    if (!client.ok()) {
      err << "spaceport: " << d.Key() << ": GitHub client: " << client.status().message() << '\n';
      continue;
    }
    world.github_clients.push_back(std::move(*client));
    world.builder_store.push_back(std::make_unique<act::GithubActionsBuilder>(
        *world.github_clients.back(), RealClock::Instance()));
    world.builders[key] = world.builder_store.back().get();
  }
}

}  // namespace

bool ObserveWorld(World& world, const std::vector<spec::SpaceDeployment>& desired,
                  observe::Observation& observation, std::ostream& err) {
  bool complete = true;
  AddDeploymentBuilders(world, desired, err);
  observe::RegistryObservation images = observe::ObserveRegistries(desired, *world.registries, observation);
  for (const observe::RepositoryProblem& p : images.problems) {
    err << "spaceport: " << p.repository << ": not observed (" << p.reason
        << "): " << p.status.message() << '\n';
    complete = false;
  }
  if (act::ObserveBuilds(desired, world.builders, observation, err) > 0) complete = false;
  observe::HubObserverOptions options;
  options.state_dir = world.state_dir;
  options.fingerprint_key = world.fingerprint_key;
  options.env = world.env;
  observe::HubObservation spaces = observe::ObserveSpaces(desired, *world.hub, options, observation);
  for (const observe::SpaceProblem& p : spaces.problems) {
    err << "spaceport: Space " << p.space << ": not observed (" << p.reason
        << "): " << p.status.message() << '\n';
    complete = false;
  }
  for (const std::string& note : spaces.notes) err << "spaceport: note: " << note << '\n';
  err << "spaceport: observed " << observation.repositories.size() << " image repositories ("
      << images.requests << " registry requests), " << observation.builds.size()
      << " builds in flight and " << observation.spaces.size()
      << " Spaces (" << spaces.requests << " Hub requests)\n";
  return complete;
}

}  // namespace spaceport::runtime
