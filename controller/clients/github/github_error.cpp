#include "clients/github/github_error.h"

#include <array>

#include "base/json.h"
#include "http/status_codes.h"

namespace spaceport::github {
namespace {

constexpr size_t kMaxErrorText = 300;

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// GitHub's "message", then each of "errors" (strings or objects with message/code/field).
std::string ErrorText(std::string_view body) {
  Result<Json> doc = Json::Parse(body);
  if (!doc.ok() || !doc->is_object()) {
    if (body.size() <= 200 && body.find('<') == std::string_view::npos) return std::string(body);
    return "";
  }
  std::string text = doc->GetString("message");
  if (const Json* errors = doc->Find("errors"); errors && errors->is_array()) {
    for (size_t i = 0; i < errors->size(); ++i) {
      const Json& e = errors->At(i);
      std::string item = e.is_string() ? e.AsString() : e.GetString("message");
      if (item.empty() && e.is_object()) {
        item = e.GetString("code");
        if (!e.GetString("field").empty()) item += " (" + e.GetString("field") + ")";
      }
      if (item.empty()) continue;
      text += (text.empty() ? "" : "; ") + item;
    }
  }
  return text;
}

}  // namespace

bool IsRateLimited(const http::Response& response) {
  if (response.status == 429) return true;
  if (response.status != 403) return false;
  if (response.headers.Get("x-ratelimit-remaining") == std::optional<std::string>("0")) return true;
  if (response.headers.Has("Retry-After")) return true;
  return Lower(ErrorText(response.body)).find("rate limit") != std::string::npos;
}

std::string DescribeGithubError(const http::Response& response) {
  std::string text = MaskTokens(ErrorText(response.body));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.size() > kMaxErrorText) text = text.substr(0, kMaxErrorText) + "…";
  std::string out = std::to_string(response.status);
  if (!text.empty()) return out + ": " + text;
  if (auto phrase = http::ReasonPhrase(response.status); !phrase.empty()) {
    out += " " + std::string(phrase);
  }
  return out;
}

Status StatusFromGithubResponse(const http::Response& response, std::string_view what) {
  const StatusCode code = IsRateLimited(response) ? StatusCode::kResourceExhausted
                                                  : http::StatusCodeForHttp(response.status);
  return Status(code, "GitHub: " + std::string(what) + ": " + DescribeGithubError(response));
}

std::string_view ConditionReasonFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return "";
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
      return reason::kAuthFailed;
    case StatusCode::kResourceExhausted:
      return reason::kRateLimited;
    default:
      return reason::kGitHubError;
  }
}

std::string MaskTokens(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kPrefixes = {"ghp_", "gho_", "ghu_",
                                                                "ghs_", "ghr_", "github_pat_"};
  constexpr size_t kMinTokenChars = 20;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool masked = false;
    if (i == 0 || !IsTokenChar(text[i - 1])) {
      for (std::string_view prefix : kPrefixes) {
        if (text.substr(i, prefix.size()) != prefix) continue;
        size_t end = i + prefix.size();
        while (end < text.size() && IsTokenChar(text[end])) ++end;
        if (end - i - prefix.size() >= kMinTokenChars) {
          out += std::string(prefix) + "<redacted>";
          i = end;
          masked = true;
        }
        break;
      }
    }
    if (!masked) out += text[i++];
  }
  return out;
}

}  // namespace spaceport::github
