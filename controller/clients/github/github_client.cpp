#include "clients/github/github_client.h"

#include <algorithm>

#include "base/json.h"
#include "clients/github/github_error.h"
#include "http/link_header.h"

namespace spaceport::github {

// Admits every request to the API's origin through the budget, and turns a rate-limit answer
// into a kResourceExhausted failure so http::Client does not retry it on its own schedule.
namespace {

bool IsRepoChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

Status ValidateWorkflow(std::string_view workflow) {
  if (workflow.empty() || workflow.size() > 255 ||
      !std::all_of(workflow.begin(), workflow.end(), IsRepoChar)) {
    return InvalidArgument("workflow \"" + std::string(workflow) +
                           "\" is not a workflow file name or id");
  }
  return Status::Ok();
}

int64_t IntOr(const Json& doc, std::string_view key, int64_t fallback) {
  const Json* v = doc.Find(key);
  if (v == nullptr || !v->is_number()) return fallback;
  return v->AsInt().value_or(fallback);
}

std::string StringOrEmpty(const Json& doc, std::string_view key) {
  const Json* v = doc.Find(key);
  return v != nullptr && v->is_string() ? v->AsString() : std::string();
}

WorkflowRun RunFromJson(const Json& doc) {
  WorkflowRun run;
  run.id = IntOr(doc, "id", 0);
  run.display_title = StringOrEmpty(doc, "display_title");
  run.status = StringOrEmpty(doc, "status");
  run.conclusion = StringOrEmpty(doc, "conclusion");
  run.html_url = StringOrEmpty(doc, "html_url");
  run.created_at = StringOrEmpty(doc, "created_at");
  run.event = StringOrEmpty(doc, "event");
  run.head_branch = StringOrEmpty(doc, "head_branch");
  return run;
}

std::string Query(const RunFilters& filters) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!filters.event.empty()) params.emplace_back("event", filters.event);
  if (!filters.branch.empty()) params.emplace_back("branch", filters.branch);
  if (!filters.status.empty()) params.emplace_back("status", filters.status);
  if (!filters.created.empty()) params.emplace_back("created", filters.created);
  params.emplace_back("per_page", std::to_string(std::clamp(filters.per_page, 1, 100)));
  std::string out;
  for (const auto& [key, value] : params) {
    out += (out.empty() ? "?" : "&") + key + "=" + http::UrlEncode(value);
  }
  return out;
}

}  // namespace

Status ValidateRepoPart(std::string_view part, std::string_view what) {
  if (part.empty() || part.size() > 100 || part == "." || part == ".." ||
      !std::all_of(part.begin(), part.end(), IsRepoChar)) {
    return InvalidArgument(std::string(what) + " \"" + std::string(part) +
                           "\" is not a GitHub name (letters, digits, '.', '_', '-')");
  }
  return Status::Ok();
}

Result<std::pair<std::string, std::string>> SplitRepository(std::string_view repository) {
  const size_t slash = repository.find('/');
  if (slash == std::string_view::npos) {
    return InvalidArgument("GitHub repository \"" + std::string(repository) +
                           "\" is not OWNER/REPO");
  }
  std::string owner(repository.substr(0, slash)), repo(repository.substr(slash + 1));
  if (Status s = ValidateRepoPart(owner, "GitHub owner"); !s.ok()) return s;
  if (Status s = ValidateRepoPart(repo, "GitHub repository"); !s.ok()) return s;
  return std::make_pair(std::move(owner), std::move(repo));
}

Result<std::unique_ptr<GithubClient>> GithubClient::Create(GithubConfig config,
                                                           http::Transport& transport,
                                                           Clock& clock,
                                                           std::shared_ptr<RateBudget> budget,
                                                           GithubClientOptions options) {
  if (Status s = config.Validate(); !s.ok()) return s;
  if (!budget) budget = std::make_shared<RateBudget>(clock);
  return std::unique_ptr<GithubClient>(new GithubClient(std::move(config), nullptr, transport,
                                                        clock, std::move(budget),
                                                        std::move(options)));
}

