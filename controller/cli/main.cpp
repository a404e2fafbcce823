// spaceport: the command-line entry point. Parses flags (CLI11) and hands over to one command;
// everything a command does lives in its own file (see cli/commands.h).
#include <iostream>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace {

// CLI11 exits with its own codes (105 for a bad value, 109 for an unknown flag, ...); ours are
// 0 for --help and 2 for every usage error, like the rest of the error cases.
int ExitForParseError(const CLI::App& app, const CLI::ParseError& e) {
  return app.exit(e) == 0 ? spaceport::cli::kExitOk : spaceport::cli::kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace spaceport::cli;
  CLI::App app{"Spaceport keeps Hugging Face Spaces running the container images declared in Git.",
               "spaceport"};
  // No require_subcommand(1): CLI11 checks it before unknown arguments, which would answer
  // `spaceport frobnicate` with "a subcommand is required" instead of naming the stray word.
  app.footer(std::string("Run 'spaceport COMMAND --help' for a command's flags and examples.\n\n") +
             kExitCodesHelp);
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("spaceport: ") + e.what() +
           "\nRun 'spaceport --help' or 'spaceport COMMAND --help' for usage.\n";
  });
  const std::vector<Command> commands = {AddValidateCommand(app), AddPlanCommand(app),
                                         AddApplyCommand(app), AddRunCommand(app),
                                         AddVersionCommand(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ExitForParseError(app, e);
  }
  for (const Command& command : commands)
    if (command.app->parsed()) return command.run();
  std::cerr << "spaceport: a command is required: validate, plan, apply, run or version\n"
               "Run 'spaceport --help' for usage.\n";
  return kExitError;
}
