// ASCII case and whitespace helpers for protocol text: HTTP tokens (header names, schemes,
// hosts), media types, Dockerfile keywords. These compare case-insensitively in ASCII only, so
// std::tolower's locale dependence is deliberately avoided.
//
//   if (EqualsIgnoreCase(name, "authorization")) ...
//   std::string host = AsciiLower("GHCR.io");  // "ghcr.io"
#pragma once

#include <string>
#include <string_view>

namespace spaceport {

inline char AsciiLowerChar(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLowerChar(c);
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLowerChar(a[i]) != AsciiLowerChar(b[i])) return false;
  }
  return true;
}

// HTTP whitespace: space, tab, CR, LF.
inline bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Strips HTTP whitespace from both ends.
inline std::string_view AsciiTrim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace spaceport
