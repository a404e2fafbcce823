// Json: a small JSON value with ordered objects, a strict parser and a deterministic writer.
//
// Spaceport reads and writes JSON in several places (observations, plans, image configs) and must
// keep what it does not understand: an image config edited by the wrapper publisher keeps every
// unknown field, in order, and numbers keep their exact text. So objects are ordered lists of
// members (lookups are linear; our documents are small) and numbers are stored as their lexeme.
// cpprestsdk's web::json is deliberately not used: it lives only behind controller/http.
//
//   auto doc = Json::Parse(R"({"a":[1,2.50,"x"]})");
//   if (!doc.ok()) return doc.status();          // "line 1, column 7: expected ..."
//   doc->Find("a")->At(1).Lexeme();               // "2.50"
//   Json o = Json::Object(); o.Set("k", Json("v")); o.Dump();   // {"k":"v"}
//
// Not thread-safe for concurrent mutation; const access from many threads is fine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace spaceport {

class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, Json>;

  Json() = default;  // null
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::kBool), bool_(b) {}
  Json(int v) : Json(static_cast<int64_t>(v)) {}
  Json(int64_t v) : type_(Type::kNumber), text_(std::to_string(v)) {}
  Json(double v);
  Json(const char* s) : type_(Type::kString), text_(s) {}
  Json(std::string s) : type_(Type::kString), text_(std::move(s)) {}
  Json(std::string_view s) : type_(Type::kString), text_(s) {}

  static Json Array() { Json j; j.type_ = Type::kArray; return j; }
  static Json Object() { Json j; j.type_ = Type::kObject; return j; }
  // A number from its JSON lexeme (not validated; use Parse for untrusted text).
  static Json NumberLexeme(std::string lexeme);

  // Parses one JSON text (RFC 8259). Nesting deeper than max_depth is an error, never a crash.
  static Result<Json> Parse(std::string_view text, int max_depth = 256);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool AsBool() const { return bool_; }
  // The string's value; for numbers, use Lexeme().
  const std::string& AsString() const { return text_; }
  const std::string& Lexeme() const { return text_; }
  // Number as an integer; nullopt when not a number or not integral / out of range.
  std::optional<int64_t> AsInt() const;
  std::optional<double> AsDouble() const;

  // Arrays.
  size_t size() const;  // elements of an array, members of an object, else 0
  const Json& At(size_t i) const { return items_[i].second; }
  Json& At(size_t i) { return items_[i].second; }
  void Push(Json v);

  // Objects: members in insertion order.
  const std::vector<Member>& Members() const { return items_; }
  const Json* Find(std::string_view key) const;
  Json* Find(std::string_view key);
  // Replaces the value of an existing key in place (keeping its position) or appends it.
  // Linear in the number of members: for building large objects use Append.
  void Set(std::string_view key, Json v);
  // Appends a member without looking for an existing one: O(1). The caller guarantees the key is
  // new (e.g. it iterates a std::map); a duplicate would be written twice.
  void Append(std::string key, Json v);
  bool Erase(std::string_view key);

  // Convenience for readers: the member's string, or fallback when absent or not a string.
  std::string GetString(std::string_view key, std::string fallback = "") const;

  // Compact JSON with no spaces; key order as stored. indent > 0 pretty-prints.
  std::string Dump(int indent = 0) const;

  friend bool operator==(const Json& a, const Json& b);

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;                 // string value or number lexeme
  std::vector<Member> items_;        // array (keys empty) or object members
};

// Appends s as a JSON string literal (with quotes) to out.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace spaceport
