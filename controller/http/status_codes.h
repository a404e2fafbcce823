// HTTP status → Status code, the one mapping every protocol client starts from (design.md §4):
// 400/413/416/422 → kInvalidArgument, 401 → kUnauthenticated, 402/403 → kPermissionDenied,
// 404/410 → kNotFound, 405/501 → kUnimplemented, 409/412 → kConflict, 429 → kResourceExhausted,
// other 5xx → kUnavailable (transient), anything else → kInternal. A client that knows better
// for its protocol (a registry's DIGEST_INVALID is data loss) refines the result afterwards.
//
//   Status s(http::StatusCodeForHttp(r.status), std::string(http::ReasonPhrase(r.status)));
#pragma once

#include <string_view>

#include "base/status.h"

namespace spaceport::http {

StatusCode StatusCodeForHttp(int status);

// A short lower-case phrase for the statuses callers most often show without a body of their own
// ("unauthorized", "forbidden", "not found", "too many requests"); "" for the others.
std::string_view ReasonPhrase(int status);

// The reason phrase of a status line ("Not Found", "Too Many Requests"); "Status" for a code it
// does not know (the phrase carries no meaning in HTTP/1.1, the code does).
std::string_view StatusText(int status);

}  // namespace spaceport::http
