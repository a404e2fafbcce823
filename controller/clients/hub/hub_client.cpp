// HubClient's core (hub_client.h): construction, sending (token, budget, counting, masking), the
// Space id check, identity, Space info and creation. The other concerns have files of their own,
// as the OCI client keeps one concern per file: hub_files.cpp (downloads, preupload, commits),
// hub_settings.cpp (runtime, hardware, sleep time, pause, restart, variables, secrets),
// hub_logs.cpp (log tails), space_list.cpp (Space lists).
#include "clients/hub/hub_client.h"

#include "base/json.h"
#include "clients/hub/hub_error.h"
#include "clients/hub/hub_json.h"
#include "clients/hub/hub_request.h"

namespace spaceport::hub {
namespace {

using detail::IsSuccess;
using detail::Named;
using detail::NewRequest;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
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

int64_t HubClient::requests_sent_by_this_thread() const {
  return client_->requests_sent_by_this_thread() + first_hop_client_->requests_sent_by_this_thread();
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
  // A streamed answer (logs) bounds itself; every other answer is read up to a cap, so a Hub
  // that sends gigabytes costs bounded memory and a clear error.
  if (!request.on_body && request.max_response_bytes == 0)
    request.max_response_bytes = detail::kMaxAnswerBytes;
  http::Client& client = send.follow_redirects ? *client_ : *first_hop_client_;
  Result<http::Response> response = client.Send(std::move(request));
  if (!response.ok()) {
    // Not a rate limit (kResourceExhausted would say RateLimited): the Hub sent too much.
    if (http::IsResponseTooLarge(response.status())) {
      return Fail(StatusCode::kInvalidArgument, what,
                  response.status().message() + "; an answer that large is refused");
    }
    return Fail(response.status().code(), what, response.status().message());
  }
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

}  // namespace spaceport::hub
