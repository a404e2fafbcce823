// `spaceport plan PATH... [-o text|markdown|json] [--observation FILE]`: what would change.
//
// Loads the desired state, reads an Observation, plans, and prints the plan (including the invalid
// documents) on stdout in the chosen format; diagnostics go to stderr. Valid deployments are
// planned even when others are invalid; the exit code then says error (2), since a partial plan
// must not pass for a clean one in CI.
//
// Without --observation it observes the world live: the registries named by the deployments,
// reached as the controller config says (--config FILE or $SPACEPORT_CONFIG; registry mapping,
// insecure loopback registries, credentials). Spaces on the Hub are not observed live yet (the Hub
// client is a later issue): the plan says so per Space instead of pretending they are empty.
// --save-observation writes what was observed, for offline review and bug reports.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "base/clock.h"
#include "clients/oci/registries.h"
#include "observe/observation_json.h"
#include "observe/registry_observer.h"
#include "runtime/controller_config.h"
#include "plan/planner.h"
#include "report/diagnostics.h"
#include "report/render.h"
#include "spec/loader.h"

namespace spaceport::cli {
namespace {

struct PlanOptions {
  std::vector<std::string> paths;
  std::string output = "text";
  std::string observation_file;
  std::string config_file;
  std::string save_observation;
};

Result<std::string> ReadTextFile(const std::string& path) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return NotFound(path + ": no such file");
  if (!std::filesystem::is_regular_file(status)) return InvalidArgument(path + ": not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<observe::Observation> ReadObservation(const std::string& path) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  Result<observe::Observation> observation = observe::ParseObservation(*text);
  if (!observation.ok()) return InvalidArgument(path + ": " + observation.status().message());
  return observation;
}

std::string Render(const plan::Plan& plan, const std::string& format) {
  if (format == "json") return report::RenderJson(plan);
  if (format == "markdown") return report::RenderMarkdown(plan);
  return report::RenderText(plan);
}

std::optional<std::string> Getenv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// Observes the registries live. Returns false (after printing why) when the observation is not
// complete enough to trust; the plan is still made and printed.
bool ObserveLive(const PlanOptions& options, const std::vector<spec::SpaceDeployment>& desired,
                 observe::Observation& observation) {
  runtime::ControllerConfig config;
  std::string config_file = options.config_file;
  if (config_file.empty()) config_file = Getenv(std::string(runtime::kConfigEnv)).value_or("");
  if (!config_file.empty()) {
    runtime::ConfigLoad load = runtime::LoadControllerConfig(config_file, Getenv);
    if (!load.ok()) {
      std::cerr << report::RenderDiagnostics(load.diagnostics);
      return false;
    }
    config = std::move(load.config);
  }
  oci::Registries registries(config.registries, RealClock::Instance());
  observe::RegistryObservation seen = observe::ObserveRegistries(desired, registries, observation);
  bool ok = true;
  for (const observe::RepositoryProblem& p : seen.problems) {
    std::cerr << "spaceport plan: " << p.repository << ": not observed (" << p.reason
              << "): " << p.status.message() << '\n';
    ok = false;
  }
  std::cerr << "spaceport plan: observed " << observation.repositories.size()
            << " image repositories in " << seen.requests
            << " registry requests; Spaces on the Hub are not observed live yet\n";
  return ok;
}

int RunPlan(const PlanOptions& options) {
  const spec::LoadResult loaded = spec::LoadPaths(options.paths);
  std::cerr << report::RenderDiagnostics(loaded.diagnostics);

  observe::Observation observation;
  bool observed = true;
  if (!options.observation_file.empty()) {
    Result<observe::Observation> recorded = ReadObservation(options.observation_file);
    if (!recorded.ok()) {
      std::cerr << "spaceport plan: cannot use the observation: " << recorded.status().message()
                << '\n';
      return kExitError;
    }
    observation = std::move(recorded).value();
  } else {
    observed = ObserveLive(options, loaded.deployments, observation);
  }
  if (!options.save_observation.empty()) {
    std::ofstream out(options.save_observation, std::ios::binary | std::ios::trunc);
    out << observe::ObservationToJson(observation).Dump(2) << '\n';
    if (!out) {
      std::cerr << "spaceport plan: cannot write " << options.save_observation << '\n';
      return kExitError;
    }
  }

  plan::Plan plan = plan::MakePlan(loaded.deployments, observation);
  plan::AddInvalid(loaded, plan);
  std::cout << Render(plan, options.output) << std::flush;

  if (loaded.has_errors() || !observed) return kExitError;
  return plan.has_drift() || !plan.actions.empty() ? kExitDrift : kExitOk;
}

}  // namespace

Command AddPlanCommand(CLI::App& root) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* app = root.add_subcommand(
      "plan", "Compare desired state with an observation and print the drift and planned actions");
  app->add_option("PATH", options->paths,
                  "Files or directories (searched recursively for *.yaml and *.yml)")
      ->required()
      ->type_name("");
  app->add_option("-o,--output", options->output, "Output format: text, markdown or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->type_name("FORMAT")
      ->capture_default_str();
  app->add_option("--observation", options->observation_file,
                  "Plan against this recorded Observation (JSON, docs/observation.md) instead of "
                  "observing the registries live")
      ->type_name("FILE");
  app->add_option("--config", options->config_file,
                  "Controller config (docs/controller-config.md): registry endpoints, insecure "
                  "loopback registries, credentials. Default: $SPACEPORT_CONFIG")
      ->type_name("FILE");
  app->add_option("--save-observation", options->save_observation,
                  "Also write the observation used to FILE (JSON), for offline review")
      ->type_name("FILE");
  app->footer(std::string(
                  "Examples:\n"
                  "  spaceport plan examples/ --observation examples/observation.json\n"
                  "  spaceport plan deploy/ --config spaceport.yaml --save-observation seen.json\n"
                  "  spaceport plan deploy/ --observation seen.json -o markdown > comment.md\n"
                  "  spaceport plan deploy/ --observation seen.json -o json | jq .summary\n\n"
                  "The plan goes to stdout (invalid documents included), diagnostics to stderr.\n"
                  "Valid deployments are planned even when others are invalid (exit 2 then).\n\n") +
              kExitCodesHelp);
  return Command{app, [options] { return RunPlan(*options); }};
}

}  // namespace spaceport::cli
