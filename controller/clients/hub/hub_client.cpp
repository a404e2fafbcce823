#include "clients/hub/hub_client.h"

#include <algorithm>

#include "base/json.h"
#include "clients/hub/commit_body.h"
#include "clients/hub/hub_error.h"
#include "clients/hub/hub_json.h"
#include "clients/hub/sse_log_tail.h"

namespace spaceport::hub {
namespace {

bool IsSuccess(int status) { return status >= 200 && status < 300; }

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// Each segment percent-encoded, the '/' between segments kept (Python's quote(path)).
std::string EncodePath(std::string_view path) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    out += http::UrlEncode(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

// `"abc"`, `W/"abc"` → `abc`.
std::string UnquoteEtag(std::string etag) {
  if (etag.starts_with("W/")) etag.erase(0, 2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::string Named(std::string_view what, std::string_view space_id) {
  return std::string(what) + " " + std::string(space_id);
}

// A bodiless request; `accept` empty = no Accept header.
http::Request NewRequest(std::string method, std::string url, std::string_view accept = "") {
  http::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  if (!accept.empty()) r.headers.Set("Accept", std::string(accept));
  return r;
}

std::string ShortSha(std::string_view sha) { return std::string(sha.substr(0, 12)); }

std::string KeyBody(std::string_view key) {
  Json body = Json::Object();
  body.Set("key", Json(key));
  return body.Dump();
}

std::string KeyValueBody(std::string_view key, std::string_view value,
                         const std::optional<std::string>& description) {
  Json body = Json::Object();
  body.Set("key", Json(key));
  body.Set("value", Json(value));
  if (description) body.Set("description", Json(*description));
  return body.Dump();
}

}  // namespace

Status ValidateSpaceId(std::string_view space_id) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("Space id \"" + std::string(space_id) + "\" " + std::string(why) +
                           " (expected namespace/name)");
  };
  const size_t slash = space_id.find('/');
  if (slash == std::string_view::npos || space_id.find('/', slash + 1) != std::string_view::npos) {
    return bad("needs exactly one '/'");
  }
  for (std::string_view part : {space_id.substr(0, slash), space_id.substr(slash + 1)}) {
    if (part.empty() || part.size() > 96) return bad("has an empty or over-long part");
    for (char c : part) {
      if (!IsIdChar(c)) return bad("contains a character outside [A-Za-z0-9._-]");
    }
  }
  if (space_id.find("..") != std::string_view::npos) return bad("contains \"..\"");
  return Status::Ok();
}

Result<std::unique_ptr<HubClient>> HubClient::Create(HubConfig config, http::Transport& transport,
                                                     Clock& clock,
                                                     std::shared_ptr<HostBudget> budget,
                                                     HubClientOptions options) {
  if (Status s = config.Validate(); !s.ok()) return s;
  if (!budget) budget = std::make_shared<HostBudget>(clock);
  return std::unique_ptr<HubClient>(new HubClient(std::move(config), nullptr, transport, clock,
                                                  std::move(budget), std::move(options)));
}

Result<std::unique_ptr<HubClient>> HubClient::Create(HubConfig config, Clock& clock,
                                                     std::shared_ptr<HostBudget> budget,
                                                     HubClientOptions options) {
  if (Status s = config.Validate(); !s.ok()) return s;
  if (!budget) budget = std::make_shared<HostBudget>(clock);
  std::unique_ptr<http::Transport> owned = http::MakeTransport({});
  http::Transport& ref = *owned;
  return std::unique_ptr<HubClient>(new HubClient(std::move(config), std::move(owned), ref, clock,
                                                  std::move(budget), std::move(options)));
}

HubClient::HubClient(HubConfig config, std::unique_ptr<http::Transport> owned,
                     http::Transport& transport, Clock& clock, std::shared_ptr<HostBudget> budget,
                     HubClientOptions options)
    : config_(std::move(config)),
      owned_transport_(std::move(owned)),
      budget_(std::move(budget)),
      options_(std::move(options)) {
  Result<http::Url> url = http::Url::Parse(config_.endpoint);  // validated by Create
  origin_ = url.ok() ? url->Origin() : config_.endpoint;
  wire_ = std::make_unique<BudgetedTransport>(transport, budget_, origin_);

  http::ClientOptions http_options = options_.http;
  http_options.insecure_origins.clear();
  if (url.ok() && url->scheme == "http") http_options.insecure_origins.push_back(origin_);
  client_ = std::make_unique<http::Client>(*wire_, clock, http_options);
  http_options.max_redirects = 0;
  first_hop_client_ = std::make_unique<http::Client>(*wire_, clock, http_options);
}

HubClient::~HubClient() = default;

RequestCounts HubClient::request_counts() const {
  std::lock_guard<std::mutex> lock(counts_mu_);
  return counts_;
}

int64_t HubClient::requests_sent() const {
  return client_->requests_sent() + first_hop_client_->requests_sent();
}

std::string HubClient::SpaceApi(std::string_view space_id, std::string_view rest) const {
  return config_.endpoint + "/api/spaces/" + std::string(space_id) + std::string(rest);
}

std::string HubClient::Masked(std::string text) const {
  // Real tokens are long; masking a very short test token would mangle ordinary words.
  if (config_.token && config_.token->value.size() >= 8) {
    const std::string& token = config_.token->value;
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
      text.replace(at, token.size(), "<redacted>");
    }
  }
  return MaskTokens(text);
}

Status HubClient::Fail(StatusCode code, std::string_view what, std::string_view detail) const {
  return Status(code, Masked("Hub: " + std::string(what) + ": " + std::string(detail)));
}

Status HubClient::Fail(const http::Response& response, std::string_view what) const {
  Status s = StatusFromHubResponse(response, what);
  std::string message = s.message();
  if (s.code() == StatusCode::kUnauthenticated || s.code() == StatusCode::kPermissionDenied) {
    message += "; check the Hub token (" + config_.TokenDescription() + ", docs/hub-auth.md)";
  }
  return Status(s.code(), Masked(std::move(message)));
}

Result<http::Response> HubClient::Send(http::Request request, std::string_view operation,
                                       std::string_view what, SendOptions send) {
  if (send.count) {
    std::lock_guard<std::mutex> lock(counts_mu_);
    ++counts_.total;
    ++counts_.by_operation[std::string(operation)];
  }
  if (config_.token && send.authenticate) request.headers.Set("Authorization", "Bearer " + config_.token->value);
  if (!request.headers.Has("User-Agent")) request.headers.Set("User-Agent", options_.user_agent);
  if (request.timeout == http::Request().timeout) request.timeout = options_.request_timeout;
  http::Client& client = send.follow_redirects ? *client_ : *first_hop_client_;
  Result<http::Response> response = client.Send(std::move(request));
  if (!response.ok()) return Fail(response.status().code(), what, response.status().message());
  return response;
}

Result<http::Response> HubClient::SendJson(std::string method, std::string url,
                                           const std::string& body, std::string_view operation,
                                           std::string_view what) {
  http::Request request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers.Set("Accept", "application/json");
  request.headers.Set("Content-Type", "application/json");
  request.body = body;
  return Send(std::move(request), operation, what);
}

// --- identity ---

Result<Identity> HubClient::WhoAmI() {
  const std::string what = "whoami";
  http::Request request = NewRequest("GET", config_.endpoint + "/api/whoami-v2", "application/json");
  Result<http::Response> response = Send(std::move(request), "whoami", what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<Identity> id = ParseIdentity(response->body);
  if (!id.ok()) return Fail(StatusCode::kInvalidArgument, what, id.status().message());
  return id;
}

// --- reading a Space ---

Result<SpaceInfo> HubClient::GetSpaceInfo(std::string_view space_id,
                                          const std::vector<std::string>& expand,
                                          std::string_view revision) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = Named("GET info of", space_id);
  std::string url = SpaceApi(space_id, "");
  if (!revision.empty()) url += "/revision/" + http::UrlEncode(revision);
  for (size_t i = 0; i < expand.size(); ++i) {
    url += (i == 0 ? "?expand=" : "&expand=") + http::UrlEncode(expand[i]);
  }
  http::Request request = NewRequest("GET", std::move(url), "application/json");
  Result<http::Response> response = Send(std::move(request), "space info", what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<SpaceInfo> info = ParseSpaceInfo(response->body);
  if (!info.ok()) return Fail(StatusCode::kInvalidArgument, what, info.status().message());
  if (info->id.empty()) info->id = std::string(space_id);
  return info;
}

Result<SpaceRuntime> HubClient::GetSpaceRuntime(std::string_view space_id) {
  return RuntimeCall(space_id, "GET", "/runtime", std::nullopt, "runtime",
                     Named("GET runtime of", space_id));
}

Result<std::optional<DownloadedFile>> HubClient::DownloadFile(std::string_view space_id,
                                                              std::string_view revision,
                                                              std::string_view path) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  if (path.empty() || path.front() == '/') {
    return InvalidArgument("download from " + std::string(space_id) + ": bad file path \"" +
                           std::string(path) + "\"");
  }
  const std::string rev = revision.empty() ? "main" : std::string(revision);
  const std::string what = "download " + std::string(path) + " from " + std::string(space_id) +
                           "@" + rev;
  const std::string url = config_.endpoint + "/spaces/" + std::string(space_id) + "/resolve/" +
                          http::UrlEncode(rev) + "/" + EncodePath(path);

  // The first hop is read without following: its X-Repo-Commit and ETag (or X-Linked-Etag for a
  // file stored in LFS) describe the file even when the bytes come from a CDN.
  http::Request first = NewRequest("GET", url);
  SendOptions first_hop;
  first_hop.follow_redirects = false;
  Result<http::Response> response = Send(first, "download", what, first_hop);
  if (!response.ok()) return response.status();
  DownloadedFile file;
  file.commit = response->headers.Get("X-Repo-Commit").value_or("");
  file.etag = UnquoteEtag(response->headers.Get("X-Linked-Etag")
                              .value_or(response->headers.Get("ETag").value_or("")));

  if (IsRedirect(response->status)) {
    const std::optional<std::string> location = response->headers.Get("Location");
    Result<http::Url> base = http::Url::Parse(url);
    if (!location || !base.ok()) return Fail(*response, what);
    Result<http::Url> next = base->Resolve(*location);
    if (!next.ok()) return Fail(StatusCode::kUnavailable, what, "unusable redirect Location");
    // The bytes may live on another host (a CDN with a signed URL): the token goes only to ours.
    SendOptions hop_options;
    hop_options.authenticate = next->Origin() == origin_;
    hop_options.count = false;  // one logical download
    Result<http::Response> content =
        Send(NewRequest("GET", next->ToString()), "download", what, hop_options);
    if (!content.ok()) return content.status();
    response = std::move(content);
    if (hop_options.authenticate) {
      // Moved within the Hub (a renamed repo): the final answer describes the file.
      file.commit = response->headers.Get("X-Repo-Commit").value_or(file.commit);
      file.etag = UnquoteEtag(response->headers.Get("X-Linked-Etag")
                                  .value_or(response->headers.Get("ETag").value_or(file.etag)));
    }
  }
  if (response->status == 404 &&
      response->headers.Get("X-Error-Code").value_or("") == "EntryNotFound") {
    return std::optional<DownloadedFile>();
  }
  if (!IsSuccess(response->status)) return Fail(*response, what);
  if (file.commit.empty()) file.commit = response->headers.Get("X-Repo-Commit").value_or("");
  if (file.etag.empty()) file.etag = UnquoteEtag(response->headers.Get("ETag").value_or(""));
  file.content = std::move(response->body);
  return std::optional<DownloadedFile>(std::move(file));
}

// --- writing files ---

Result<std::vector<std::string>> HubClient::Preupload(std::string_view space_id,
                                                      const CommitRequest& request) {
  const std::string what = Named("preupload to", space_id);
  std::vector<std::string> ignored;
  const size_t batch = std::max<size_t>(options_.preupload_batch, 1);
  for (size_t begin = 0; begin < request.files.size(); begin += batch) {
    const size_t end = std::min(request.files.size(), begin + batch);
    Result<http::Response> response =
        SendJson("POST",
                 SpaceApi(space_id, "/preupload/" + http::UrlEncode(request.revision)),
                 PreuploadBody(request.files, begin, end), "preupload", what);
    if (!response.ok()) return response.status();
    if (!IsSuccess(response->status)) return Fail(*response, what);
    Result<PreuploadAnswer> answer = ParsePreupload(response->body);
    if (!answer.ok()) return Fail(StatusCode::kInvalidArgument, what, answer.status().message());
    for (const PreuploadVerdict& verdict : answer->files) {
      if (verdict.should_ignore) {
        ignored.push_back(verdict.path);
        continue;
      }
      if (verdict.upload_mode.empty() || verdict.upload_mode == "regular") continue;
      size_t size = 0;
      for (const CommitFile& f : request.files) {
        if (f.path == verdict.path) size = f.content.size();
      }
      return Fail(StatusCode::kUnimplemented, what,
                  "the Hub wants " + verdict.path + " (" + std::to_string(size) +
                      " bytes) uploaded in \"" + verdict.upload_mode +
                      "\" mode (Git LFS), which Spaceport does not implement; keep Space files "
                      "small and textual");
    }
  }
  return ignored;
}

Result<CommitResult> HubClient::Commit(std::string_view space_id, const CommitRequest& request) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = Named("commit to", space_id);
  if (request.summary.empty()) return InvalidArgument(what + ": the commit needs a summary");
  if (request.files.empty() && request.deletions.empty()) {
    return InvalidArgument(what + ": nothing to commit (no files, no deletions)");
  }
  const std::string revision = request.revision.empty() ? "main" : request.revision;

