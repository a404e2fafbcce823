// GithubEmulator: the slice of GitHub's REST API that Spaceport's GitHub Actions build backend
// uses, on loopback, closely enough that the official @octokit/rest client works against it and
// every answer validates against GitHub's OpenAPI description (tests/github-fidelity).
//
// It emulates: workflow_dispatch (POST .../actions/workflows/{id|file}/dispatches, 204, or 200
// with {workflow_run_id, run_url, html_url} when return_run_details is true), listing a
// workflow's runs with filters and Link paging, getting and cancelling a run; tokens with write
// or read permission (401, 403); GitHub's primary rate limit with x-ratelimit-* headers on every
// answer; fault switches; and a control API (/__emulator/..., docs/github-emulator.md).
// A dispatched run really executes its workflow's configured command (argv, no shell) on a
// worker thread, with the inputs as INPUT_<NAME> and GITHUB_RUN_ID in its environment; exit 0
// concludes `success`, anything else `failure`, and the output's tail is kept.
//
//   FakeClock clock;
//   Options options;
//   options.tokens.push_back({"ghp_alice", "alice"});
//   WorkflowConfig docker;
//   docker.repository = "acme/app";
//   docker.file = "docker.yml";
//   docker.command = {"sh", "-c", "echo $INPUT_VERSION"};
//   options.workflows.push_back(docker);
//   GithubEmulator github(options, clock);
//   if (Status s = github.Listen(); !s.ok()) return s;   // GITHUB_API_URL = github.base_url()
//   github.WaitForRuns();                                  // every started command has exited
//
// Run stages move on the injected Clock (queued_time, min_run_time), so unit tests drive them
// with a FakeClock through Handle(); commands run in real time. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "emulators/github/options.h"
#include "http/http.h"

namespace spaceport::github_emulator {

struct State;

class GithubEmulator {
 public:
  GithubEmulator(Options options, Clock& clock);
  ~GithubEmulator();  // stops: cancels running commands and joins their workers
  GithubEmulator(const GithubEmulator&) = delete;
  GithubEmulator& operator=(const GithubEmulator&) = delete;

  // Serves on address:port (0 = a free port); URLs in answers then use base_url().
  Status Listen(const std::string& address = "127.0.0.1", int port = 0);
  std::string base_url() const;
  void Stop();  // idempotent

  // Serves one request in process, exactly as the server would.
  http::Response Handle(const http::Server::IncomingRequest& request);

  // The control API from C++: a /__emulator/ request's JSON answer, or a Status with its error.
  //   Control("POST", "/__emulator/workflows", R"({"repository":"a/b","file":"x.yml"})")
  //   Control("GET", "/__emulator/runs")
  Result<Json> Control(const std::string& method, const std::string& path, const std::string& body = "");

  // Blocks until no run is executing its command (queued runs are not waited for).
  void WaitForRuns();

 private:
  std::unique_ptr<State> state_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace spaceport::github_emulator
