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

  auto dispatched = client_.CreateWorkflowDispatch(workflow->owner, workflow->repo,
                                                   workflow->name, workflow->ref, inputs, true);
  if (!dispatched.ok()) return dispatched.status();
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
      return BuildState{BuildPhase::kQueued, "", "",
                        "dispatched; no run showing " + request.build_id + " is listed yet"};
    }
    current = **found;
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
  }
  return state;
}

}  // namespace spaceport::act