  CommitRequest sent = request;
  sent.revision = revision;
  CommitResult result;
  if (!sent.files.empty()) {
    Result<std::vector<std::string>> ignored = Preupload(space_id, sent);
    if (!ignored.ok()) return ignored.status();
    result.ignored_paths = *ignored;
    std::erase_if(sent.files, [&](const CommitFile& f) {
      return std::find(ignored->begin(), ignored->end(), f.path) != ignored->end();
    });
    if (sent.files.empty() && sent.deletions.empty()) {
      return Fail(StatusCode::kFailedPrecondition, what,
                  "the Hub ignores every file of this commit (.gitignore)");
    }
  }

  http::Request commit;
  commit.method = "POST";
  commit.url = SpaceApi(space_id, "/commit/" + http::UrlEncode(revision));
  commit.headers.Set("Accept", "application/json");
  commit.headers.Set("Content-Type", "application/x-ndjson");
  commit.body = CommitNdjson(sent);
  Result<http::Response> response = Send(std::move(commit), "commit", what);
  if (!response.ok()) return response.status();
  if ((response->status == 409 || response->status == 412) && !request.parent_commit.empty()) {
    return Fail(StatusCode::kConflict, what,
                "the Space changed since it was observed (expected parent " +
                    ShortSha(request.parent_commit) + "); observe again. The Hub said " +
                    DescribeHubError(*response));
  }
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<Json> doc = Json::Parse(response->body);
  if (!doc.ok() || !doc->is_object()) {
    return Fail(StatusCode::kInvalidArgument, what, "the commit answer is not a JSON object");
  }
  result.commit_id = doc->GetString("commitOid");
  result.commit_url = doc->GetString("commitUrl");
  if (result.commit_id.empty()) {
    return Fail(StatusCode::kInvalidArgument, what, "the commit answer has no commitOid");
  }
  return result;
}

