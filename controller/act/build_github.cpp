#include "act/build_github.h"

#include "act/build_render.h"
#include "clients/github/github_error.h"

namespace spaceport::act {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

struct Workflow {
  std::string owner, repo, name, ref;
};

Result<Workflow> WorkflowOf(const BuildRequest& request) {
  if (!request.spec.github_actions) {
    return InvalidArgument("the build of " + request.Image() + " has no githubActions section");
  }
  const spec::GithubActionsBuild& gh = *request.spec.github_actions;
  auto parts = github::SplitRepository(gh.repository);
  if (!parts.ok()) return parts.status();
  return Workflow{parts->first, parts->second, gh.workflow, gh.ref};
}

// "12 min", "90 s": a duration in a message.
std::string Minutes(Clock::Duration d) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (seconds < 120) return std::to_string(seconds) + " s";
  return std::to_string(seconds / 60) + " min";
}

BuildHandle HandleFor(const github::WorkflowRun& run) {
  return BuildHandle{std::string(kGithubActionsBackend), std::to_string(run.id), run.html_url};
}

}  // namespace

bool TitleShowsBuildId(std::string_view title, std::string_view build_id) {
  if (build_id.empty()) return false;
  for (size_t pos = title.find(build_id); pos != std::string_view::npos;
       pos = title.find(build_id, pos + 1)) {
    const size_t end = pos + build_id.size();
    const bool starts = pos == 0 || !IsWordChar(title[pos - 1]);
    const bool ends = end == title.size() || !IsWordChar(title[end]);
    if (starts && ends) return true;
  }
  return false;
}

GithubActionsBuilder::GithubActionsBuilder(github::GithubClient& client, Clock& clock,
                                           GithubActionsBuilderOptions options)
    : client_(client), clock_(clock), options_(std::move(options)) {}

Clock::TimePoint GithubActionsBuilder::UnlistedSince(const std::string& build_id,
                                                     bool dispatched_now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (dispatched_now) {
    dispatched_.insert(build_id);
    return unlisted_since_[build_id] = clock_.Now();
  }
  return unlisted_since_.emplace(build_id, clock_.Now()).first->second;
}

Result<std::optional<BuildHandle>> GithubActionsBuilder::Find(const BuildRequest& request) {
  auto workflow = WorkflowOf(request);
  if (!workflow.ok()) return workflow.status();
  github::RunFilters filters;
  filters.event = "workflow_dispatch";
  filters.per_page = 100;
  filters.max_pages = options_.max_pages;
  auto runs = client_.ListWorkflowRuns(workflow->owner, workflow->repo, workflow->name, filters);
  if (!runs.ok()) return runs.status();
  const github::WorkflowRun* newest = nullptr;
  for (const github::WorkflowRun& run : *runs) {
    if (!TitleShowsBuildId(run.display_title, request.build_id)) continue;
    // RFC 3339 UTC timestamps compare as strings; ids break ties (they only grow).
    if (newest == nullptr || run.created_at > newest->created_at ||
        (run.created_at == newest->created_at && run.id > newest->id)) {
      newest = &run;
    }
  }
  if (newest == nullptr) return std::optional<BuildHandle>();
  return std::optional<BuildHandle>(HandleFor(*newest));
}

