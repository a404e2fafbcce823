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

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "http/http.h"
#include "support/process.h"

namespace spaceport::e2e {

class GithubEmulatorProcess {
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
    Result<support::ChildProcess> child = support::ChildProcess::Start(argv, log_file);
    if (!child.ok()) return child.status();
    std::unique_ptr<GithubEmulatorProcess> gh(new GithubEmulatorProcess(std::move(*child)));
    const std::string marker = "listening on ";
    for (int i = 0; i < 1000; ++i) {  // up to 10 s
      const std::string log = gh->process_.Log();
      if (const size_t at = log.find(marker); at != std::string::npos) {
        const size_t end = log.find('\n', at);
        if (end != std::string::npos) {
          gh->base_url_ = log.substr(at + marker.size(), end - at - marker.size());
          return gh;
        }
      }
      if (!gh->process_.Running())
        return Status(StatusCode::kUnavailable, "github-emulator exited:\n" + log);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status(StatusCode::kDeadlineExceeded,
                  "github-emulator printed no address within 10 s:\n" + gh->process_.Log());
  }

  const std::string& base_url() const { return base_url_; }
  std::string Log() const { return process_.Log(); }

  // One control request; the answer's JSON when it is 2xx.
  Result<Json> Control(const std::string& method, const std::string& path,
                       const std::string& body = "") {
    http::Request request;
    request.method = method;
    request.url = base_url_ + path;
    request.body = body;
    if (!body.empty()) request.headers.Add("Content-Type", "application/json");
    Result<http::Response> response = transport_->Send(request);
    if (!response.ok()) return response.status();
    if (response->status < 200 || response->status > 299) {
      return FailedPrecondition(method + " " + path + " answered " +
                                std::to_string(response->status) + ": " + response->body);
    }
    return Json::Parse(response->body);
  }

 private:
  explicit GithubEmulatorProcess(support::ChildProcess process)
      : process_(std::move(process)), transport_(http::MakeTransport({})) {}

  support::ChildProcess process_;
  std::unique_ptr<http::Transport> transport_;
  std::string base_url_;
};

}  // namespace spaceport::e2e
