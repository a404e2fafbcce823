#include "clients/oci/challenge.h"

#include "clients/oci/text.h"

namespace spaceport::oci {
namespace {

// RFC 7230 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken68Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  void SkipSpace() {
    while (!done() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  void SkipSpaceAndCommas() {
    while (!done() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_;
  }
  std::string_view Token() {
    size_t start = i_;
    while (!done() && IsTokenChar(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  size_t pos() const { return i_; }
  void set_pos(size_t p) { i_ = p; }
  // After a token at the current position, is there "=" (a parameter) rather than a new challenge?
  bool AtParamName() const {
    size_t j = i_;
    while (j < s_.size() && IsTokenChar(s_[j])) ++j;
    if (j == i_) return false;
    while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t')) ++j;
    return j < s_.size() && s_[j] == '=';
  }
  // A token68 ends the challenge: it is followed by optional '='s, then a comma or the end.
  bool AtToken68(size_t* end) const {
    size_t j = i_;
    while (j < s_.size() && IsToken68Char(s_[j])) ++j;
    if (j == i_) return false;
    while (j < s_.size() && s_[j] == '=') ++j;
    size_t stop = j;
    while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t')) ++j;
    if (j < s_.size() && s_[j] != ',') return false;
    *end = stop;
    return true;
  }
  std::string_view Slice(size_t from, size_t to) const { return s_.substr(from, to - from); }
  Result<std::string> QuotedString() {
    ++i_;  // opening quote
    std::string out;
    while (!done()) {
      char c = s_[i_++];
      if (c == '"') return out;
      if (c == '\\' && !done()) c = s_[i_++];
      out += c;
    }
    return InvalidArgument("WWW-Authenticate: unterminated quoted string");
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool Challenge::Is(std::string_view s) const { return EqualsIgnoreCase(scheme, s); }

std::string Challenge::Param(std::string_view name) const {
  std::string key = AsciiLower(name);
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

Result<std::vector<Challenge>> ParseChallenges(std::string_view header_value) {
  std::vector<Challenge> out;
  Cursor c(header_value);
  c.SkipSpaceAndCommas();
  while (!c.done()) {
    if (!out.empty() && c.AtParamName()) {
      // Another auth-param of the current challenge.
      std::string name = AsciiLower(c.Token());
      c.SkipSpace();
      c.set_pos(c.pos() + 1);  // '='
      c.SkipSpace();
      std::string value;
      if (c.peek() == '"') {
        auto q = c.QuotedString();
        if (!q.ok()) return q.status();
        value = std::move(*q);
      } else {
        value = std::string(c.Token());
      }
      out.back().params.emplace_back(std::move(name), std::move(value));
    } else {
      std::string_view scheme = c.Token();
      if (scheme.empty()) {
        return InvalidArgument("WWW-Authenticate: expected an auth scheme at offset " +
                               std::to_string(c.pos()));
      }
      out.push_back(Challenge{std::string(scheme), {}, ""});
      c.SkipSpace();
      size_t end = 0;
      if (!c.done() && c.peek() != ',' && c.AtToken68(&end)) {
        out.back().token68 = std::string(c.Slice(c.pos(), end));
        c.set_pos(end);
      }
    }
    c.SkipSpaceAndCommas();
  }
  if (out.empty()) return InvalidArgument("WWW-Authenticate: no challenge");
  return out;
}

}  // namespace spaceport::oci
