#include "emulators/github/state.h"

#include <algorithm>
#include <cctype>

#include "emulators/github/command_runner.h"
#include "emulators/github/github_json.h"

namespace spaceport::github_emulator {
namespace {

int64_t RepositoryId(const std::string& full_name) {
  return 100000 + std::stoll(FakeSha(full_name).substr(0, 6), nullptr, 16);
}

// INPUT_<NAME>: upper-cased, characters other than letters, digits and '_' become '_'.
std::string InputVariable(const std::string& name) {
  std::string out = "INPUT_";
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    out += std::isalnum(u) || c == '_' ? static_cast<char>(std::toupper(u)) : '_';
  }
  return out;
}

std::string ConclusionOf(const CommandOutcome& outcome) {
  switch (outcome.end) {
    case CommandOutcome::End::kExited:
      return outcome.exit_code == 0 ? "success" : "failure";
    case CommandOutcome::End::kCancelled:
      return "cancelled";
    case CommandOutcome::End::kTimedOut:
      return "timed_out";
    default:
      return "failure";
  }
}

// The worker of one run: waits (on the Clock, polled) until the run starts, runs its command
// without holding the mutex, and records the outcome.
void Work(State& s, int64_t id) {
  std::unique_lock<std::mutex> lock(s.mu);
  Run& run = s.runs.at(id);  // std::map references stay valid
  while (!s.stopping && !run.cancel->load()) {
    s.Settle();
    if (run.started) break;
    s.changed.wait_for(lock, std::chrono::milliseconds(20));
  }
  if (run.started && !run.completed) {
    CommandOutcome outcome;
    if (!run.command.empty() && !s.stopping) {
      const Workflow* workflow = s.WorkflowOf(run);
      std::map<std::string, std::string> env;
      for (const auto& [name, value] : run.inputs) env[InputVariable(name)] = value;
      env["GITHUB_RUN_ID"] = std::to_string(run.id);
      env["GITHUB_RUN_NUMBER"] = std::to_string(run.run_number);
      env["GITHUB_RUN_ATTEMPT"] = "1";
      env["GITHUB_REPOSITORY"] = run.repository;
      env["GITHUB_WORKFLOW"] = workflow ? workflow->name() : "";
      env["GITHUB_EVENT_NAME"] = "workflow_dispatch";
      env["GITHUB_REF"] = "refs/heads/" + run.branch;
      env["GITHUB_REF_NAME"] = run.branch;
      env["GITHUB_SHA"] = FakeSha(run.repository + "@" + run.branch);
      env["GITHUB_ACTOR"] = run.actor;
      const std::vector<std::string> argv = run.command;
      const auto timeout = s.options.command_timeout;
      const size_t tail = s.options.output_tail_bytes;
      const std::shared_ptr<std::atomic<bool>> cancel = run.cancel;
      lock.unlock();
      outcome = RunCommand(argv, env, timeout, tail, *cancel);
      lock.lock();
    } else {
      outcome.end = run.cancel->load() ? CommandOutcome::End::kCancelled : CommandOutcome::End::kExited;
      outcome.exit_code = 0;
    }
    run.command_done = true;
    run.command_finished_at = s.clock.Now();
    run.conclusion = ConclusionOf(outcome);
    if (outcome.end == CommandOutcome::End::kExited) run.exit_code = outcome.exit_code;
    run.output_tail = std::move(outcome.output_tail);
    s.Settle();
  }
  s.changed.notify_all();
}

}  // namespace

Result<Workflow*> State::AddWorkflow(WorkflowConfig config) {
  const size_t slash = config.repository.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == config.repository.size() ||
      config.repository.find('/', slash + 1) != std::string::npos) {
    return InvalidArgument("repository must be OWNER/REPO, not \"" + config.repository + "\"");
  }
  if (config.file.empty() || config.file.find('/') != std::string::npos) {
    return InvalidArgument("file must be a workflow file name such as docker.yml");
  }
  for (Workflow& w : workflows) {
    if (w.config.repository == config.repository && w.config.file == config.file) {
      w.config = std::move(config);
      return &w;
    }
  }
  workflows.push_back(Workflow{next_workflow_id++, std::move(config)});
  return &workflows.back();
}

Workflow* State::FindWorkflow(const std::string& repository, const std::string& id_or_file) {
  for (Workflow& w : workflows) {
    if (w.config.repository != repository) continue;
    if (w.config.file == id_or_file || std::to_string(w.id) == id_or_file) return &w;
  }
  return nullptr;
}

const Workflow* State::WorkflowOf(const Run& run) const {
  for (const Workflow& w : workflows) {
    if (w.id == run.workflow_id) return &w;
  }
  return nullptr;
}

bool State::HasRepository(const std::string& repository) const {
  return options.branches.count(repository) > 0 ||
         std::any_of(workflows.begin(), workflows.end(),
                     [&](const Workflow& w) { return w.config.repository == repository; });
}

std::vector<std::string> State::BranchesOf(const std::string& repository) const {
  auto it = options.branches.find(repository);
  return it == options.branches.end() ? std::vector<std::string>{"main"} : it->second;
}

const TokenGrant* State::FindToken(const std::string& token) const {
  for (const TokenGrant& t : options.tokens) {
    if (t.token == token) return &t;
  }
  return nullptr;
}

