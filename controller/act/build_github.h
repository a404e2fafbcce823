// GithubActionsBuilder: builds an image version with a GitHub Actions workflow_dispatch.
//
// Start renders the spec's inputs ({{ .Version }}, {{ .Image }}, {{ .BuildID }}), first looks
// for a run of this build already (Find), and dispatches only when there is none. At least one
// rendered input must contain the BuildID: the workflow shows it in its run-name, and that title
// is how the run is found again — after a restart, or when the server answers the dispatch with
// 204 instead of the run's details. Runs are matched by the BuildID as a whole word of
// display_title among the workflow's workflow_dispatch runs, never by time; when several match
// (a human re-ran it) the newest wins. After a 204 the run appears asynchronously, so Start
// looks for it a few times with backoff on the injected Clock; when it still has not appeared,
// Start returns a handle without an id, and Poll keeps looking (queued) — it never dispatches
// again: a Start for a build this builder dispatched whose run is still not listed returns the
// same id-less handle instead of dispatching a second run.
//
// A GitHub that never shows the run, or a run no runner takes, does not hold a deployment for
// ever: a dispatched run still not listed after `max_unlisted`, or a run still queued
// `max_queued` after GitHub created it, is a failed build (BuildFailed) whose message says which
// and what to check. Each Poll costs at most `max_pages` list requests (plus one run read).
//
// Poll reads the run: queued/waiting/requested/pending → queued, in_progress → in_progress,
// completed + success → succeeded, any other conclusion → failed ("the run concluded
// failure"). The handle's url is the run's page (html_url), for status and reports.
//
//   github::GithubClient& client = ...;              // shares one RateBudget per host
//   act::GithubActionsBuilder builder(client, clock);
//   auto handle = builder.Start(request);            // {githubActions, "123456", html_url}
//   auto state = builder.Poll(request, *handle);
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "act/builder.h"
#include "base/clock.h"
#include "clients/github/github_client.h"

namespace spaceport::act {

struct GithubActionsBuilderOptions {
  // Waits before each search for a run dispatched with a 204 answer (the first search is
  // immediate): 1 + 2 + 4 + 8 s by default.
  std::vector<Clock::Duration> find_backoff = {std::chrono::seconds(1), std::chrono::seconds(2),
                                               std::chrono::seconds(4), std::chrono::seconds(8)};
  int max_pages = 3;  // pages of 100 runs searched for a BuildID
  // How long a dispatched run may stay unlisted, and a listed run queued, before the build fails.
  Clock::Duration max_unlisted = std::chrono::minutes(10);
  Clock::Duration max_queued = std::chrono::hours(1);
};

class GithubActionsBuilder final : public Builder {
 public:
  GithubActionsBuilder(github::GithubClient& client, Clock& clock,
                       GithubActionsBuilderOptions options = {});

  std::string_view backend() const override { return kGithubActionsBackend; }
  Result<BuildHandle> Start(const BuildRequest& request) override;
  Result<std::optional<BuildHandle>> Find(const BuildRequest& request) override;
  Result<BuildState> Poll(const BuildRequest& request, const BuildHandle& handle) override;

 private:
  // When this builder dispatched the build (or, after a restart, first looked for its run and
  // did not find it), by BuildID: how long the run has been unlisted, and what stops a second
  // dispatch. Entries go once the run is found.
  Clock::TimePoint UnlistedSince(const std::string& build_id, bool dispatched_now);

  github::GithubClient& client_;
  Clock& clock_;
  GithubActionsBuilderOptions options_;
  std::mutex mu_;
  std::map<std::string, Clock::TimePoint> unlisted_since_;
  std::set<std::string> dispatched_;  // build ids this builder dispatched
};

// True when `title` contains `build_id` as a whole word (not inside a longer token), so
// "build sp-0123456789ab" matches sp-0123456789ab and "sp-0123456789abc" does not.
bool TitleShowsBuildId(std::string_view title, std::string_view build_id);

}  // namespace spaceport::act
