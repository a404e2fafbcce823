// github-emulator: the GitHub Actions emulator as a program, for the fidelity suite and
// end-to-end tests (docs/github-emulator.md lists every flag).
//
//   github-emulator --port 0 --token ghp_alice:alice --workflow acme/app/docker.yml
//       --workflow-inputs 'acme/app/docker.yml=version!,build_id'
//       --run-name 'acme/app/docker.yml=build ${{ inputs.build_id }}'
//       --workflow-command 'acme/app/docker.yml=["sh","-c","echo $INPUT_VERSION"]'
//
// Prints "listening on http://127.0.0.1:PORT" on stdout once it accepts requests, serves until
// SIGTERM or SIGINT (running commands are killed), then exits 0. A malformed flag exits 2. Runs
// on real time plus an offset that POST /__emulator/clock can advance.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "base/json.h"
#include "emulators/common/program.h"
#include "emulators/github/github_emulator.h"
#include "emulators/hub/offset_clock.h"  // header-only; shared with the Hub emulator

namespace {

using spaceport::Json;
using spaceport::github_emulator::Options;
using spaceport::github_emulator::TokenGrant;
using spaceport::github_emulator::WorkflowConfig;

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos <= text.size();) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    if (comma > pos) out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

// "OWNER/REPO/FILE=VALUE" → the workflow (which must have been named by --workflow) and VALUE.
WorkflowConfig* Target(std::vector<WorkflowConfig>& workflows, const std::string& text, std::string& value) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos) return nullptr;
  const std::string key = text.substr(0, eq);
  value = text.substr(eq + 1);
  for (WorkflowConfig& w : workflows) {
    if (w.repository + "/" + w.file == key) return &w;
  }
  return nullptr;
}

