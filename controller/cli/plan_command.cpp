// `spaceport plan PATH... [-o text|markdown|json|html] [--observation FILE]`: what would change.
//
// Loads the desired state, reads an Observation, plans, and prints the plan (including the invalid
// documents) on stdout in the chosen format; diagnostics go to stderr. Valid deployments are
// planned even when others are invalid; the exit code then says error (2), since a partial plan
// must not pass for a clean one in CI.
//
// Without --observation it observes the world live (cli/world.h): the registries and the Spaces
// the deployments name, reached as the controller config says (--config FILE or
// $SPACEPORT_CONFIG: registry mapping, the Hub endpoint and token, the state directory).
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
#include "runtime/world.h"
#include "observe/observation_json.h"
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
  if (format == "html") return report::RenderHtml(plan);
  return report::RenderText(plan);
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
    runtime::WorldOptions world_options;
    world_options.config_file = options.config_file;
    std::unique_ptr<runtime::World> world = runtime::OpenWorld(world_options, std::cerr);
    if (!world) return kExitError;
    observed = runtime::ObserveWorld(*world, loaded.deployments, observation, std::cerr);
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
  // Waiting for a Space that is building anyway is not a difference to report.
  return plan.has_drift() || plan.has_changes() ? kExitDrift : kExitOk;
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
  app->add_option("-o,--output", options->output, "Output format: text, markdown, json or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "markdown", "json", "html"}))
      ->type_name("FORMAT")
      ->capture_default_str();
  app->add_option("--observation", options->observation_file,
                  "Plan against this recorded Observation (JSON, docs/observation.md) instead of "
                  "observing the registries and the Hub live")
      ->type_name("FILE");
  app->add_option("--config", options->config_file,
                  "Controller config (docs/controller-config.md): registries, the Hub endpoint "
                  "and token, the state directory. Default: $SPACEPORT_CONFIG")
      ->type_name("FILE");
  app->add_option("--save-observation", options->save_observation,
                  "Also write the observation used to FILE (JSON), for offline review")
      ->type_name("FILE");
  app->footer(std::string(
                  "Examples:\n"
                  "  spaceport plan examples/ --observation examples/observation.json\n"
                  "  spaceport plan deploy/ --config spaceport.yaml --save-observation seen.json\n"
                  "  spaceport plan deploy/ --observation seen.json -o markdown > comment.md\n"
                  "  spaceport plan deploy/ --observation seen.json -o json | jq .summary\n"
                  "  spaceport plan deploy/ --observation seen.json -o html > drift.html\n\n"
                  "The plan goes to stdout (invalid documents included), diagnostics to stderr.\n"
                  "Valid deployments are planned even when others are invalid (exit 2 then).\n\n") +
              kExitCodesHelp);
  return Command{app, [options] { return RunPlan(*options); }};
}

}  // namespace spaceport::cli
