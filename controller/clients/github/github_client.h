// GithubClient: the GitHub REST API for workflow dispatches and runs, over controller/http.
//
// Three operations, each returning plain values (github_types.h) or a Status from
// github_error.h (401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 422
// kInvalidArgument, rate limits kResourceExhausted, 5xx kUnavailable) whose message names the
// operation and never the token:
//
//  - CreateWorkflowDispatch: POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches
//    with {"ref", "inputs", "return_run_details"}. GitHub (since February 2026) answers 200 with
//    the run's id and URLs when asked; older servers and GitHub Enterprise answer 204, and then
//    the result is nullopt: find the run by an input it shows in its title.
//  - ListWorkflowRuns: GET .../workflows/{workflow}/runs with the filters, following Link
//    rel="next" up to RunFilters::max_pages pages.
//  - GetWorkflowRun: GET /repos/{owner}/{repo}/actions/runs/{id}.
//
// Every request carries Accept: application/vnd.github+json, X-GitHub-Api-Version: 2022-11-28
// and, with a token, Authorization: Bearer (http::Client drops it on a redirect to another
// host). Every request on the wire is admitted by the shared RateBudget, and a rate-limit
// answer pauses every caller of that budget; it is not retried blindly by http::Client, which
// retries 5xx (GET always, POST only on 503).
//
//   auto config = github::ConfigFromEnvironment(github::ProcessEnvironment());
//   auto budget = std::make_shared<github::RateBudget>(clock);
//   auto client = github::GithubClient::Create(*config, clock, budget);
//   auto run = (*client)->CreateWorkflowDispatch("alice", "app", "docker.yml", "main",
//                                                {{"version", "v1.2.0"}, {"build_id", id}});
//   if (run.ok() && *run) follow((*run)->id);
//
// Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "clients/github/github_config.h"
#include "clients/github/github_types.h"
#include "clients/github/rate_budget.h"
#include "http/http.h"
#include "http/rate_limited_transport.h"

namespace spaceport::github {

inline constexpr std::string_view kApiVersion = "2022-11-28";

struct GithubClientOptions {
  http::ClientOptions http;  // redirects and 5xx retries
  std::chrono::milliseconds request_timeout{30000};
  std::string user_agent = "spaceport";  // GitHub rejects requests without a User-Agent
};

class GithubClient {
 public:
  // Sends through `transport` (not owned; it must outlive the client). A null budget gets a
  // private one; pass a shared one so every client of the host pauses together.
  static Result<std::unique_ptr<GithubClient>> Create(GithubConfig config,
                                                      http::Transport& transport, Clock& clock,
                                                      std::shared_ptr<RateBudget> budget = nullptr,
                                                      GithubClientOptions options = {});
  // Owns a cpprestsdk transport (system trust store).
  static Result<std::unique_ptr<GithubClient>> Create(GithubConfig config, Clock& clock,
                                                      std::shared_ptr<RateBudget> budget = nullptr,
                                                      GithubClientOptions options = {});
  ~GithubClient();
  GithubClient(const GithubClient&) = delete;
  GithubClient& operator=(const GithubClient&) = delete;

  const GithubConfig& config() const { return config_; }

  // The run's details on 200, nullopt on 204. `workflow` is a file name or a numeric id.
  Result<std::optional<DispatchedRun>> CreateWorkflowDispatch(std::string_view owner,
                                                              std::string_view repo,
                                                              std::string_view workflow,
                                                              std::string_view ref,
                                                              const WorkflowInputs& inputs,
                                                              bool return_run_details = true);
  // Newest first, as GitHub orders them.
  Result<std::vector<WorkflowRun>> ListWorkflowRuns(std::string_view owner, std::string_view repo,
                                                    std::string_view workflow,
                                                    const RunFilters& filters = {});
  Result<WorkflowRun> GetWorkflowRun(std::string_view owner, std::string_view repo, int64_t id);

  RateBudget& budget() const { return *budget_; }
  int64_t requests_sent() const;

 private:
  GithubClient(GithubConfig config, std::unique_ptr<http::Transport> owned,
               http::Transport& transport, Clock& clock, std::shared_ptr<RateBudget> budget,
               GithubClientOptions options);
  Result<http::Response> Send(std::string method, std::string url, std::string body,
                              std::string_view what);
  std::string RepoApi(std::string_view owner, std::string_view repo) const;

  GithubConfig config_;
  std::unique_ptr<http::Transport> owned_transport_;
  std::shared_ptr<RateBudget> budget_;
  GithubClientOptions options_;
  std::unique_ptr<http::RateLimitedTransport> wire_;
  std::unique_ptr<http::Client> client_;
};

// Checks an owner or repository name: 1–100 characters of [A-Za-z0-9._-], not "." or "..".
Status ValidateRepoPart(std::string_view part, std::string_view what);

// "OWNER/REPO" split in two, each checked by ValidateRepoPart.
Result<std::pair<std::string, std::string>> SplitRepository(std::string_view repository);

}  // namespace spaceport::github