int Usage(const std::string& message) {
  std::cerr << "github-emulator: " << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"An emulated GitHub Actions API for tests (see docs/github-emulator.md)"};
  std::string address = "127.0.0.1";
  int port = 0;
  std::vector<std::string> tokens, workflows, commands, inputs, run_names, names, branches;
  double queued_seconds = 1, min_run_seconds = 0, timeout_seconds = 1800;
  int budget = 5000, anonymous_budget = 60, window_seconds = 3600, limited_status = 403;
  bool verbose = false;
  app.add_option("--address", address, "IPv4 address to listen on")->capture_default_str();
  app.add_option("--port", port, "port; 0 picks a free one")->capture_default_str();
  app.add_option("--token", tokens, "TOKEN:LOGIN[:read] (repeatable; read tokens cannot dispatch)");
  app.add_option("--workflow", workflows, "OWNER/REPO/FILE: a workflow_dispatch workflow (repeatable)");
  app.add_option("--workflow-command", commands, "OWNER/REPO/FILE=[\"argv\",...]: what its runs execute");
  app.add_option("--workflow-inputs", inputs, "OWNER/REPO/FILE=name,name!: declared inputs (! = required)");
  app.add_option("--run-name", run_names, "OWNER/REPO/FILE=TEMPLATE: run-name, e.g. 'build ${{ inputs.build_id }}'");
  app.add_option("--workflow-name", names, "OWNER/REPO/FILE=NAME: the workflow's name");
  app.add_option("--branches", branches, "OWNER/REPO=main,dev: the refs dispatch accepts (default main)");
  app.add_option("--queued-seconds", queued_seconds, "time a run stays queued")->capture_default_str();
  app.add_option("--min-run-seconds", min_run_seconds, "least time a run is in_progress")->capture_default_str();
  app.add_option("--command-timeout-seconds", timeout_seconds, "commands are killed after this")
      ->capture_default_str();
  app.add_option("--budget", budget, "requests per token per window")->capture_default_str();
  app.add_option("--anonymous-budget", anonymous_budget, "requests per window without a token")
      ->capture_default_str();
  app.add_option("--window-seconds", window_seconds, "rate limit window")->capture_default_str();
  app.add_option("--rate-limited-status", limited_status, "403 or 429 once a budget is spent")
      ->capture_default_str();
  app.add_flag("--verbose", verbose, "log one line per request to stderr");
  CLI11_PARSE(app, argc, argv);

  Options options;
  for (const std::string& t : tokens) {
    const auto parts = [&] {
      std::vector<std::string> out;
      for (size_t pos = 0; pos <= t.size();) {
        size_t colon = t.find(':', pos);
        if (colon == std::string::npos) colon = t.size();
        out.push_back(t.substr(pos, colon - pos));
        pos = colon + 1;
      }
      return out;
    }();
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty() ||
        (parts.size() == 3 && parts[2] != "read" && parts[2] != "write")) {
      return Usage("--token wants TOKEN:LOGIN[:read]");
    }
    options.tokens.push_back(TokenGrant{parts[0], parts[1], parts.size() == 2 || parts[2] == "write"});
  }
  for (const std::string& w : workflows) {
    const size_t last = w.rfind('/');
    if (last == std::string::npos || w.find('/') == last) return Usage("--workflow wants OWNER/REPO/FILE");
    WorkflowConfig config;
    config.repository = w.substr(0, last);
    config.file = w.substr(last + 1);
    options.workflows.push_back(std::move(config));
  }
  std::string value;
  for (const std::string& c : commands) {
    WorkflowConfig* w = Target(options.workflows, c, value);
    spaceport::Result<Json> argv_json = Json::Parse(value);
    if (!w || !argv_json.ok() || !argv_json->is_array() || argv_json->size() == 0) {
      return Usage("--workflow-command wants OWNER/REPO/FILE=[\"argv0\",...] for a --workflow");
    }
    for (size_t i = 0; i < argv_json->size(); ++i) w->command.push_back(argv_json->At(i).AsString());
  }
  for (const std::string& in : inputs) {
    WorkflowConfig* w = Target(options.workflows, in, value);
    if (!w) return Usage("--workflow-inputs wants OWNER/REPO/FILE=name,name! for a --workflow");
    for (std::string name : SplitCommas(value)) {
      const bool required = name.back() == '!';
      if (required) name.pop_back();
      w->inputs.push_back({name, required, ""});
    }
  }
  for (const std::string& r : run_names) {
    WorkflowConfig* w = Target(options.workflows, r, value);
    if (!w) return Usage("--run-name wants OWNER/REPO/FILE=TEMPLATE for a --workflow");
    w->run_name = value;
  }
  for (const std::string& n : names) {
    WorkflowConfig* w = Target(options.workflows, n, value);
    if (!w) return Usage("--workflow-name wants OWNER/REPO/FILE=NAME for a --workflow");
    w->name = value;
  }
  for (const std::string& b : branches) {
    const size_t eq = b.find('=');
    if (eq == std::string::npos || b.find('/') > eq) return Usage("--branches wants OWNER/REPO=main,dev");
    options.branches[b.substr(0, eq)] = SplitCommas(b.substr(eq + 1));
  }
  if (budget < 1 || anonymous_budget < 1 || window_seconds < 1 || queued_seconds < 0 || min_run_seconds < 0 ||
      timeout_seconds <= 0 || (limited_status != 403 && limited_status != 429)) {
    return Usage("budgets and window must be positive, times not negative, the status 403 or 429");
  }
  options.queued_time = spaceport::Clock::Duration(static_cast<int64_t>(queued_seconds * 1000));
  options.min_run_time = spaceport::Clock::Duration(static_cast<int64_t>(min_run_seconds * 1000));
  options.command_timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
  options.rate_limit = budget;
  options.anonymous_rate_limit = anonymous_budget;
  options.rate_window = std::chrono::seconds(window_seconds);
  options.rate_limited_status = limited_status;
  if (verbose) options.request_log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };

  spaceport::emulators::StopSignals stop;  // before any thread starts
  spaceport::hub_emulator::OffsetClock clock(spaceport::RealClock::Instance());
  options.advance_clock = [&clock](spaceport::Clock::Duration d) { clock.Advance(d); };
  spaceport::github_emulator::GithubEmulator github(std::move(options), clock);
  return spaceport::emulators::ServeUntilStopped("github-emulator", github, address, port, stop);
}
