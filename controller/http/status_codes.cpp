#include "http/status_codes.h"

namespace spaceport::http {

StatusCode StatusCodeForHttp(int status) {
  switch (status) {
    case 400:
    case 413:
    case 416:
    case 422:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 402:  // the Hub: compute Spaces and hardware upgrades need a paid plan
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
    case 410:
      return StatusCode::kNotFound;
    case 405:  // GHCR answers DELETE with 405 UNSUPPORTED
    case 501:
      return StatusCode::kUnimplemented;
    case 409:
    case 412:
      return StatusCode::kConflict;
    case 429:
      return StatusCode::kResourceExhausted;
    default:
      break;
  }
  if (status >= 500) return StatusCode::kUnavailable;
  return StatusCode::kInternal;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not found";
    case 429: return "too many requests";
    default: return "";
  }
}

}  // namespace spaceport::http