void State::Settle() {
  const Clock::TimePoint now = clock.Now();
  bool moved = false;
  for (auto& [id, run] : runs) {
    if (run.completed) continue;
    if (!run.started && now >= run.created_at + options.queued_time) {
      run.started = true;
      run.started_at = run.created_at + options.queued_time;
      moved = true;
    }
    if (run.started && run.command_done) {
      const bool cancelled = run.conclusion == "cancelled";
      const Clock::TimePoint due = std::max(run.command_finished_at, run.started_at + options.min_run_time);
      if (cancelled || now >= due) {
        run.completed = true;
        run.completed_at = cancelled ? run.command_finished_at : due;
        moved = true;
      }
    }
  }
  if (moved) changed.notify_all();
}

void State::StartWorker(int64_t run_id) {
  if (stopping) {  // Stop() has joined the workers; a new one would never be joined
    Run& run = runs.at(run_id);
    run.started = run.command_done = run.completed = true;
    run.started_at = run.completed_at = run.command_finished_at = clock.Now();
    run.conclusion = "cancelled";
    return;
  }
  workers.emplace_back([this, run_id] { Work(*this, run_id); });
}

Json State::WorkflowJson(const Workflow& w) const {
  const std::string repo_api = base_url + "/repos/" + w.config.repository;
  Json j = Json::Object();
  j.Set("id", Json(w.id));
  j.Set("node_id", Json("W_" + FakeSha(std::to_string(w.id)).substr(0, 12)));
  j.Set("name", Json(w.name()));
  j.Set("path", Json(w.path()));
  j.Set("state", Json("active"));
  j.Set("created_at", Json(IsoTime(std::chrono::system_clock::from_time_t(1767225600))));
  j.Set("updated_at", Json(IsoTime(std::chrono::system_clock::from_time_t(1767225600))));
  j.Set("url", Json(repo_api + "/actions/workflows/" + std::to_string(w.id)));
  j.Set("html_url", Json(base_url + "/" + w.config.repository + "/blob/main/" + w.path()));
  j.Set("badge_url", Json(base_url + "/" + w.config.repository + "/workflows/" + w.name() + "/badge.svg"));
  return j;
}

Json State::RunJson(const Run& run) const {
  const Workflow* workflow = WorkflowOf(run);
  const std::string repo_api = base_url + "/repos/" + run.repository;
  const std::string url = repo_api + "/actions/runs/" + std::to_string(run.id);
  const std::string sha = FakeSha(run.repository + "@" + run.branch);
  const int64_t repo_id = RepositoryId(run.repository);
  const int64_t actor_id = 2000 + static_cast<int64_t>(run.actor.size());
  Json j = Json::Object();
  j.Set("id", Json(run.id));
  j.Set("name", Json(workflow ? workflow->name() : ""));
  j.Set("node_id", Json("WFR_" + FakeSha(std::to_string(run.id)).substr(0, 16)));
  j.Set("check_suite_id", Json(run.id + 1000000000));
  j.Set("check_suite_node_id", Json("CS_" + FakeSha("cs" + std::to_string(run.id)).substr(0, 16)));
  j.Set("head_branch", Json(run.branch));
  j.Set("head_sha", Json(sha));
  j.Set("path", Json(workflow ? workflow->path() : ""));
  j.Set("display_title", Json(run.display_title));
  j.Set("run_number", Json(run.run_number));
  j.Set("event", Json("workflow_dispatch"));
  j.Set("status", Json(run.status()));
  j.Set("conclusion", run.completed ? Json(run.conclusion) : Json(nullptr));
  j.Set("workflow_id", Json(run.workflow_id));
  j.Set("url", Json(url));
  j.Set("html_url", Json(base_url + "/" + run.repository + "/actions/runs/" + std::to_string(run.id)));
  j.Set("pull_requests", Json::Array());
  j.Set("created_at", Json(IsoTime(run.created_at)));
  j.Set("updated_at", Json(IsoTime(run.updated_at())));
  j.Set("actor", SimpleUser(base_url, run.actor, actor_id));
  j.Set("run_attempt", Json(1));
  j.Set("referenced_workflows", Json::Array());
  j.Set("run_started_at", Json(IsoTime(run.started ? run.started_at : run.created_at)));
  j.Set("triggering_actor", SimpleUser(base_url, run.actor, actor_id));
  j.Set("jobs_url", Json(url + "/jobs"));
  j.Set("logs_url", Json(url + "/logs"));
  j.Set("check_suite_url", Json(repo_api + "/check-suites/" + std::to_string(run.id + 1000000000)));
  j.Set("artifacts_url", Json(url + "/artifacts"));
  j.Set("cancel_url", Json(url + "/cancel"));
  j.Set("rerun_url", Json(url + "/rerun"));
  j.Set("previous_attempt_url", Json(nullptr));
  j.Set("workflow_url", Json(repo_api + "/actions/workflows/" + std::to_string(run.workflow_id)));
  Json person = Json::Object();
  person.Set("name", Json(run.actor));
  person.Set("email", Json(run.actor + "@users.noreply.github.com"));
  Json commit = Json::Object();
  commit.Set("id", Json(sha));
  commit.Set("tree_id", Json(FakeSha("tree:" + sha)));
  commit.Set("message", Json("Head of " + run.branch));
  commit.Set("timestamp", Json(IsoTime(std::chrono::system_clock::from_time_t(1767225600))));
  commit.Set("author", person);
  commit.Set("committer", person);
  j.Set("head_commit", std::move(commit));
  j.Set("repository", MinimalRepository(base_url, run.repository, repo_id));
  j.Set("head_repository", MinimalRepository(base_url, run.repository, repo_id));
  return j;
}

}  // namespace spaceport::github_emulator
