// Retry-After (RFC 9110 §10.2.3): either delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2026 07:28:00 GMT"). The Client waits that long before retrying a 429 or 503;
// the wait is computed against the injected clock, so tests pin it exactly.
//
//   auto wait = http::ParseRetryAfter("Wed, 01 Jan 2026 00:00:30 GMT", fake_clock.Now());
//   // 30 s when the fake clock reads 2026-01-01T00:00:00Z
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace spaceport::http {

// The wait the value asks for, measured from `now`; a date in the past gives zero. Returns
// nothing for a malformed value (the caller then falls back to its own backoff).
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

// IMF-fixdate, plus the obsolete RFC 850 and asctime forms that recipients must accept.
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view value);

}  // namespace spaceport::http
