// Token scopes: "repository:owner/app:pull,push", and sets of them.
//
// A Bearer token is requested for a set of scopes (one `scope` query parameter each) and cached
// under that set. A ScopeSet merges the actions per resource, so the union of "what this request
// needs" and "what the 401 challenge asked for" is one value, and Covers() answers whether a
// cached token was asked for enough.
//
//   oci::ScopeSet s;
//   s.Add(oci::Scope::Pull("owner/app"));
//   s.Add(oci::Scope::Push("owner/app-hf"));          // pull,push
//   s.Strings() == {"repository:owner/app:pull", "repository:owner/app-hf:pull,push"}
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spaceport::oci {

struct Scope {
  std::string type = "repository";
  std::string name;
  std::set<std::string> actions;

  static Scope Pull(std::string_view repository) {
    return {"repository", std::string(repository), {"pull"}};
  }
  // Pushing needs pull as well (registries check both for uploads and mounts).
  static Scope Push(std::string_view repository) {
    return {"repository", std::string(repository), {"pull", "push"}};
  }
  // "type:name:actions"; the name may itself contain ':', so split at the first and last one.
  static std::optional<Scope> Parse(std::string_view text);
  // Actions in the conventional order pull, push, delete, then others.
  std::string ToString() const;
};

class ScopeSet {
 public:
  ScopeSet() = default;
  ScopeSet(std::initializer_list<Scope> scopes) {
    for (const Scope& s : scopes) Add(s);
  }

  void Add(const Scope& scope);
  void Add(const ScopeSet& other);
  // Adds every scope of a challenge's `scope` parameter (space-separated list).
  void AddParsed(std::string_view space_separated);
  bool empty() const { return resources_.empty(); }
  // True when every action of `other` is in this set ("*" covers everything on a resource).
  bool Covers(const ScopeSet& other) const;
  // One string per resource, sorted: the cache key order and the `scope` parameters.
  std::vector<std::string> Strings() const;
  // Strings(), with the resources that `first` names placed before the others: the `scope`
  // parameters of a token request (some registries read only the first one).
  std::vector<std::string> StringsWithFirst(const ScopeSet& first) const;
  // The cache key: Strings() joined by spaces.
  std::string Key() const;

  friend bool operator==(const ScopeSet& a, const ScopeSet& b) {
    return a.resources_ == b.resources_;
  }

 private:
  std::map<std::pair<std::string, std::string>, std::set<std::string>> resources_;
};

}  // namespace spaceport::oci
