// The GitHub emulator's state (internal to this folder): workflows, runs, tokens, rate limits,
// faults and request counts, all behind one mutex. Routes (routes_actions.cpp,
// routes_control.cpp) read and change it with the mutex held; run workers (runs.cpp) take the
// mutex only to move a run between stages, never while its command runs.
//
// A run's stage is a function of the Clock and of its command: `queued` until
// created_at + queued_time, then `in_progress` (its worker starts the command), then
// `completed` once the command has exited and min_run_time has passed since it started.
// Settle() applies those rules up to now; every request calls it first, so polling more or
// less often never changes a run's history.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "emulators/github/faults.h"
#include "emulators/github/options.h"
#include "emulators/github/rate_limiter.h"

namespace spaceport::github_emulator {

struct Workflow {
  int64_t id = 0;
  WorkflowConfig config;
  std::string name() const { return config.name.empty() ? config.file : config.name; }
  std::string path() const { return ".github/workflows/" + config.file; }
};

struct Run {
  int64_t id = 0;
  int64_t run_number = 0;
  int64_t workflow_id = 0;
  std::string repository;
  std::string branch;
  std::string actor;
  std::string display_title;
  std::map<std::string, std::string> inputs;  // every declared input, defaults filled in
  std::vector<std::string> command;
  Clock::TimePoint created_at{};
  Clock::TimePoint started_at{};    // valid once started
  Clock::TimePoint completed_at{};  // valid once completed
  bool started = false;
  bool command_done = false;
  bool completed = false;
  std::string conclusion;  // success, failure, cancelled, timed_out (once completed)
  std::optional<int> exit_code;
  std::string output_tail;
  Clock::TimePoint command_finished_at{};
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);

  std::string status() const { return completed ? "completed" : started ? "in_progress" : "queued"; }
  Clock::TimePoint updated_at() const { return completed ? completed_at : started ? started_at : created_at; }
};

struct State {
  State(Options o, Clock& c) : options(std::move(o)), clock(c), limiter(options.rate_window) {}

  std::mutex mu;
  std::condition_variable changed;  // a run moved, or the emulator is stopping
  Options options;
  Clock& clock;
  std::string base_url = "http://127.0.0.1";

  std::vector<Workflow> workflows;
  std::map<int64_t, Run> runs;  // by id
  int64_t next_workflow_id = 161335;
  int64_t next_run_id = 30433642;
  std::map<int64_t, int64_t> run_numbers;  // workflow id → last run_number

  RateLimiter limiter;
  FaultTable faults;
  int64_t requests_total = 0;
  std::map<std::string, int64_t> requests_by_route;

  std::vector<std::thread> workers;
  bool stopping = false;

  // Adds or replaces (same repository and file) a workflow.
  Result<Workflow*> AddWorkflow(WorkflowConfig config);
  // By numeric id or file name; null when the repository has no such workflow.
  Workflow* FindWorkflow(const std::string& repository, const std::string& id_or_file);
  const Workflow* WorkflowOf(const Run& run) const;
  bool HasRepository(const std::string& repository) const;
  std::vector<std::string> BranchesOf(const std::string& repository) const;
  const TokenGrant* FindToken(const std::string& token) const;

  // Moves every run to its stage as of now (see the top of this file). Needs `mu`.
  void Settle();
  // Starts the worker thread of a new run. Needs `mu`.
  void StartWorker(int64_t run_id);

  Json RunJson(const Run& run) const;
  Json WorkflowJson(const Workflow& workflow) const;
};

}  // namespace spaceport::github_emulator
