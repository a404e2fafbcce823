#include "clients/hub/rate_limit_headers.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "http/header_lists.h"
#include "http/retry_after.h"

namespace spaceport::hub {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One list item split at ';' outside quoted strings.
std::vector<std::string_view> SplitParams(std::string_view item) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < item.size(); ++i) {
    const char c = item[i];
    if (c == '\\' && quoted) {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ';' && !quoted) {
      out.push_back(Trim(item.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(Trim(item.substr(start)));
  return out;
}

std::optional<int64_t> ParseNonNegative(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

struct Item {
  std::string name;  // the last quoted string
  std::vector<std::pair<std::string, int64_t>> params;
  std::optional<int64_t> Get(std::string_view key) const {
    for (const auto& [k, v] : params) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
};

std::vector<Item> ParseItems(std::string_view value) {
  std::vector<Item> items;
  for (const std::string& raw : http::SplitHeaderList(value)) {
    Item item;
    for (std::string_view part : SplitParams(raw)) {
      if (part.size() >= 2 && part.front() == '"' && part.back() == '"') {
        item.name = std::string(part.substr(1, part.size() - 2));
        continue;
      }
      const size_t eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      if (auto n = ParseNonNegative(Trim(part.substr(eq + 1)))) {
        item.params.emplace_back(std::string(Trim(part.substr(0, eq))), *n);
      }
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

std::optional<RateLimitState> ParseRateLimit(std::string_view value) {
  for (const Item& item : ParseItems(value)) {
    RateLimitState state;
    state.name = item.name;
    state.remaining = item.Get("r");
    if (auto t = item.Get("t")) state.reset = std::chrono::seconds(*t);
    if (state.remaining || state.reset) return state;
  }
  return std::nullopt;
}

std::optional<RateLimitPolicy> ParseRateLimitPolicy(std::string_view value) {
  for (const Item& item : ParseItems(value)) {
    RateLimitPolicy policy;
    policy.name = item.name;
    policy.quota = item.Get("q");
    if (auto w = item.Get("w")) policy.window = std::chrono::seconds(*w);
    if (policy.quota || policy.window) return policy;
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> PauseAfter(const http::Response& response,
                                                    std::chrono::system_clock::time_point now) {
  std::optional<std::chrono::milliseconds> pause;
  if (auto header = response.headers.Get("RateLimit")) {
    std::optional<RateLimitState> state = ParseRateLimit(*header);
    if (state && state->remaining == 0 && state->reset) pause = *state->reset;
  }
  if (auto header = response.headers.Get("Retry-After")) {
    if (auto wait = http::ParseRetryAfter(*header, now)) {
      pause = pause ? std::max(*pause, *wait) : *wait;
    }
  }
  return pause;
}

}  // namespace spaceport::hub