Result<std::unique_ptr<GithubClient>> GithubClient::Create(GithubConfig config, Clock& clock,
                                                           std::shared_ptr<RateBudget> budget,
                                                           GithubClientOptions options) {
  if (Status s = config.Validate(); !s.ok()) return s;
  if (!budget) budget = std::make_shared<RateBudget>(clock);
  std::unique_ptr<http::Transport> owned = http::MakeTransport({});
  http::Transport& ref = *owned;
  return std::unique_ptr<GithubClient>(new GithubClient(std::move(config), std::move(owned), ref,
                                                        clock, std::move(budget),
                                                        std::move(options)));
}

GithubClient::GithubClient(GithubConfig config, std::unique_ptr<http::Transport> owned,
                           http::Transport& transport, Clock& clock,
                           std::shared_ptr<RateBudget> budget, GithubClientOptions options)
    : config_(std::move(config)),
      owned_transport_(std::move(owned)),
      budget_(std::move(budget)),
      options_(std::move(options)) {
  Result<http::Url> url = http::Url::Parse(config_.api_url);  // validated by Create
  const std::string origin = url.ok() ? url->Origin() : config_.api_url;
  http::RateLimitedTransportOptions wire_options;
  wire_options.origin = origin;
  wire_options.describe_rate_limited = [](const http::Response& r) {
    return "GitHub: " + DescribeGithubError(r);
  };
  wire_ = std::make_unique<http::RateLimitedTransport>(transport, budget_, std::move(wire_options));
  http::ClientOptions http_options = options_.http;
  if (url.ok() && url->scheme == "http") http_options.insecure_origins.push_back(origin);
  client_ = std::make_unique<http::Client>(*wire_, clock, http_options);
}

GithubClient::~GithubClient() = default;

int64_t GithubClient::requests_sent() const { return client_->requests_sent(); }

std::string GithubClient::RepoApi(std::string_view owner, std::string_view repo) const {
  return config_.api_url + "/repos/" + std::string(owner) + "/" + std::string(repo);
}

namespace {
constexpr size_t kMaxAnswerBytes = size_t{8} << 20;
}  // namespace

Result<http::Response> GithubClient::Send(std::string method, std::string url, std::string body,
                                          std::string_view what) {
  http::Request request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.timeout = options_.request_timeout;
  request.headers.Set("Accept", "application/vnd.github+json");
  request.headers.Set("X-GitHub-Api-Version", std::string(kApiVersion));
  request.headers.Set("User-Agent", options_.user_agent);
  if (config_.token) request.headers.Set("Authorization", "Bearer " + config_.token->value);
  if (!body.empty()) {
    request.headers.Set("Content-Type", "application/json");
    request.body = std::move(body);
  }
  // Every GitHub answer used here is JSON (a page of 100 runs is about 1 MiB): read up to a cap,
  // so a server sending gigabytes costs bounded memory and a clear error.
  request.max_response_bytes = kMaxAnswerBytes;
  Result<http::Response> response = client_->Send(std::move(request));
  if (!response.ok()) {
    // Not a rate limit (kResourceExhausted would say RateLimited): GitHub sent too much.
    if (http::IsResponseTooLarge(response.status())) {
      return Status(StatusCode::kInvalidArgument,
                    "GitHub: " + std::string(what) + ": " +
                        MaskTokens(response.status().message()) + "; an answer that large is refused");
    }
    return Status(response.status().code(),
                  "GitHub: " + std::string(what) + ": " + MaskTokens(response.status().message()));
  }
  if (response->status < 200 || response->status > 299) {
    Status failed = StatusFromGithubResponse(*response, what);
    if (failed.code() == StatusCode::kUnauthenticated) {
      return Status(failed.code(), failed.message() + " (token: " + config_.TokenDescription() +
                                       "; set GITHUB_TOKEN to a token with actions:write)");
    }
    return failed;
  }
  return response;
}