// --- variables and secrets ---

Result<SpaceVariables> HubClient::GetVariables(std::string_view space_id) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = Named("GET variables of", space_id);
  http::Request request = NewRequest("GET", SpaceApi(space_id, "/variables"), "application/json");
  Result<http::Response> response = Send(std::move(request), "variables", what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<SpaceVariables> vars = ParseSpaceVariables(response->body);
  if (!vars.ok()) return Fail(StatusCode::kInvalidArgument, what, vars.status().message());
  return vars;
}

Result<SpaceVariables> HubClient::SetVariable(std::string_view space_id, std::string_view key,
                                              std::string_view value,
                                              std::optional<std::string> description) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = "set variable " + std::string(key) + " of " + std::string(space_id);
  Result<http::Response> response =
      SendJson("POST", SpaceApi(space_id, "/variables"), KeyValueBody(key, value, description),
               "set variable", what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<SpaceVariables> vars = ParseSpaceVariables(response->body);
  if (!vars.ok()) return Fail(StatusCode::kInvalidArgument, what, vars.status().message());
  return vars;
}

Result<SpaceVariables> HubClient::DeleteVariable(std::string_view space_id, std::string_view key) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = "delete variable " + std::string(key) + " of " + std::string(space_id);
  Result<http::Response> response =
      SendJson("DELETE", SpaceApi(space_id, "/variables"), KeyBody(key), "delete variable", what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<SpaceVariables> vars = ParseSpaceVariables(response->body);
  if (!vars.ok()) return Fail(StatusCode::kInvalidArgument, what, vars.status().message());
  return vars;
}

