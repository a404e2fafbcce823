#include "base/json.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace spaceport {

Json::Json(double v) : type_(Type::kNumber) {
  if (!std::isfinite(v)) {  // JSON has no NaN/Inf: store null rather than invalid text
    type_ = Type::kNull;
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  text_ = buf;
}

Json Json::NumberLexeme(std::string lexeme) {
  Json j;
  j.type_ = Type::kNumber;
  j.text_ = std::move(lexeme);
  return j;
}

std::optional<int64_t> Json::AsInt() const {
  if (type_ != Type::kNumber) return std::nullopt;
  if (text_.find_first_of(".eE") != std::string::npos) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text_.c_str(), &end, 10);
  if (errno != 0 || end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> Json::AsDouble() const {
  if (type_ != Type::kNumber) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text_.c_str(), &end);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return v;
}

size_t Json::size() const {
  return (type_ == Type::kArray || type_ == Type::kObject) ? items_.size() : 0;
}

void Json::Push(Json v) {
  if (type_ == Type::kNull) type_ = Type::kArray;
  items_.emplace_back(std::string(), std::move(v));
}

const Json* Json::Find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& m : items_)
    if (m.first == key) return &m.second;
  return nullptr;
}

Json* Json::Find(std::string_view key) {
  return const_cast<Json*>(static_cast<const Json*>(this)->Find(key));
}

void Json::Set(std::string_view key, Json v) {
  if (type_ == Type::kNull) type_ = Type::kObject;
  if (Json* existing = Find(key)) {
    *existing = std::move(v);
    return;
  }
  items_.emplace_back(std::string(key), std::move(v));
}

void Json::Append(std::string key, Json v) {
  if (type_ == Type::kNull) type_ = Type::kObject;
  items_.emplace_back(std::move(key), std::move(v));
}

bool Json::Erase(std::string_view key) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (it->first == key) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

std::string Json::GetString(std::string_view key, std::string fallback) const {
  const Json* v = Find(key);
  return (v != nullptr && v->is_string()) ? v->AsString() : fallback;
}

bool operator==(const Json& a, const Json& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Json::Type::kNull: return true;
    case Json::Type::kBool: return a.bool_ == b.bool_;
    case Json::Type::kNumber: {
      if (a.text_ == b.text_) return true;
      auto x = a.AsDouble(), y = b.AsDouble();
      return x && y && *x == *y;
    }
    case Json::Type::kString: return a.text_ == b.text_;
    case Json::Type::kArray:
    case Json::Type::kObject: return a.items_ == b.items_;
  }
  return false;
}

// ---- Writer ----

