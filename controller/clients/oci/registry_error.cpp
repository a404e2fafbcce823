#include "clients/oci/registry_error.h"

#include <cmath>
#include <cstdlib>

#include "base/json.h"
#include "clients/oci/text.h"
#include "http/retry_after.h"
#include "http/status_codes.h"

namespace spaceport::oci {
namespace {

constexpr size_t kMaxDetailChars = 200;

// Registry error codes that say more than the HTTP status does.
std::optional<StatusCode> CodeForRegistryError(std::string_view code) {
  if (code == "DIGEST_INVALID") return StatusCode::kDataLoss;
  if (code == "MANIFEST_INVALID" || code == "NAME_INVALID" || code == "TAG_INVALID" ||
      code == "SIZE_INVALID" || code == "MANIFEST_UNVERIFIED") {
    return StatusCode::kInvalidArgument;
  }
  // A blob the manifest references is absent, or an upload session went stale: the operation
  // must be redone from an earlier step, it is not that the image is missing.
  if (code == "MANIFEST_BLOB_UNKNOWN" || code == "BLOB_UPLOAD_UNKNOWN" ||
      code == "BLOB_UPLOAD_INVALID") {
    return StatusCode::kFailedPrecondition;
  }
  if (code == "UNSUPPORTED") return StatusCode::kUnimplemented;
  if (code == "TOOMANYREQUESTS") return StatusCode::kResourceExhausted;
  return std::nullopt;
}

}  // namespace

std::vector<RegistryErrorEntry> ParseRegistryErrors(std::string_view body) {
  std::vector<RegistryErrorEntry> out;
  auto doc = Json::Parse(body);
  if (!doc.ok() || !doc->is_object()) return out;
  const Json* errors = doc->Find("errors");
  if (errors == nullptr || !errors->is_array()) return out;
  for (size_t i = 0; i < errors->size(); ++i) {
    const Json& e = errors->At(i);
    if (!e.is_object()) continue;
    RegistryErrorEntry entry{e.GetString("code"), e.GetString("message"), ""};
    const Json* detail = e.Find("detail");
    if (detail != nullptr && detail->is_string() && detail->AsString().size() <= kMaxDetailChars) {
      entry.detail = detail->AsString();
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Status StatusFromResponse(const http::Response& response, std::string_view registry,
                          std::string_view what) {
  std::vector<RegistryErrorEntry> errors = ParseRegistryErrors(response.body);
  StatusCode code = http::StatusCodeForHttp(response.status);
  if (!errors.empty()) {
    if (auto refined = CodeForRegistryError(errors.front().code)) {
      // Keep auth and not-found codes from the status line: they decide the condition reason.
      bool status_is_decisive =
          response.status == 401 || response.status == 403 || response.status == 429;
      if (!status_is_decisive) code = *refined;
    }
  }
  std::string message = "registry " + std::string(registry) + ": " + std::string(what) + ": " +
                        std::to_string(response.status);
  if (errors.empty()) {
    if (auto phrase = http::ReasonPhrase(response.status); !phrase.empty())
      message += " " + std::string(phrase);
  }
  for (size_t i = 0; i < errors.size() && i < 3; ++i) {
    message += (i == 0 ? " " : "; ") + errors[i].code;
    if (!errors[i].message.empty()) message += ": " + errors[i].message;
    if (!errors[i].detail.empty()) message += " (" + errors[i].detail + ")";
  }
  if (response.status == 429) {
    std::optional<std::chrono::milliseconds> wait;
    if (auto header = response.headers.Get("Retry-After"))
      wait = http::ParseRetryAfter(*header, std::chrono::system_clock::now());
    if (!wait) wait = RetryAfterFromBody(response.body);
    if (wait) message += "; retry after " + std::to_string(wait->count()) + "ms";
  }
  if (code == StatusCode::kUnauthenticated || code == StatusCode::kPermissionDenied) {
    message += "; check the credentials for " + std::string(registry) + " (docs/registry-auth.md)";
  }
  return Status(code, std::move(message));
}

std::string_view ConditionReasonFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return "";
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
      return reason::kAuthFailed;
    case StatusCode::kNotFound:
      return reason::kImageMissing;
    case StatusCode::kResourceExhausted:
      return reason::kRateLimited;
    case StatusCode::kDataLoss:
      return reason::kDigestMismatch;
    default:
      return reason::kRegistryError;
  }
}

std::optional<std::chrono::milliseconds> RetryAfterFromBody(std::string_view body) {
  std::string lower = AsciiLower(body);
  size_t at = lower.find("retry-after:");
  if (at == std::string::npos) return std::nullopt;
  const char* start = lower.c_str() + at + 12;
  char* end = nullptr;
  double value = std::strtod(start, &end);
  if (end == start || value < 0 || !std::isfinite(value)) return std::nullopt;
  std::string_view unit(end, lower.c_str() + lower.size() - end);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  double ms = value * 1000;  // a bare number is seconds, as in the Retry-After header
  if (unit.substr(0, 2) == "ms") {
    ms = value;
  } else if (unit.substr(0, 1) == "m") {
    ms = value * 60000;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(ms)));
}

}  // namespace spaceport::oci
