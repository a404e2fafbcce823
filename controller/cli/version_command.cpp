// `spaceport version`: the program version and the API version of the resources it reads.
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "spec/defaults.h"

namespace spaceport::cli {

Command AddVersionCommand(CLI::App& root) {
  CLI::App* app = root.add_subcommand("version", "Print the Spaceport version and API version");
  app->footer(std::string("Example:\n  spaceport version\n\n") + kExitCodesHelp);
  return Command{app, [] {
                   std::cout << "spaceport " << SPACEPORT_VERSION << '\n'
                             << "api " << spec::kApiVersion << '\n';
                   return kExitOk;
                 }};
}

}  // namespace spaceport::cli
