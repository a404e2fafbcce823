#include "clients/hub/hub_error.h"

#include "base/json.h"
#include "http/status_codes.h"

namespace spaceport::hub {
namespace {

constexpr size_t kMaxErrorText = 300;

std::string JoinStrings(const Json& array) {
  std::string out;
  for (size_t i = 0; i < array.size(); ++i) {
    const Json& item = array.At(i);
    std::string text = item.is_string() ? item.AsString() : item.GetString("message");
    if (text.empty()) continue;
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out;
}

// The error text of a JSON body in any of the shapes the official clients accept.
std::string ErrorTextFromBody(std::string_view body) {
  Result<Json> doc = Json::Parse(body);
  if (!doc.ok()) {
    // A short plain-text answer ("OK", "Bad Gateway") is worth showing; an HTML page is not.
    if (body.size() <= 200 && body.find('<') == std::string_view::npos) {
      std::string text(body);
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      return text;
    }
    return "";
  }
  if (!doc->is_object()) return "";
  std::string text;
  if (const Json* error = doc->Find("error")) {
    if (error->is_string()) text = error->AsString();
    if (error->is_array()) text = JoinStrings(*error);
  }
  if (text.empty()) text = doc->GetString("message");
  if (text.empty()) {
    if (const Json* errors = doc->Find("errors"); errors && errors->is_array()) {
      text = JoinStrings(*errors);
    }
  }
  const std::string description = doc->GetString("error_description");
  if (!description.empty()) text += (text.empty() ? "" : ": ") + description;
  return text;
}

std::string Truncate(std::string text) {
  if (text.size() > kMaxErrorText) {
    text.resize(kMaxErrorText);
    text += "…";
  }
  return text;
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

HubErrorDetail ReadHubError(const http::Response& response) {
  HubErrorDetail detail;
  detail.code = response.headers.Get("X-Error-Code").value_or("");
  detail.message = response.headers.Get("X-Error-Message").value_or("");
  if (detail.message.empty()) detail.message = ErrorTextFromBody(response.body);
  detail.code = MaskTokens(Truncate(detail.code));
  detail.message = MaskTokens(Truncate(detail.message));
  return detail;
}

std::string DescribeHubError(const http::Response& response) {
  const HubErrorDetail detail = ReadHubError(response);
  std::string message = std::to_string(response.status);
  if (!detail.code.empty()) message += " " + detail.code;
  if (!detail.message.empty()) {
    message += ": " + detail.message;
  } else {
    if (auto phrase = http::ReasonPhrase(response.status); !phrase.empty())
      message += " " + std::string(phrase);
  }
  return message;
}

StatusCode StatusCodeForHttp(int status) { return http::StatusCodeForHttp(status); }

Status StatusFromHubResponse(const http::Response& response, std::string_view what) {
  return Status(http::StatusCodeForHttp(response.status),
                "Hub: " + std::string(what) + ": " + DescribeHubError(response));
}

std::string_view ConditionReasonFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return "";
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
      return reason::kAuthFailed;
    case StatusCode::kNotFound:
      return reason::kSpaceMissing;
    case StatusCode::kResourceExhausted:
      return reason::kRateLimited;
    case StatusCode::kConflict:
      return reason::kConflict;
    default:
      return reason::kHubError;
  }
}

std::string MaskTokens(std::string_view text) {
  constexpr size_t kMinTokenChars = 20;
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const bool at_token_start = text.substr(i, 3) == "hf_" && (i == 0 || !IsAlnum(text[i - 1]));
    if (at_token_start) {
      size_t end = i + 3;
      while (end < text.size() && IsAlnum(text[end])) ++end;
      if (end - (i + 3) >= kMinTokenChars) {
        out += "hf_<redacted>";
        i = end;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace spaceport::hub
