// GithubEmulatorProcess: the `github-emulator` program (GITHUB_EMULATOR_BIN) on a free loopback
// port with one workflow, and a client for its control API (/__emulator/…,
// docs/github-emulator.md).
//
// The build end-to-end tests point `spaceport` at it with GITHUB_API_URL and GITHUB_TOKEN, so
// the githubActions backend dispatches a real workflow_dispatch over HTTP, and the workflow's run
// executes a real command on this machine (a script that pushes a tag into the test registry).
// Start() returns once the program has printed `listening on http://127.0.0.1:PORT`; the
// destructor stops it by PID (SIGTERM, then SIGKILL), which also kills running commands. It runs
// with --verbose, so Log() holds one line per API request for failure messages.
//
//   GithubEmulatorProcess::Options o;
//   o.workflow = "acme/app/docker.yml";
//   o.inputs = "version!,build_id";
//   o.run_name = "build ${{ inputs.build_id }}";
//   o.command = {"/bin/sh", "/tmp/x/push.sh"};       // sees INPUT_VERSION, INPUT_BUILD_ID
//   auto gh = GithubEmulatorProcess::Start(o, dir.path() / "github.log");
//   ASSERT_TRUE(gh.ok()) << gh.status().ToString();
//   Result<Json> runs = (*gh)->Control("GET", "/__emulator/runs");
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "e2e/emulator_process.h"

namespace spaceport::e2e {

class GithubEmulatorProcess : public EmulatorProcess {
 public:
  struct Options {
    std::string token = "ghp_e2e:acme-bot";  // TOKEN:LOGIN
    std::string workflow = "acme/app/docker.yml";
    std::string inputs = "version!,build_id";
    std::string run_name = "build ${{ inputs.build_id }}";
    std::vector<std::string> command;  // empty: runs succeed without running anything
    std::string queued_seconds = "0.5";
  };

  static Result<std::unique_ptr<GithubEmulatorProcess>> Start(
      const Options& options, const std::filesystem::path& log_file) {
    std::vector<std::string> argv = {GITHUB_EMULATOR_BIN,
                                     "--port",
                                     "0",
                                     "--token",
                                     options.token,
                                     "--workflow",
                                     options.workflow,
                                     "--workflow-inputs",
                                     options.workflow + "=" + options.inputs,
                                     "--run-name",
                                     options.workflow + "=" + options.run_name,
                                     "--queued-seconds",
                                     options.queued_seconds,
                                     "--verbose"};
    if (!options.command.empty()) {
      Json command = Json::Array();
      for (const std::string& arg : options.command) command.Push(Json(arg));
      argv.push_back("--workflow-command");
      argv.push_back(options.workflow + "=" + command.Dump());
    }
    std::unique_ptr<GithubEmulatorProcess> process(new GithubEmulatorProcess());
    Status started = Launch(*process, "github-emulator", argv, log_file);
    if (!started.ok()) return started;
    return process;
  }

 private:
  GithubEmulatorProcess() = default;
};

}  // namespace spaceport::e2e
