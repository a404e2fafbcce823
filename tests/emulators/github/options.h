// Options of the GitHub emulator: who may call it, which repositories and workflows exist, and
// how runs and rate limits behave. Everything here can also be changed at run time through the
// control API (POST /__emulator/workflows, docs/github-emulator.md).
//
//   Options options;
//   options.tokens.push_back({"ghp_alice", "alice"});
//   WorkflowConfig docker;
//   docker.repository = "acme/app";
//   docker.file = "docker.yml";
//   docker.inputs = {{"version", true, ""}, {"build_id", false, ""}};
//   docker.run_name = "build ${{ inputs.build_id }}";
//   docker.command = {"sh", "-c", "echo building $INPUT_VERSION"};
//   options.workflows.push_back(docker);
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"

namespace spaceport::github_emulator {

struct TokenGrant {
  std::string token;
  std::string login;
  bool can_write = true;  // false: reads work, dispatch answers 403
};

// One `on.workflow_dispatch.inputs` entry of a workflow file.
struct WorkflowInput {
  std::string name;
  bool required = false;
  std::string default_value;  // used when the caller leaves the input out
};

struct WorkflowConfig {
  std::string repository;  // "owner/repo"
  std::string file;        // "docker.yml", under .github/workflows/
  std::string name;        // the workflow's `name:`; empty = the file name
  std::vector<WorkflowInput> inputs;
  // The `run-name:` template; `${{ inputs.NAME }}` and `${{ github.event.inputs.NAME }}` are
  // replaced by input values. Empty = the workflow's name, as GitHub shows it.
  std::string run_name;
  // The argv a run executes (no shell); empty = the run succeeds without doing anything.
  std::vector<std::string> command;
};

struct Options {
  std::vector<TokenGrant> tokens;
  std::vector<WorkflowConfig> workflows;
  // Branches of each repository ("owner/repo" → names); a repository not listed has only "main".
  std::map<std::string, std::vector<std::string>> branches;

  // Run stages on the injected Clock: a run stays `queued` this long, then its command starts;
  // it is `completed` once the command has exited and at least `min_run_time` has passed since
  // it started (so tests see `in_progress` however fast the command is).
  Clock::Duration queued_time{0};
  Clock::Duration min_run_time{0};
  // Real time a command may run before it is killed (conclusion `timed_out`).
  std::chrono::milliseconds command_timeout{std::chrono::minutes(30)};
  size_t output_tail_bytes = 64 * 1024;

  // Primary rate limit ("core"): requests per token per window; anonymous callers share one.
  int rate_limit = 5000;
  int anonymous_rate_limit = 60;
  std::chrono::seconds rate_window{3600};
  int rate_limited_status = 403;  // GitHub answers 403 or 429 once the budget is spent

  // Moves the clock forward (POST /__emulator/clock); unset = 501.
  std::function<void(Clock::Duration)> advance_clock;
  // One line per request ("POST /repos/a/b/actions/workflows/x.yml/dispatches -> 204").
  std::function<void(const std::string&)> request_log;
};

}  // namespace spaceport::github_emulator