Result<SpaceSecrets> HubClient::GetSecrets(std::string_view space_id) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = Named("GET secrets of", space_id);
  http::Request request = NewRequest("GET", SpaceApi(space_id, "/secrets"), "application/json");
  Result<http::Response> response = Send(std::move(request), "secrets", what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<SpaceSecrets> secrets = ParseSpaceSecrets(response->body);
  if (!secrets.ok()) return Fail(StatusCode::kInvalidArgument, what, secrets.status().message());
  return secrets;
}

Status HubClient::SetSecret(std::string_view space_id, std::string_view key,
                            std::string_view value, std::optional<std::string> description) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = "set secret " + std::string(key) + " of " + std::string(space_id);
  Result<http::Response> response =
      SendJson("POST", SpaceApi(space_id, "/secrets"), KeyValueBody(key, value, description),
               "set secret", what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) {
    Status s = Fail(*response, what);
    // The Hub could quote a rejected value back; it must not reach a condition or a log.
    std::string message = s.message();
    if (value.size() >= 4) {
      for (size_t at = message.find(value); at != std::string::npos; at = message.find(value, at)) {
        message.replace(at, value.size(), "<redacted>");
      }
    }
    return Status(s.code(), std::move(message));
  }
  return Status::Ok();
}

Status HubClient::DeleteSecret(std::string_view space_id, std::string_view key) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = "delete secret " + std::string(key) + " of " + std::string(space_id);
  Result<http::Response> response =
      SendJson("DELETE", SpaceApi(space_id, "/secrets"), KeyBody(key), "delete secret", what);
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return Fail(*response, what);
  return Status::Ok();
}

