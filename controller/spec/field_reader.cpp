#include "spec/field_reader.h"

#include <span>
#include <unordered_map>

#include "spec/quote.h"
#include "spec/suggest.h"

namespace spaceport::spec {
namespace {

using yaml::Node;
using yaml::NodeKind;

// Small mappings are checked pairwise (cheaper than hashing); big ones through a hash map, so a
// hostile mapping with a million keys stays linear.
constexpr size_t kPairwiseLimit = 16;

// Reports keys that are not scalars and keys that repeat an earlier one.
void CheckKeysAreUniqueStrings(DiagnosticSink& sink, const Node& node, const std::string& path) {
  std::unordered_map<std::string_view, const Node*> seen;
  const bool hashed = node.entries.size() > kPairwiseLimit;
  for (size_t i = 0; i < node.entries.size(); ++i) {
    const Node& key = *node.entries[i].key;
    if (key.kind != NodeKind::kScalar) {
      sink.Error(key.mark, path, "keys must be strings, got " + yaml::Describe(key));
      continue;
    }
    const Node* first = nullptr;
    if (hashed) {
      auto [it, inserted] = seen.emplace(key.text, &key);
      if (!inserted) first = it->second;
    } else {
      for (size_t j = 0; j < i && first == nullptr; ++j) {
        const Node& earlier = *node.entries[j].key;
        if (earlier.kind == NodeKind::kScalar && earlier.text == key.text) first = &earlier;
      }
    }
    if (first != nullptr) {
      sink.Error(key.mark, FieldPath(path, key.text),
                 "duplicate key; it is already set at line " + std::to_string(first->mark.line) +
                     ", column " + std::to_string(first->mark.column));
    }
  }
}

std::string IntExpectation(int64_t min, int64_t max) {
  if (max == kNoMaximum) {
    if (min == 0) return "a non-negative integer";
    if (min == 1) return "a positive integer";
    return "an integer of at least " + std::to_string(min);
  }
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

// Decimal integers only: YAML 1.1's 0x1F, 0o17 and 1_000 are refused as too surprising.
std::optional<int64_t> ParseInteger(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    i = 1;
  }
  if (i == text.size() || text.size() - i > 18) return std::nullopt;
  int64_t value = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return negative ? -value : value;
}

// `got "abc"`, or for a quoted value that would be right unquoted, a hint to drop the quotes.
std::string Got(const Node& node, bool right_if_unquoted) {
  if (node.kind != NodeKind::kScalar) return "got " + yaml::Describe(node);
  if (!node.plain && right_if_unquoted) {
    return "got the string " + Quote(node.text) + " (remove the quotes)";
  }
  return "got " + Quote(node.text);
}

}  // namespace

MapReader::MapReader(DiagnosticSink& sink, const Node& node, std::string path,
                     std::initializer_list<std::string_view> known,
                     std::initializer_list<std::string_view> ignored)
    : sink_(sink), node_(node), path_(std::move(path)) {
  if (node.kind != NodeKind::kMapping) {
    sink_.Error(node.mark, path_, "expected a mapping, got " + yaml::Describe(node));
    return;
  }
  is_mapping_ = true;
  CheckKeys(known, ignored);
}

void MapReader::CheckKeys(std::initializer_list<std::string_view> known,
                          std::initializer_list<std::string_view> ignored) {
  CheckKeysAreUniqueStrings(sink_, node_, path_);
  const std::span<const std::string_view> candidates(known.begin(), known.size());
  for (const yaml::Entry& entry : node_.entries) {
    if (entry.key->kind != NodeKind::kScalar) continue;
    const std::string& key = entry.key->text;
    bool is_known = false;
    for (std::string_view k : known) is_known = is_known || k == key;
    for (std::string_view k : ignored) is_known = is_known || k == key;
    if (!is_known) {
      std::string hint = DidYouMean(key, candidates);
      if (hint.empty()) {
        // No near miss: list the fields that are allowed here (there are never many).
        hint = "; expected one of ";
        for (size_t i = 0; i < known.size(); ++i) {
          hint += (i == 0 ? "" : ", ") + std::string(known.begin()[i]);
        }
      }
      sink_.Error(entry.key->mark, PathOf(key), "unknown field" + hint);
    }
  }
}

const yaml::Entry* MapReader::Find(std::string_view key) const {
  if (!is_mapping_) return nullptr;
  for (const yaml::Entry& entry : node_.entries) {
    if (entry.key->kind == NodeKind::kScalar && entry.key->text == key) return &entry;
  }
  return nullptr;
}

const Node* MapReader::Get(std::string_view key) const {
  const yaml::Entry* entry = Find(key);
  if (entry == nullptr || entry->value->kind == NodeKind::kNull) return nullptr;
  return entry->value;
}

const Node* MapReader::Require(std::string_view key) {
  if (!is_mapping_) return nullptr;
  const yaml::Entry* entry = Find(key);
  if (entry == nullptr) {
    sink_.Error(node_.mark, path_, "missing required field \"" + std::string(key) + "\"");
    return nullptr;
  }
  if (entry->value->kind == NodeKind::kNull) {
    // The null's own mark points past the key (at the next token), so point at the key.
    sink_.Error(entry->key->mark, PathOf(key), "the field is required but has no value");
    return nullptr;
  }
  return entry->value;
}

std::optional<std::string> MapReader::String(std::string_view key, Need need) {
  const Node* value = need == Need::kRequired ? Require(key) : Get(key);
  if (value == nullptr) return std::nullopt;
  return ReadString(sink_, *value, PathOf(key));
}

std::optional<bool> MapReader::Bool(std::string_view key) {
  const Node* value = Get(key);
  if (value == nullptr) return std::nullopt;
  return ReadBool(sink_, *value, PathOf(key));
}

std::optional<int64_t> MapReader::Int(std::string_view key, int64_t min, int64_t max) {
  const Node* value = Get(key);
  if (value == nullptr) return std::nullopt;
  return ReadInt(sink_, *value, PathOf(key), min, max);
}

std::optional<std::string> ReadString(DiagnosticSink& sink, const Node& node,
                                      const std::string& path) {
  if (node.kind != NodeKind::kScalar) {
    sink.Error(node.mark, path, "expected a string, got " + yaml::Describe(node));
    return std::nullopt;
  }
  return node.text;
}

std::optional<bool> ReadBool(DiagnosticSink& sink, const Node& node, const std::string& path) {
  // Only the plain words: YAML 1.1's yes/no/on/off and quoted "true" are too easy to misread.
  if (node.kind == NodeKind::kScalar && node.plain) {
    if (node.text == "true") return true;
    if (node.text == "false") return false;
  }
  const bool right_unquoted = node.text == "true" || node.text == "false";
  sink.Error(node.mark, path, "expected true or false, " + Got(node, right_unquoted));
  return std::nullopt;
}

std::optional<int64_t> ReadInt(DiagnosticSink& sink, const Node& node, const std::string& path,
                               int64_t min, int64_t max) {
  const std::optional<int64_t> value =
      node.kind == NodeKind::kScalar ? ParseInteger(node.text) : std::nullopt;
  if (value && node.plain && *value >= min && *value <= max) return value;
  // A number out of range is shown as written; anything else quoted.
  const std::string got = value && node.plain ? "got " + node.text : Got(node, value.has_value());
  sink.Error(node.mark, path, "expected " + IntExpectation(min, max) + ", " + got);
  return std::nullopt;
}

std::optional<int64_t> ReadDuration(DiagnosticSink& sink, const Node& node,
                                    const std::string& path) {
  auto text = ReadString(sink, node, path);
  if (!text) return std::nullopt;
  const std::optional<int64_t> seconds = ParseDuration(*text);
  if (!seconds) {
    // A bare number is the likeliest mistake; say which unit would make it right.
    const bool digits_only =
        !text->empty() && text->find_first_not_of("0123456789") == std::string::npos;
    sink.Error(node.mark, path,
               "expected a duration such as 30s, 5m, 1h or 1h30m, got " + Quote(*text) +
                   (digits_only ? " (add a unit, e.g. " + *text + "s)" : ""));
    return std::nullopt;
  }
  if (*seconds == 0) {
    sink.Error(node.mark, path, "the duration must be greater than zero, got " + Quote(*text));
    return std::nullopt;
  }
  return seconds;
}

std::optional<std::vector<const Node*>> ReadSequence(DiagnosticSink& sink, const Node& node,
                                                     const std::string& path) {
  if (node.kind != NodeKind::kSequence) {
    sink.Error(node.mark, path, "expected a sequence, got " + yaml::Describe(node));
    return std::nullopt;
  }
  return node.items;
}

bool CheckNameMapping(DiagnosticSink& sink, const Node& node, const std::string& path) {
  if (node.kind != NodeKind::kMapping) {
    sink.Error(node.mark, path, "expected a mapping, got " + yaml::Describe(node));
    return false;
  }
  CheckKeysAreUniqueStrings(sink, node, path);
  return true;
}

std::optional<ScalarMap> ReadScalarMap(DiagnosticSink& sink, const Node& node,
                                       const std::string& path, NameCheck check_name) {
  if (!CheckNameMapping(sink, node, path)) return std::nullopt;
  ScalarMap out;
  out.reserve(node.entries.size());
  for (const yaml::Entry& entry : node.entries) {
    if (entry.key->kind != NodeKind::kScalar) continue;
    const std::string& name = entry.key->text;
    const std::string field = FieldPath(path, name);
    if (check_name != nullptr) {
      if (auto why = check_name(name)) {
        sink.Error(entry.key->mark, field, *why);
        continue;
      }
    }
    const Node& value = *entry.value;
    if (value.kind == NodeKind::kNull) {
      sink.Error(entry.key->mark, field, "has no value; write \"\" for an empty string");
      continue;
    }
    if (value.kind != NodeKind::kScalar) {
      sink.Error(value.mark, field, "expected a string, got " + yaml::Describe(value));
      continue;
    }
    out.push_back({name, value.text, value.mark});
  }
  return out;
}

}  // namespace spaceport::spec
