#include "runtime/world.h"

#include <ostream>

#include "act/build_command.h"
#include "act/build_github.h"
#include "act/build_kubernetes_job.h"
#include "act/builds_in_flight.h"
#include "base/clock.h"
#include "observe/hub_observer.h"
#include "observe/secret_source.h"
#include "observe/registry_observer.h"
#include "report/diagnostics.h"
#include "runtime/state_dir.h"

namespace spaceport::runtime {
namespace {

github::GithubClientOptions GithubOptions(const ControllerConfig& config) {
  github::GithubClientOptions options;
  options.request_timeout = config.request_timeout;
  return options;
}

act::GithubActionsBuilderOptions GithubBuildOptions(const ControllerConfig& config) {
  act::GithubActionsBuilderOptions options;
  options.max_unlisted = config.github_dispatch_timeout;
  options.max_queued = config.github_queue_timeout;
  return options;
}

}  // namespace

std::unique_ptr<World> OpenWorld(const WorldOptions& options, std::ostream& err) {
  auto world = std::make_unique<World>();
  world->env = options.env;
  world->clock = options.clock;
  std::string file = options.config_file;
  if (file.empty()) file = world->env(std::string(kConfigEnv)).value_or("");
  ConfigLoad load = file.empty() ? DefaultControllerConfig(world->env)
                                          : LoadControllerConfig(file, world->env);
  if (!load.ok()) {
    err << report::RenderDiagnostics(load.diagnostics);
    return nullptr;
  }
  world->config = std::move(load.config);
  if (!options.state_dir.empty()) world->config.state_dir = options.state_dir;

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

  Clock& clock = *world->clock;
  oci::Registries::Options registry_options;
  registry_options.client.request_timeout = world->config.request_timeout;
  registry_options.env = world->env;
  world->registries =
      std::make_unique<oci::Registries>(world->config.registries, clock, std::move(registry_options));
  world->hub_budget = std::make_shared<hub::HostBudget>(clock, world->config.hub_budget);
  hub::HubClientOptions hub_options;
  hub_options.request_timeout = world->config.request_timeout;
  auto hub = hub::HubClient::Create(world->config.hub, clock, world->hub_budget, hub_options);
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
  if (world->env("GITHUB_TOKEN") || world->env("GITHUB_API_URL")) {
    auto gh_config = github::ConfigFromEnvironment(world->env);
    if (!gh_config.ok()) {
      err << "spaceport: GitHub: " << gh_config.status().message() << '\n';
      return nullptr;
    }
    auto gh = github::GithubClient::Create(*gh_config, clock, nullptr, GithubOptions(world->config));
    if (!gh.ok()) {
      err << "spaceport: GitHub client: " << gh.status().message() << '\n';
      return nullptr;
    }
    world->github = std::move(*gh);
    world->builder_store.push_back(
        std::make_unique<act::GithubActionsBuilder>(*world->github, clock, GithubBuildOptions(world->config)));
    world->builders[std::string(act::kGithubActionsBackend)] = world->builder_store.back().get();
  }
  return world;
}

namespace {

// The Job builder (one for every kubernetesJob build, over the Kubernetes mode's client), and a
// GitHub client and builder for each githubActions build that names its own token.
// Returns why a deployment's builds cannot run, one note each.
std::vector<std::string> AddDeploymentBuilders(World& world, const std::vector<spec::SpaceDeployment>& desired) {
  std::vector<std::string> notes;
  std::lock_guard<std::mutex> lock(world.builders_mu);
  for (const spec::SpaceDeployment& d : desired) {
    if (d.image.build && d.image.build->kubernetes_job) {
      const std::string key(act::kKubernetesJobBackend);
      if (world.kube == nullptr) {
        notes.push_back(d.Key() + ": " + std::string(act::kKubernetesJobNeedsKube) + "; its builds cannot run here");
      } else if (!world.builders.count(key)) {
        world.builder_store.push_back(
            std::make_unique<act::KubernetesJobBuilder>(*world.kube, *world.clock));
        world.builders[key] = world.builder_store.back().get();
      }
      continue;
    }
    if (!d.image.build || !d.image.build->github_actions || !d.image.build->github_actions->token)
      continue;
    const std::string key = act::BuilderKey(*d.image.build);
    if (world.builders.count(key)) continue;
    std::optional<std::string> token =
        observe::ResolveSecretValue(*d.image.build->github_actions->token, world.env, world.secret_key, d.namespace_);
    if (!token) {
      notes.push_back(d.Key() + ": the build token (" + key.substr(key.find(':') + 1) +
                      ") is not available; its builds cannot run");
      continue;
    }
    auto config = github::ConfigFromEnvironment(world.env, *token);
    if (!config.ok()) {
      notes.push_back(d.Key() + ": GitHub: " + config.status().message());
      continue;
    }
    auto client = github::GithubClient::Create(*config, *world.clock, nullptr, GithubOptions(world.config));
    if (!client.ok()) {
      notes.push_back(d.Key() + ": GitHub client: " + client.status().message());
      continue;
    }
    world.github_clients.push_back(std::move(*client));
    world.builder_store.push_back(std::make_unique<act::GithubActionsBuilder>(
        *world.github_clients.back(), *world.clock, GithubBuildOptions(world.config)));
    world.builders[key] = world.builder_store.back().get();
  }
  return notes;
}

}  // namespace

std::map<std::string, act::Builder*> BuildersOf(World& world) {
  std::lock_guard<std::mutex> lock(world.builders_mu);
  return world.builders;
}

WorldObservation ObserveDeployments(World& world, const std::vector<spec::SpaceDeployment>& desired,
                                    observe::Observation& observation, ObserveCaches caches) {
  WorldObservation out;
  const std::vector<std::string> builder_notes = AddDeploymentBuilders(world, desired);
  observe::RegistryObservation images = observe::ObserveRegistries(
      desired, *world.registries, observation, {caches.manifests, caches.tags, caches.list_max_age});
  out.registry_requests = images.requests;
  for (const observe::RepositoryProblem& p : images.problems)
    out.problems.push_back({p.repository, p.reason, p.status.message()});
  const act::BuildLookupProblems builds = act::ObserveBuilds(desired, BuildersOf(world), observation);
  for (const Status& failure : builds.failures) {
    // A role without the verb (get jobs) stalls like a Secret it may not read; the rest retries.
    const bool forbidden = failure.code() == StatusCode::kPermissionDenied;
    out.problems.push_back({"builds", forbidden ? "Forbidden" : "BuildError", failure.message()});
  }
  observe::HubObserverOptions options;
  options.state_dir = world.state_dir;
  options.fingerprint_key = world.fingerprint_key;
  options.env = world.env;
  options.secret_key = world.secret_key;
  options.settings_cache = caches.settings;
  options.list_cache = caches.lists;
  options.list_max_age = caches.list_max_age;
  observe::HubObservation spaces = observe::ObserveSpaces(desired, *world.hub, options, observation);
  out.hub_requests = spaces.requests;
  for (const observe::SpaceProblem& p : spaces.problems)
    out.problems.push_back({"Space " + p.space, p.reason, p.status.message()});
  out.notes = spaces.notes;
  out.notes.insert(out.notes.end(), builds.notes.begin(), builds.notes.end());
  out.notes.insert(out.notes.end(), builder_notes.begin(), builder_notes.end());
  return out;
}

bool ObserveWorld(World& world, const std::vector<spec::SpaceDeployment>& desired,
                  observe::Observation& observation, std::ostream& err) {
  WorldObservation seen = ObserveDeployments(world, desired, observation);
  for (const ObserveProblem& p : seen.problems) {
    if (p.what == "builds") {  // the build lookup's own words: "build of IMAGE: ..."
      err << "spaceport: " << p.message << '\n';
      continue;
    }
    err << "spaceport: " << p.what << ": not observed (" << p.reason << "): " << p.message << '\n';
  }
  for (const std::string& note : seen.notes) err << "spaceport: note: " << note << '\n';
  err << "spaceport: observed " << observation.repositories.size() << " image repositories ("
      << seen.registry_requests << " registry requests), " << observation.builds.size()
      << " builds in flight and " << observation.spaces.size() << " Spaces ("
      << seen.hub_requests << " Hub requests)\n";
  return seen.complete();
}

}  // namespace spaceport::runtime