// --- runtime settings ---

Result<SpaceRuntime> HubClient::RuntimeCall(std::string_view space_id, std::string method,
                                            std::string_view rest, std::optional<std::string> body,
                                            std::string_view operation, std::string_view what) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  Result<http::Response> response = Status(StatusCode::kInternal, "unsent");
  if (body) {
    response = SendJson(std::move(method), SpaceApi(space_id, rest), *body, operation, what);
  } else {
    // pause and restart carry no body and no Content-Type, as the official clients send them.
    http::Request request = NewRequest(std::move(method), SpaceApi(space_id, rest),
                                       "application/json");
    response = Send(std::move(request), operation, what);
  }
  if (!response.ok()) return response.status();
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<SpaceRuntime> runtime = ParseSpaceRuntime(response->body);
  if (!runtime.ok()) return Fail(StatusCode::kInvalidArgument, what, runtime.status().message());
  return runtime;
}

Result<SpaceRuntime> HubClient::RequestHardware(std::string_view space_id,
                                                const HardwareRequest& request) {
  if (request.flavor.empty()) {
    return InvalidArgument("request hardware for " + std::string(space_id) + ": no flavor given");
  }
  Json body = Json::Object();
  body.Set("flavor", Json(request.flavor));
  if (request.sleep_time_seconds) body.Set("sleepTimeSeconds", Json(*request.sleep_time_seconds));
  return RuntimeCall(space_id, "POST", "/hardware", body.Dump(), "hardware",
                     "request hardware " + request.flavor + " for " + std::string(space_id));
}

