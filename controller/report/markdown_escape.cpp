#include "report/markdown_escape.h"

#include <algorithm>

namespace spaceport::report {
namespace {

size_t LongestBacktickRun(std::string_view s) {
  size_t longest = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

}  // namespace

std::string MarkdownText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']':
      case '<': case '>': case '|': case '&': case '~':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\n':
      case '\r':
        out.push_back(' ');  // prose here is always one line (a cell, a list item, a heading)
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string CodeSpan(std::string_view value, Cell where) {
  if (value.empty()) return "*empty*";
  std::string body;
  body.reserve(value.size());
  for (char c : value) {
    if (c == '\n' || c == '\r') {
      body.push_back(' ');
    } else if (c == '|' && where == Cell::kTable) {
      body += "\\|";
    } else {
      body.push_back(c);
    }
  }
  const std::string fence(LongestBacktickRun(value) + 1, '`');
  // A leading or trailing backtick would merge with the fence; CommonMark strips one space of
  // padding on each side, so the value still renders exactly.
  const bool pad = body.front() == '`' || body.back() == '`' ||
                   (body.front() == ' ' && body.back() == ' ' &&
                    body.find_first_not_of(' ') != std::string::npos);
  return pad ? fence + " " + body + " " + fence : fence + body + fence;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string HtmlText(std::string_view text) {
  std::string out = HtmlEscape(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

std::string CodeFence(std::string_view body) {
  return std::string(std::max<size_t>(3, LongestBacktickRun(body) + 1), '`');
}

}  // namespace spaceport::report
