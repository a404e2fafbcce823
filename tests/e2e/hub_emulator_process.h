// HubEmulatorProcess: the `hub-emulator` program (HUB_EMULATOR_BIN) on a free loopback port, and
// a client for its control API (/__emulator/…, docs/hub-emulator.md).
//
// End-to-end tests talk to the emulator the way `spaceport` does, over HTTP, so they run the
// program rather than the library. Start() returns once the program has printed
// `listening on http://127.0.0.1:PORT`; the destructor stops it by PID (SIGTERM, then SIGKILL).
// It runs with --verbose, so Log() holds one line per Hub request for failure messages. The
// control calls return the parsed JSON answer, or an error naming the status and body.
//
//   HubEmulatorProcess::Options o;
//   o.registry_map = "ghcr.io=" + registry.endpoint();
//   auto hub = HubEmulatorProcess::Start(o, dir.path() / "hub.log");
//   ASSERT_TRUE(hub.ok()) << hub.status().ToString();
//   Result<Json> space = (*hub)->Control("GET", "/__emulator/spaces/acme/demo");
//   Result<Json> stats = (*hub)->Control("GET", "/__emulator/stats");
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "e2e/emulator_process.h"

namespace spaceport::e2e {

class HubEmulatorProcess : public EmulatorProcess {
 public:
  struct Options {
    std::string token = "hf_e2e:acme";  // TOKEN:USER[:ORGS]
    std::string registry_map;           // HOST=URL, or empty
    std::string registry_credentials;   // HOST=USER:PASSWORD for the mapped registry, or empty
    std::string build_seconds = "0.3";
    std::string start_seconds = "0.3";
    std::string budget;  // --budget: /api/ requests per token and window; empty: the default
    std::string window_seconds;  // --window-seconds: the budget's fixed window; empty: 300
  };

  static Result<std::unique_ptr<HubEmulatorProcess>> Start(const Options& options,
                                                           const std::filesystem::path& log_file) {
    std::vector<std::string> argv = {HUB_EMULATOR_BIN,
                                     "--port",
                                     "0",
                                     "--token",
                                     options.token,
                                     "--build-seconds",
                                     options.build_seconds,
                                     "--start-seconds",
                                     options.start_seconds,
                                     "--serve-apps",
                                     "--verbose"};
    if (!options.registry_map.empty()) {
      argv.push_back("--registry-map");
      argv.push_back(options.registry_map);
    }
    if (!options.registry_credentials.empty()) {
      argv.push_back("--registry-credentials");
      argv.push_back(options.registry_credentials);
    }
    if (!options.budget.empty()) {
      argv.push_back("--budget");
      argv.push_back(options.budget);
    }
    if (!options.window_seconds.empty()) {
      argv.push_back("--window-seconds");
      argv.push_back(options.window_seconds);
    }
    std::unique_ptr<HubEmulatorProcess> process(new HubEmulatorProcess());
    Status started = Launch(*process, "hub-emulator", argv, log_file);
    if (!started.ok()) return started;
    return process;
  }

 private:
  HubEmulatorProcess() = default;
};

}  // namespace spaceport::e2e
