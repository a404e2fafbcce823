#include "http/header_lists.h"

namespace spaceport::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// True when the element starts a challenge: "Bearer realm=..." or a lone "Negotiate". A
// parameter ("service=..." or "service = ...") has '=' after its name instead.
bool StartsChallenge(std::string_view element) {
  size_t i = 0;
  while (i < element.size() && IsTokenChar(element[i])) ++i;
  if (i == 0) return false;
  size_t after_spaces = i;
  while (after_spaces < element.size() && element[after_spaces] == ' ') ++after_spaces;
  if (after_spaces == element.size()) return true;
  return after_spaces > i && element[after_spaces] != '=';
}

}  // namespace

std::vector<std::string> SplitHeaderList(std::string_view value) {
  std::vector<std::string> out;
  bool in_quotes = false;
  bool in_brackets = false;
  size_t start = 0;
  for (size_t i = 0; i <= value.size(); ++i) {
    const bool end = i == value.size();
    const char c = end ? ',' : value[i];
    if (in_quotes) {
      if (c == '\\' && i + 1 < value.size()) {
        ++i;  // quoted-pair: the next character is literal
      } else if (c == '"') {
        in_quotes = false;
      }
      if (!end) continue;
    }
    if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      in_brackets = true;
    } else if (c == '>') {
      in_brackets = false;
    } else if (c == ',' && (!in_brackets || end)) {
      std::string_view element = Trim(value.substr(start, i - start));
      if (!element.empty()) out.emplace_back(element);
      start = i + 1;
    }
  }
  return out;
}

std::vector<std::string> SplitChallenges(std::string_view value) {
  std::vector<std::string> challenges;
  for (std::string& element : SplitHeaderList(value)) {
    if (challenges.empty() || StartsChallenge(element)) {
      challenges.push_back(std::move(element));
    } else {
      challenges.back() += ",";
      challenges.back() += element;
    }
  }
  return challenges;
}

}  // namespace spaceport::http
