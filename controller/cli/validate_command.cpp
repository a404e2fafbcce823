// `spaceport validate PATH...`: load and validate desired state, print every diagnostic.
//
// stdout: every diagnostic (errors and notes), one per line, sorted by position; nothing else, so
// the output can be compared or grepped. stderr: one summary line, e.g.
// "3 documents: 2 valid, 1 invalid (4 errors)". Exit 0 when there is no error, else 2.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "report/diagnostics.h"
#include "spec/loader.h"

namespace spaceport::cli {
namespace {

int RunValidate(const std::vector<std::string>& paths) {
  const spec::LoadResult loaded = spec::LoadPaths(paths);
  std::cout << report::RenderDiagnostics(loaded.diagnostics) << std::flush;
  std::cerr << report::ValidationSummary(loaded) << '\n';
  return loaded.has_errors() ? kExitError : kExitOk;
}

}  // namespace

Command AddValidateCommand(CLI::App& root) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* app = root.add_subcommand(
      "validate",
      "Check SpaceDeployment files: report every error as FILE:LINE:COL: FIELD: message");
  app->add_option("PATH", *paths,
                  "Files or directories (searched recursively for *.yaml and *.yml)")
      ->required()
      ->type_name("");
  app->footer(std::string("Examples:\n"
                          "  spaceport validate examples/\n"
                          "  spaceport validate deploy/app.yaml deploy/other.yaml\n\n"
                          "Diagnostics go to stdout, the summary line to stderr.\n\n") +
              kExitCodesHelp);
  return Command{app, [paths] { return RunValidate(*paths); }};
}

}  // namespace spaceport::cli
