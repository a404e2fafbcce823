// Typed, self-reporting access to a yaml::Node tree: the validators' vocabulary.
//
// A MapReader wraps one mapping of the document. Constructing it reports what is wrong with the
// mapping as a whole: not a mapping at all, keys that are not strings, duplicate keys (yaml-cpp
// would silently keep both) and unknown keys, each unknown key with a did-you-mean among the
// known ones. Its getters then read fields by name and report wrong types with the position of
// the offending node. Reading never throws and never stops: every problem becomes a diagnostic
// and the caller gets nullopt for that field, so one document yields all of its errors.
//
// YAML null (`key:` with nothing, `~`, `null`) means "unset", as in Kubernetes: Get() returns
// nullptr for it, and Require() reports a required field written as null.
//
//   MapReader image(sink, node, "spec.image", {"repository", "version", "policy", "build"});
//   std::optional<std::string> repo = image.String("repository", Need::kRequired);
//   std::optional<int64_t> port = wrapper.Int("port", 1, 65535);
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spec/diagnostic_sink.h"
#include "spec/grammar.h"
#include "spec/yaml_tree.h"

namespace spaceport::spec {

enum class Need { kOptional, kRequired };

constexpr int64_t kNoMaximum = std::numeric_limits<int64_t>::max();

class MapReader {
 public:
  MapReader(DiagnosticSink& sink, const yaml::Node& node, std::string path,
            std::initializer_list<std::string_view> known,
            std::initializer_list<std::string_view> ignored = {});

  bool is_mapping() const { return is_mapping_; }
  const yaml::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return FieldPath(path_, key); }

  // The first entry with this key (its value may be null), or nullptr.
  const yaml::Entry* Find(std::string_view key) const;
  // The value, or nullptr when the key is absent or its value is null.
  const yaml::Node* Get(std::string_view key) const;
  // As Get, but reports a missing or null value.
  const yaml::Node* Require(std::string_view key);

  std::optional<std::string> String(std::string_view key, Need need = Need::kOptional);
  std::optional<bool> Bool(std::string_view key);
  std::optional<int64_t> Int(std::string_view key, int64_t min, int64_t max);

 private:
  void CheckKeys(std::initializer_list<std::string_view> known,
                 std::initializer_list<std::string_view> ignored);

  DiagnosticSink& sink_;
  const yaml::Node& node_;
  std::string path_;
  bool is_mapping_ = false;
};

// Each reports a wrong node with `path` and returns nullopt.
std::optional<std::string> ReadString(DiagnosticSink& sink, const yaml::Node& node,
                                      const std::string& path);
std::optional<bool> ReadBool(DiagnosticSink& sink, const yaml::Node& node, const std::string& path);
std::optional<int64_t> ReadInt(DiagnosticSink& sink, const yaml::Node& node,
                               const std::string& path, int64_t min, int64_t max);
// A Go-style duration > 0, e.g. 5m; reports malformed and zero durations.
std::optional<int64_t> ReadDuration(DiagnosticSink& sink, const yaml::Node& node,
                                    const std::string& path);
// Reports anything but a sequence; returns its items.
std::optional<std::vector<const yaml::Node*>> ReadSequence(DiagnosticSink& sink,
                                                           const yaml::Node& node,
                                                           const std::string& path);

// Checks the node is a mapping whose keys are unique strings, reporting what is not; for maps of
// user-chosen names (variables, secrets) where MapReader's known-key check does not apply.
bool CheckNameMapping(DiagnosticSink& sink, const yaml::Node& node, const std::string& path);

using NameCheck = GrammarError (*)(std::string_view);

struct ScalarEntry {
  std::string name;
  std::string value;
  yaml::Mark value_mark;
};
using ScalarMap = std::vector<ScalarEntry>;

// A mapping of names to scalar values in file order, values kept as written (`PORT: 7860` gives
// "7860"). Names are checked with `check_name` when given; duplicates and null values reported.
// Entries with problems are left out; nullopt only when the node is not a mapping.
std::optional<ScalarMap> ReadScalarMap(DiagnosticSink& sink, const yaml::Node& node,
                                       const std::string& path, NameCheck check_name = nullptr);

}  // namespace spaceport::spec