Result<SpaceRuntime> HubClient::SetSleepTime(std::string_view space_id, int64_t seconds) {
  Json body = Json::Object();
  body.Set("seconds", Json(seconds));
  return RuntimeCall(space_id, "POST", "/sleeptime", body.Dump(), "sleep time",
                     Named("set sleep time of", space_id));
}

Result<SpaceRuntime> HubClient::Pause(std::string_view space_id) {
  return RuntimeCall(space_id, "POST", "/pause", std::nullopt, "pause", Named("pause", space_id));
}

Result<SpaceRuntime> HubClient::Restart(std::string_view space_id, bool factory) {
  return RuntimeCall(space_id, "POST", factory ? "/restart?factory=true" : "/restart",
                     std::nullopt, "restart",
                     Named(factory ? "factory-restart" : "restart", space_id));
}

// --- lifecycle ---

Result<CreatedSpace> HubClient::CreateSpace(const CreateSpaceRequest& request) {
  if (Status s = ValidateSpaceId(request.id); !s.ok()) return s;
  const std::string what = Named("create Space", request.id);
  const size_t slash = request.id.find('/');
  Json body = Json::Object();
  body.Set("name", Json(request.id.substr(slash + 1)));
  body.Set("organization", Json(request.id.substr(0, slash)));
  body.Set("type", Json("space"));
  body.Set("sdk", Json(request.sdk.empty() ? std::string("docker") : request.sdk));
  body.Set("private", Json(request.is_private));
  if (request.hardware) body.Set("hardware", Json(*request.hardware));
  if (request.sleep_time_seconds) body.Set("sleepTimeSeconds", Json(*request.sleep_time_seconds));
  Result<http::Response> response = SendJson("POST", config_.endpoint + "/api/repos/create",
                                             body.Dump(), "create space", what);
  if (!response.ok()) return response.status();

  CreatedSpace created;
  created.id = request.id;
  if (response->status == 409) {
    const HubErrorDetail detail = ReadHubError(*response);
    if (detail.message.find("conflicting operation") != std::string::npos) {
      return Fail(StatusCode::kUnavailable, what, DescribeHubError(*response));
    }
    created.already_existed = true;
    Result<Json> doc = Json::Parse(response->body);
    if (doc.ok() && doc->is_object()) created.url = doc->GetString("url");
    return created;
  }
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<Json> doc = Json::Parse(response->body);
  if (doc.ok() && doc->is_object()) {
    created.url = doc->GetString("url");
    if (std::string name = doc->GetString("name"); !name.empty()) created.id = name;
  }
  return created;
}

// --- logs ---

Result<LogTail> HubClient::TailLogs(std::string_view space_id, LogKind kind,
                                    LogTailOptions options) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string_view kind_name = kind == LogKind::kBuild ? "build" : "run";
  const std::string what = "read " + std::string(kind_name) + " logs of " + std::string(space_id);
  http::Request request;
  request.method = "GET";
  request.url = SpaceApi(space_id, "/logs/" + std::string(kind_name)) +
                "?tail=" + std::to_string(options.max_lines);
  request.headers.Set("Accept", "text/event-stream");
  // The Hub keeps a log stream open after the backlog, so the stream is read as it arrives
  // (Request::on_body) and the deadline ends it; a transport that buffers whole bodies (a test
  // double, a server that closes) leaves it in response->body instead.
  request.timeout = options.deadline;
  auto tail = std::make_shared<SseLogTail>(options.max_lines);
  request.on_body = [tail](std::string_view chunk) {
    tail->Feed(chunk);
    return true;
  };
  Result<http::Response> response = Send(std::move(request), "logs", what);
  if (!response.ok()) {
    // A stream cut short still tells the story up to the cut.
    if (tail->lines_seen() > 0) return tail->Finish();
    return response.status();
  }
  if (!IsSuccess(response->status)) return Fail(*response, what);
  tail->Feed(response->body);
  return tail->Finish();
}

}  // namespace spaceport::hub
