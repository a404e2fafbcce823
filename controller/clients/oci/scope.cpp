#include "clients/oci/scope.h"

#include <algorithm>

namespace spaceport::oci {
namespace {

int ActionRank(const std::string& a) {
  if (a == "pull") return 0;
  if (a == "push") return 1;
  if (a == "delete") return 2;
  return 3;
}

std::string JoinActions(const std::set<std::string>& actions) {
  std::vector<std::string> sorted(actions.begin(), actions.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
    return ActionRank(a) < ActionRank(b);
  });
  std::string out;
  for (const std::string& a : sorted) {
    if (!out.empty()) out += ',';
    out += a;
  }
  return out;
}

}  // namespace

std::optional<Scope> Scope::Parse(std::string_view text) {
  size_t first = text.find(':');
  size_t last = text.rfind(':');
  if (first == std::string_view::npos || first == last || first == 0) return std::nullopt;
  Scope s;
  s.type = std::string(text.substr(0, first));
  s.name = std::string(text.substr(first + 1, last - first - 1));
  if (s.name.empty()) return std::nullopt;
  std::string_view actions = text.substr(last + 1);
  while (!actions.empty()) {
    size_t comma = actions.find(',');
    std::string_view a = actions.substr(0, comma);
    if (!a.empty()) s.actions.emplace(a);
    if (comma == std::string_view::npos) break;
    actions.remove_prefix(comma + 1);
  }
  return s;
}

std::string Scope::ToString() const { return type + ":" + name + ":" + JoinActions(actions); }

void ScopeSet::Add(const Scope& scope) {
  auto& actions = resources_[{scope.type, scope.name}];
  actions.insert(scope.actions.begin(), scope.actions.end());
}

void ScopeSet::Add(const ScopeSet& other) {
  for (const auto& [key, actions] : other.resources_)
    resources_[key].insert(actions.begin(), actions.end());
}

void ScopeSet::AddParsed(std::string_view space_separated) {
  while (!space_separated.empty()) {
    size_t space = space_separated.find(' ');
    std::string_view item = space_separated.substr(0, space);
    if (auto s = Scope::Parse(item)) Add(*s);
    if (space == std::string_view::npos) break;
    space_separated.remove_prefix(space + 1);
  }
}

bool ScopeSet::Covers(const ScopeSet& other) const {
  for (const auto& [key, wanted] : other.resources_) {
    auto it = resources_.find(key);
    if (it == resources_.end()) return false;
    if (it->second.count("*")) continue;
    for (const std::string& a : wanted) {
      if (!it->second.count(a)) return false;
    }
  }
  return true;
}

std::vector<std::string> ScopeSet::Strings() const {
  std::vector<std::string> out;
  for (const auto& [key, actions] : resources_)
    out.push_back(key.first + ":" + key.second + ":" + JoinActions(actions));
  return out;
}

std::vector<std::string> ScopeSet::StringsWithFirst(const ScopeSet& first) const {
  std::vector<std::string> leading;
  std::vector<std::string> trailing;
  for (const auto& [key, actions] : resources_) {
    std::string s = key.first + ":" + key.second + ":" + JoinActions(actions);
    (first.resources_.count(key) ? leading : trailing).push_back(std::move(s));
  }
  leading.insert(leading.end(), trailing.begin(), trailing.end());
  return leading;
}

std::string ScopeSet::Key() const {
  std::string out;
  for (const std::string& s : Strings()) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

}  // namespace spaceport::oci
