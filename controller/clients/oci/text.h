// Small ASCII text helpers shared by the OCI client's parsers (header values, host names, image
// references). HTTP tokens compare case-insensitively in ASCII only, so std::tolower's locale
// dependence is avoided on purpose.
//
//   oci::text::Lower("GHCR.io") == "ghcr.io";
//   oci::text::Trim("  a b ") == "a b";
#pragma once

#include <string>
#include <string_view>

namespace spaceport::oci::text {

inline char LowerChar(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The media type without parameters: "application/json; charset=utf-8" → "application/json".
inline std::string MediaTypeOnly(std::string_view content_type) {
  size_t semi = content_type.find(';');
  return Lower(Trim(content_type.substr(0, semi)));
}

}  // namespace spaceport::oci::text
