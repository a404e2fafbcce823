// HubClient's runtime and settings (hub_client.h): the runtime, hardware, sleep time, pause and
// restart (each answers the runtime), and the Space's variables and secrets.
#include "base/json.h"
#include "clients/hub/hub_client.h"
#include "clients/hub/hub_json.h"
#include "clients/hub/hub_request.h"

namespace spaceport::hub {
namespace {

using detail::IsSuccess;
using detail::Named;
using detail::NewRequest;

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

Result<SpaceRuntime> HubClient::GetSpaceRuntime(std::string_view space_id) {
  return RuntimeCall(space_id, "GET", "/runtime", std::nullopt, "runtime",
                     Named("GET runtime of", space_id));
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

}  // namespace spaceport::hub