Result<std::optional<DispatchedRun>> GithubClient::CreateWorkflowDispatch(
    std::string_view owner, std::string_view repo, std::string_view workflow,
    std::string_view ref, const WorkflowInputs& inputs, bool return_run_details) {
  if (Status s = ValidateRepoPart(owner, "GitHub owner"); !s.ok()) return s;
  if (Status s = ValidateRepoPart(repo, "GitHub repository"); !s.ok()) return s;
  if (Status s = ValidateWorkflow(workflow); !s.ok()) return s;
  const std::string what = "dispatch workflow " + std::string(workflow) + " in " +
                           std::string(owner) + "/" + std::string(repo);
  Json body = Json::Object();
  body.Set("ref", Json(ref));
  Json json_inputs = Json::Object();
  for (const auto& [name, value] : inputs) json_inputs.Set(name, Json(value));
  body.Set("inputs", std::move(json_inputs));
  if (return_run_details) body.Set("return_run_details", Json(true));

  Result<http::Response> response =
      Send("POST", RepoApi(owner, repo) + "/actions/workflows/" + std::string(workflow) +
                       "/dispatches",
           body.Dump(), what);
  if (!response.ok()) return response.status();
  if (response->status == 204 || response->body.empty()) return std::optional<DispatchedRun>();

  Result<Json> doc = Json::Parse(response->body);
  if (!doc.ok() || !doc->is_object()) {
    return Status(StatusCode::kInternal, "GitHub: " + what + ": the answer is not a JSON object");
  }
  DispatchedRun run;
  run.id = IntOr(*doc, "workflow_run_id", IntOr(*doc, "id", 0));
  run.url = StringOrEmpty(*doc, "run_url");
  if (run.url.empty()) run.url = StringOrEmpty(*doc, "url");
  run.html_url = StringOrEmpty(*doc, "html_url");
  if (run.id == 0) return std::optional<DispatchedRun>();  // details without an id help nobody
  return std::optional<DispatchedRun>(std::move(run));
}

Result<std::vector<WorkflowRun>> GithubClient::ListWorkflowRuns(std::string_view owner,
                                                                std::string_view repo,
                                                                std::string_view workflow,
                                                                const RunFilters& filters) {
  if (Status s = ValidateRepoPart(owner, "GitHub owner"); !s.ok()) return s;
  if (Status s = ValidateRepoPart(repo, "GitHub repository"); !s.ok()) return s;
  if (Status s = ValidateWorkflow(workflow); !s.ok()) return s;
  const std::string what = "list runs of workflow " + std::string(workflow) + " in " +
                           std::string(owner) + "/" + std::string(repo);
  std::string url =
      RepoApi(owner, repo) + "/actions/workflows/" + std::string(workflow) + "/runs" + Query(filters);
  std::vector<WorkflowRun> runs;
  for (int page = 0; page < std::max(filters.max_pages, 1) && !url.empty(); ++page) {
    Result<http::Response> response = Send("GET", url, "", what);
    if (!response.ok()) return response.status();
    Result<Json> doc = Json::Parse(response->body);
    const Json* items = doc.ok() && doc->is_object() ? doc->Find("workflow_runs") : nullptr;
    if (items == nullptr || !items->is_array()) {
      return Status(StatusCode::kInternal, "GitHub: " + what + ": the answer has no workflow_runs");
    }
    for (size_t i = 0; i < items->size(); ++i) runs.push_back(RunFromJson(items->At(i)));

    std::optional<std::string> next = http::NextLink(response->headers.GetAll("Link"));
    url.clear();
    if (next) {
      Result<http::Url> base = http::Url::Parse(config_.api_url);
      Result<http::Url> resolved = base.ok() ? base->Resolve(*next) : base;
      // A next link to another host would carry our token away: stop there instead.
      if (resolved.ok() && base.ok() && resolved->Origin() == base->Origin()) {
        url = resolved->ToString();
      }
    }
  }
  return runs;
}

Result<WorkflowRun> GithubClient::GetWorkflowRun(std::string_view owner, std::string_view repo,
                                                 int64_t id) {
  if (Status s = ValidateRepoPart(owner, "GitHub owner"); !s.ok()) return s;
  if (Status s = ValidateRepoPart(repo, "GitHub repository"); !s.ok()) return s;
  const std::string what = "get workflow run " + std::to_string(id) + " in " + std::string(owner) +
                           "/" + std::string(repo);
  Result<http::Response> response =
      Send("GET", RepoApi(owner, repo) + "/actions/runs/" + std::to_string(id), "", what);
  if (!response.ok()) return response.status();
  Result<Json> doc = Json::Parse(response->body);
  if (!doc.ok() || !doc->is_object()) {
    return Status(StatusCode::kInternal, "GitHub: " + what + ": the answer is not a JSON object");
  }
  return RunFromJson(*doc);
}

}  // namespace spaceport::github