void AppendJsonString(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

namespace {

void DumpTo(const Json& j, std::string& out, int indent, int level) {
  auto newline = [&](int lvl) {
    if (indent <= 0) return;
    out.push_back('\n');
    out.append(static_cast<size_t>(indent * lvl), ' ');
  };
  switch (j.type()) {
    case Json::Type::kNull: out += "null"; return;
    case Json::Type::kBool: out += j.AsBool() ? "true" : "false"; return;
    case Json::Type::kNumber: out += j.Lexeme(); return;
    case Json::Type::kString: AppendJsonString(out, j.AsString()); return;
    case Json::Type::kArray: {
      if (j.size() == 0) { out += "[]"; return; }
      out.push_back('[');
      for (size_t i = 0; i < j.size(); ++i) {
        if (i > 0) out.push_back(',');
        newline(level + 1);
        DumpTo(j.At(i), out, indent, level + 1);
      }
      newline(level);
      out.push_back(']');
      return;
    }
    case Json::Type::kObject: {
      if (j.size() == 0) { out += "{}"; return; }
      out.push_back('{');
      bool first = true;
      for (const auto& [k, v] : j.Members()) {
        if (!first) out.push_back(',');
        first = false;
        newline(level + 1);
        AppendJsonString(out, k);
        out += indent > 0 ? ": " : ":";
        DumpTo(v, out, indent, level + 1);
      }
      newline(level);
      out.push_back('}');
      return;
    }
  }
}

// ---- Parser: recursive descent with a depth bound and line/column in errors ----

class Parser {
 public:
  Parser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  Result<Json> ParseDocument() {
    SkipSpace();
    Json v;
    if (!ParseValue(v, 0)) return Error();
    SkipSpace();
    if (pos_ != s_.size()) {
      Fail("unexpected text after the JSON value");
      return Error();
    }
    return v;
  }

 private:
  Status Error() const {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < err_pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    return InvalidArgument("line " + std::to_string(line) + ", column " + std::to_string(col) +
                           ": " + err_);
  }
  bool Fail(std::string msg) {
    if (err_.empty()) { err_ = std::move(msg); err_pos_ = pos_; }
    return false;
  }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' ||
                                s_[pos_] == '\r'))
      ++pos_;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return Fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool ParseValue(Json& out, int depth) {
    if (depth > max_depth_) return Fail("nesting deeper than " + std::to_string(max_depth_));
    if (pos_ >= s_.size()) return Fail("unexpected end of input");
    char c = s_[pos_];
    if (c == '{') return ParseObject(out, depth);
    if (c == '[') return ParseArray(out, depth);
    if (c == '"') {
      std::string str;
      if (!ParseString(str)) return false;
      out = Json(std::move(str));
      return true;
    }
    if (c == 't') { if (!Literal("true")) return false; out = Json(true); return true; }
    if (c == 'f') { if (!Literal("false")) return false; out = Json(false); return true; }
    if (c == 'n') { if (!Literal("null")) return false; out = Json(); return true; }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
    return Fail(std::string("unexpected character '") + c + "'");
  }

  bool ParseNumber(Json& out) {
    size_t start = pos_;
    auto digits = [&] {
      size_t n = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') { ++pos_; ++n; }
      return n;
    };
    if (s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return Fail("invalid number");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return Fail("invalid number: digits expected after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return Fail("invalid number: digits expected in exponent");
    }
    out = Json::NumberLexeme(std::string(s_.substr(start, pos_ - start)));
    return true;
  }

  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Hex4(uint32_t& v) {
    if (pos_ + 4 > s_.size()) return Fail("truncated \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else return Fail("invalid \\u escape");
    }
    return true;
  }

  bool ParseString(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return Fail("unterminated string");
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) {
        --pos_;
        return Fail("control character in string");
      }
      if (c != '\\') { out.push_back(c); continue; }
      if (pos_ >= s_.size()) return Fail("unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // surrogate pair
            uint32_t lo = 0;
            if (s_.substr(pos_, 2) != "\\u") return Fail("unpaired surrogate");
            pos_ += 2;
            if (!Hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return Fail("invalid low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail("unpaired surrogate");
          }
          AppendUtf8(out, cp);
          break;
        }
        default: --pos_; return Fail("invalid escape");
      }
    }
  }

  bool ParseArray(Json& out, int depth) {
    ++pos_;
    out = Json::Array();
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return true; }
    while (true) {
      SkipSpace();
      Json v;
      if (!ParseValue(v, depth + 1)) return false;
      out.Push(std::move(v));
      SkipSpace();
      if (pos_ >= s_.size()) return Fail("unterminated array");
      if (s_[pos_] == ',') { ++pos_; continue; }
      if (s_[pos_] == ']') { ++pos_; return true; }
      return Fail("expected ',' or ']'");
    }
  }

  bool ParseObject(Json& out, int depth) {
    ++pos_;
    out = Json::Object();
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return true; }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("expected a string key");
      std::string key;
      if (!ParseString(key)) return false;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Fail("expected ':'");
      ++pos_;
      SkipSpace();
      Json v;
      if (!ParseValue(v, depth + 1)) return false;
      // Duplicate keys: RFC 8259 leaves them undefined; keep the last, as most parsers do.
      out.Set(key, std::move(v));
      SkipSpace();
      if (pos_ >= s_.size()) return Fail("unterminated object");
      if (s_[pos_] == ',') { ++pos_; continue; }
      if (s_[pos_] == '}') { ++pos_; return true; }
      return Fail("expected ',' or '}'");
    }
  }

  std::string_view s_;
  int max_depth_;
  size_t pos_ = 0;
  std::string err_;
  size_t err_pos_ = 0;
};

}  // namespace

std::string Json::Dump(int indent) const {
  std::string out;
  DumpTo(*this, out, indent, 0);
  return out;
}

Result<Json> Json::Parse(std::string_view text, int max_depth) {
  return Parser(text, max_depth).ParseDocument();
}

}  // namespace spaceport
