// `spaceport plan PATH... [-o text|markdown|json] [--observation FILE]`: what would change.
//
// Loads the desired state, reads an Observation, plans, and prints the plan (including the invalid
// documents) on stdout in the chosen format; diagnostics go to stderr. Valid deployments are
// planned even when others are invalid; the exit code then says error (2), since a partial plan
// must not pass for a clean one in CI.
//
// Live observation (registries, the Hub) comes with the clients of later issues; until then the
// command needs a recorded observation and says so instead of pretending the world is empty.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
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

int RunPlan(const PlanOptions& options) {
  if (options.observation_file.empty()) {
    std::cerr << "spaceport plan: live observation of registries and the Hugging Face Hub is not "
                 "available yet.\n"
                 "Pass a recorded observation with --observation FILE (format: "
                 "docs/observation.md), e.g.\n"
                 "  spaceport plan examples/ --observation examples/observation.json\n";
    return kExitError;
  }
  Result<observe::Observation> observation = ReadObservation(options.observation_file);
  if (!observation.ok()) {
    std::cerr << "spaceport plan: cannot use the observation: " << observation.status().message()
              << '\n';
    return kExitError;
  }

  const spec::LoadResult loaded = spec::LoadPaths(options.paths);
  std::cerr << report::RenderDiagnostics(loaded.diagnostics);
  plan::Plan plan = plan::MakePlan(loaded.deployments, *observation);
  plan::AddInvalid(loaded, plan);
  std::cout << Render(plan, options.output) << std::flush;

  if (loaded.has_errors()) return kExitError;
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
                  "Plan against this recorded Observation (JSON, docs/observation.md). Required "
                  "until live observation exists.")
      ->type_name("FILE");
  app->footer(std::string(
                  "Examples:\n"
                  "  spaceport plan examples/ --observation examples/observation.json\n"
                  "  spaceport plan deploy/ --observation seen.json -o markdown > comment.md\n"
                  "  spaceport plan deploy/ --observation seen.json -o json | jq .summary\n\n"
                  "The plan goes to stdout (invalid documents included), diagnostics to stderr.\n"
                  "Valid deployments are planned even when others are invalid (exit 2 then).\n\n") +
              kExitCodesHelp);
  return Command{app, [options] { return RunPlan(*options); }};
}

}  // namespace spaceport::cli
