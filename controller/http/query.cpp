#include "http/query.h"

#include "http/http.h"

namespace spaceport::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string UrlDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (c == '+' && plus_is_space) ? ' ' : c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view segment = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (segment.empty()) continue;
    const size_t eq = segment.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(UrlDecode(segment, true), "");
    } else {
      out.emplace_back(UrlDecode(segment.substr(0, eq), true),
                       UrlDecode(segment.substr(eq + 1), true));
    }
  }
  return out;
}

std::vector<std::string> Server::IncomingRequest::QueryValues(std::string_view key) const {
  std::vector<std::string> values;
  for (auto& [k, v] : ParseQuery(query)) {
    if (k == key) values.push_back(std::move(v));
  }
  return values;
}

std::optional<std::string> Server::IncomingRequest::QueryValue(std::string_view key) const {
  for (auto& [k, v] : ParseQuery(query)) {
    if (k == key) return std::move(v);
  }
  return std::nullopt;
}

}  // namespace spaceport::http
