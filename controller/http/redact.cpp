#include <array>

#include "base/ascii.h"
#include "http/http.h"

namespace spaceport::http {
namespace {

bool CarriesCredential(std::string_view header_name) {
  const std::string name = AsciiLower(header_name);
  if (name == "authorization" || name == "proxy-authorization" || name == "cookie" ||
      name == "set-cookie") {
    return true;
  }
  // Vendor headers (X-Api-Key, X-Auth-Token, X-Hub-Signature-Secret...) are matched by the
  // words they contain; over-redacting a harmless header costs less than leaking a key.
  static constexpr std::array<std::string_view, 5> kWords = {"api-key", "apikey", "token", "secret",
                                                             "password"};
  for (std::string_view word : kWords) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

// An auth scheme is a token followed by a space ("Bearer abc"); a bare value has none.
std::string_view LeadingScheme(std::string_view value) {
  const size_t space = value.find(' ');
  if (space == std::string_view::npos || space == 0) return {};
  std::string_view scheme = value.substr(0, space);
  for (char c : scheme) {
    const bool token_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!token_char) return {};
  }
  return scheme;
}

}  // namespace

std::string Redact(std::string_view header_name, std::string_view value) {
  if (!CarriesCredential(header_name)) return std::string(value);
  const std::string_view scheme = LeadingScheme(value);
  if (scheme.empty()) return "<redacted>";
  return std::string(scheme) + " <redacted>";
}

Headers Redacted(const Headers& headers) {
  Headers out;
  for (const auto& [name, value] : headers.items()) out.Add(name, Redact(name, value));
  return out;
}

}  // namespace spaceport::http
