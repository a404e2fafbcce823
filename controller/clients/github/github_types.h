// Plain values of the GitHub Actions workflow API, as GithubClient returns them.
//
// WorkflowRun is the subset of GitHub's workflow-run object Spaceport reads: the id, the title
// shown in the Actions UI (display_title: the workflow's run-name, where a dispatched build
// shows its BuildID), status (queued, in_progress, completed, waiting, requested, pending) and,
// once completed, conclusion (success, failure, cancelled, timed_out, ...).
//
//   github::RunFilters filters{.event = "workflow_dispatch", .per_page = 100};
//   for (const github::WorkflowRun& run : *client->ListWorkflowRuns("alice", "app", "docker.yml",
//                                                                   filters)) { ... }
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace spaceport::github {

// What a dispatch with return_run_details answers with (200): the run it created.
struct DispatchedRun {
  int64_t id = 0;        // workflow_run_id
  std::string url;       // run_url: the API URL of the run
  std::string html_url;  // the run's page
};

struct WorkflowRun {
  int64_t id = 0;
  std::string display_title;
  std::string status;      // queued, in_progress, completed, ...
  std::string conclusion;  // "" until completed
  std::string html_url;
  std::string created_at;  // RFC 3339
  std::string event;
  std::string head_branch;
};

// Query filters of "list workflow runs for a workflow"; empty fields are not sent.
struct RunFilters {
  std::string event;   // workflow_dispatch
  std::string branch;
  std::string status;
  std::string created;  // ">=2026-01-01T00:00:00Z"
  int per_page = 100;   // GitHub's maximum
  int max_pages = 5;    // Link rel="next" is followed at most this many pages in all
};

// The inputs of a dispatch, by name (GitHub accepts up to 25, all strings here).
using WorkflowInputs = std::map<std::string, std::string>;

}  // namespace spaceport::github