Result<BuildHandle> GithubActionsBuilder::Start(const BuildRequest& request) {
  auto workflow = WorkflowOf(request);
  if (!workflow.ok()) return workflow.status();
  const PlaceholderValues values{request.version, request.Image(), request.build_id};
  github::WorkflowInputs inputs;
  bool carries_build_id = false;
  for (const auto& [name, text] : request.spec.github_actions->inputs) {
    auto rendered = RenderPlaceholders(text, values);
    if (!rendered.ok()) {
      return InvalidArgument("input " + name + " of the build of " + request.Image() + ": " +
                             rendered.status().message());
    }
    carries_build_id = carries_build_id || TitleShowsBuildId(*rendered, request.build_id);
    inputs[name] = std::move(*rendered);
  }
  if (!carries_build_id) {
    return FailedPrecondition(
        "no input of the githubActions build of " + request.Image() +
        " carries {{ .BuildID }}: pass it as an input (build_id: \"{{ .BuildID }}\") and show it "
        "in the workflow's run-name, so the run can be found again and never started twice");
  }

  auto existing = Find(request);
  if (!existing.ok()) return existing.status();
  if (*existing) return **existing;
  {
    // Dispatched by us and still not listed: a second dispatch would be a second build.
    std::lock_guard<std::mutex> lock(mu_);
    if (dispatched_.count(request.build_id) != 0)
      return BuildHandle{std::string(kGithubActionsBackend), "", ""};
  }

  auto dispatched = client_.CreateWorkflowDispatch(workflow->owner, workflow->repo,
                                                   workflow->name, workflow->ref, inputs, true);
  if (!dispatched.ok()) return dispatched.status();
  (void)UnlistedSince(request.build_id, /*dispatched_now=*/true);
  if (*dispatched) {
    return BuildHandle{std::string(kGithubActionsBackend), std::to_string((*dispatched)->id),
                       (*dispatched)->html_url};
  }
  for (const Clock::Duration wait : options_.find_backoff) {
    clock_.SleepFor(wait);
    auto found = Find(request);
    if (!found.ok()) return found.status();
    if (*found) return **found;
  }
  // Dispatched, but the run is not listed yet: Poll keeps looking for it by BuildID.
  return BuildHandle{std::string(kGithubActionsBackend), "", ""};
}

Result<BuildState> GithubActionsBuilder::Poll(const BuildRequest& request,
                                              const BuildHandle& handle) {
  auto workflow = WorkflowOf(request);
  if (!workflow.ok()) return workflow.status();
  BuildHandle current = handle;
  if (current.id.empty()) {
    auto found = Find(request);
    if (!found.ok()) return found.status();
    if (!*found) {
      const auto unlisted = std::chrono::duration_cast<Clock::Duration>(
          clock_.Now() - UnlistedSince(request.build_id, false));
      if (unlisted >= options_.max_unlisted) {
        return BuildState{
            BuildPhase::kFailed, "", "",
            "dispatched, but no workflow_dispatch run of " + workflow->name + " in " +
                workflow->owner + "/" + workflow->repo + " showing " + request.build_id +
                " has been listed for " + Minutes(unlisted) + " (limit " +
                Minutes(options_.max_unlisted) + ", github.dispatchTimeout); check that the workflow's run-name shows "
                "inputs.build_id and that the dispatch reached " + workflow->ref};
      }
      return BuildState{BuildPhase::kQueued, "", "",
                        "dispatched; no run showing " + request.build_id + " is listed yet"};
    }
    current = **found;
    std::lock_guard<std::mutex> lock(mu_);
    unlisted_since_.erase(request.build_id);
  }
  int64_t id = 0;
  try {
    id = std::stoll(current.id);
  } catch (const std::exception&) {
    return InvalidArgument("\"" + current.id + "\" is not a workflow run id");
  }
  auto run = client_.GetWorkflowRun(workflow->owner, workflow->repo, id);
  if (!run.ok()) return run.status();

  BuildState state;
  state.url = run->html_url.empty() ? current.url : run->html_url;
  if (run->status == "completed") {
    const bool success = run->conclusion == "success";
    state.phase = success ? BuildPhase::kSucceeded : BuildPhase::kFailed;
    state.message = "the run concluded " + (run->conclusion.empty() ? "without a conclusion"
                                                                    : run->conclusion);
  } else if (run->status == "in_progress") {
    state.phase = BuildPhase::kInProgress;
    state.message = "the run is in progress";
  } else {
    state.phase = BuildPhase::kQueued;
    state.message = "the run is " + run->status;
    // GitHub's own creation time, so a restart does not reset the wait; a run without one is
    // timed from when this builder first saw it queued.
    const std::optional<Clock::TimePoint> created = ParseRfc3339(run->created_at);
    const Clock::TimePoint since =
        created ? *created : UnlistedSince("queued:" + std::to_string(run->id), false);
    const auto queued = std::chrono::duration_cast<Clock::Duration>(clock_.Now() - since);
    if (queued >= options_.max_queued) {
      state.phase = BuildPhase::kFailed;
      state.message = "the run has been " + (run->status.empty() ? "queued" : run->status) +
                      " for " + Minutes(queued) + " (limit " + Minutes(options_.max_queued) +
                      ", github.queueTimeout): no runner took it; check the workflow's runs-on labels and the "
                      "repository's runners";
    }
  }
  return state;
}

}  // namespace spaceport::act
