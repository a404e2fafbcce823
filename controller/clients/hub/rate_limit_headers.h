// The Hub's rate-limit headers (IETF draft-ietf-httpapi-ratelimit-headers, version 9 form):
//
//   RateLimit:        "api";r=0;t=120                      remaining r, seconds to reset t
//   RateLimit-Policy: "fixed window";"api";q=1000;w=300    quota q per window of w seconds
//
// plus the standard Retry-After. Values are parsed leniently: items are separated by ',', their
// parameters by ';', quoted strings name the policy, and unknown parameters are ignored. A
// malformed value yields nothing rather than a guess.
//
//   auto limit = hub::ParseRateLimit(R"("api";r=0;t=120)");      // remaining 0, reset 120 s
//   auto wait = hub::PauseAfter(response, clock.Now());           // how long a 429 asks for
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/http.h"

namespace spaceport::hub {

struct RateLimitState {
  std::string name;                 // "api"; "" when unnamed
  std::optional<int64_t> remaining;  // r
  std::optional<std::chrono::seconds> reset;  // t
};

struct RateLimitPolicy {
  std::string name;                  // the last quoted string: "api"
  std::optional<int64_t> quota;      // q
  std::optional<std::chrono::seconds> window;  // w
};

// The first item of a RateLimit value that carries r or t.
std::optional<RateLimitState> ParseRateLimit(std::string_view value);
// The first item of a RateLimit-Policy value that carries q or w.
std::optional<RateLimitPolicy> ParseRateLimitPolicy(std::string_view value);

// How long the Hub asked us to stay away, from a response's headers: the RateLimit reset when
// it says nothing remains (r=0), else Retry-After (seconds or an HTTP-date), the larger of the
// two when both are given. Nothing when the response gives no hint.
std::optional<std::chrono::milliseconds> PauseAfter(const http::Response& response,
                                                    std::chrono::system_clock::time_point now);

}  // namespace spaceport::hub
