// The subcommands of `spaceport`, one file each (validate_command.cpp, plan_command.cpp,
// version_command.cpp). Each Add*Command registers its flags and help on the root CLI11 app and
// returns a Command whose `run` carries the command out once parsing succeeded, returning the exit
// code (cli/exit_codes.h). Commands print their results on stdout and their diagnostics on stderr.
//
//   CLI::App app{"..."};
//   Command validate = AddValidateCommand(app);
//   app.parse(argc, argv);                      // throws CLI::ParseError; main maps it to 2
//   if (validate.app->parsed()) return validate.run();
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace spaceport::cli {

struct Command {
  CLI::App* app = nullptr;   // the subcommand, owned by the root app
  std::function<int()> run;  // runs the command with the parsed flags
};

Command AddValidateCommand(CLI::App& root);
Command AddPlanCommand(CLI::App& root);
Command AddApplyCommand(CLI::App& root);
Command AddRunCommand(CLI::App& root);
Command AddVersionCommand(CLI::App& root);

}  // namespace spaceport::cli
