// --source values → Source objects, and several sources' snapshots → one.
#include "runtime/source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "base/quote.h"
#include "runtime/dir_source.h"
#include "runtime/git_source.h"
#include "spec/grammar.h"
#include "spec/quote.h"

namespace spaceport::runtime {
namespace {

constexpr std::string_view kForms = "expected dir:PATH or git:URL[#REF][:PATH]";

// `--source "VALUE": problem; expected ...`, with credentials in VALUE hidden.
Status BadSpec(std::string_view spec, const std::string& problem) {
  return InvalidArgument("--source " + DoubleQuoted(RedactUrlCredentials(spec)) + ": " + problem +
                         "; " + std::string(kForms));
}

bool HasControlOrSpace(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

// Where the path of a git URL begins: after "scheme://authority", after the ':' of scp-like
// "user@host:", else at 0 (a local path). A ':' from there on separates PATH.
size_t UrlPathStart(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const bool has_scheme =
      scheme_end != std::string_view::npos && scheme_end > 0 &&
      std::isalpha(static_cast<unsigned char>(url[0])) &&
      std::all_of(
          url.begin(), url.begin() + static_cast<std::ptrdiff_t>(scheme_end),
          [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; });
  if (has_scheme) return std::min(url.find('/', scheme_end + 3), url.size());
  const size_t colon = url.find(':');
  const size_t slash = url.find('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
    return colon + 1;
  }
  return 0;
}

// git check-ref-format's rules, reduced to what can go wrong on a command line.
std::optional<std::string> CheckRef(std::string_view ref) {
  if (ref.empty()) return "REF after '#' is empty";
  const bool bad = ref.starts_with("-") || ref.starts_with("/") || ref.ends_with("/") ||
                   ref.ends_with(".") || ref.ends_with(".lock") ||
                   ref.find("..") != std::string_view::npos ||
                   ref.find("@{") != std::string_view::npos || HasControlOrSpace(ref) ||
                   ref.find_first_of("~^:?*[\\") != std::string_view::npos;
  if (bad) return "REF " + DoubleQuoted(ref) + " is not a branch or tag name";
  return std::nullopt;
}

// PATH without leading/trailing slashes and "." parts ("" for the whole tree); nullopt when it
// leaves the repository.
std::optional<std::string> NormalizePath(std::string_view path) {
  std::string trimmed(path);
  while (trimmed.starts_with("/")) trimmed.erase(0, 1);
  while (trimmed.ends_with("/")) trimmed.pop_back();
  if (trimmed.empty()) return std::string();
  std::string normal = std::filesystem::path(trimmed).lexically_normal().generic_string();
  while (normal.ends_with("/")) normal.pop_back();
  if (normal == ".." || normal.starts_with("../")) return std::nullopt;
  return normal == "." ? std::string() : normal;
}

Result<std::unique_ptr<Source>> ParseGit(std::string_view spec, std::string_view rest,
                                         const SourceOptions& options) {
  if (rest.empty()) return BadSpec(spec, "no repository URL after \"git:\"");
  std::string_view url = rest;
  std::string_view ref;
  std::optional<std::string_view> path;
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    url = rest.substr(0, hash);
    const std::string_view after = rest.substr(hash + 1);
    const size_t colon = after.find(':');  // a ref never holds ':'
    ref = after.substr(0, colon);
    if (colon != std::string_view::npos) path = after.substr(colon + 1);
    if (auto problem = CheckRef(ref)) return BadSpec(spec, *problem);
  } else if (const size_t colon = rest.find(':', UrlPathStart(rest));
             colon != std::string_view::npos) {
    url = rest.substr(0, colon);
    path = rest.substr(colon + 1);
  }
  if (url.empty()) return BadSpec(spec, "no repository URL after \"git:\"");
  if (url.starts_with("-") || HasControlOrSpace(url)) {
    return BadSpec(spec, "the repository URL may not start with '-' or hold spaces");
  }
  std::string normal_path;
  if (path) {
    if (path->empty()) return BadSpec(spec, "PATH after ':' is empty");
    std::optional<std::string> normal = NormalizePath(*path);
    if (!normal) {
      return BadSpec(spec, "PATH " + DoubleQuoted(*path) + " leaves the repository");
    }
    normal_path = std::move(*normal);
  }
  return std::unique_ptr<Source>(std::make_unique<GitSource>(std::string(url), std::string(ref),
                                                             std::move(normal_path), options));
}

// A deployment of one snapshot: parts[part].loaded.deployments[index].
struct Entry {
  size_t part;
  size_t index;
};

std::string Where(const spec::Position& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

}  // namespace

Result<std::unique_ptr<Source>> ParseSourceSpec(const std::string& spec,
                                                const SourceOptions& options) {
  if (spec.empty()) return BadSpec(spec, "the value is empty");
  if (spec.starts_with("dir:")) {
    std::string path = spec.substr(4);
    if (path.empty()) return BadSpec(spec, "no PATH after \"dir:\"");
    return std::unique_ptr<Source>(std::make_unique<DirSource>(std::move(path), options));
  }
  if (spec.starts_with("git:")) return ParseGit(spec, std::string_view(spec).substr(4), options);
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) return BadSpec(spec, "no source kind");
  return BadSpec(spec, "unknown source kind " + DoubleQuoted(spec.substr(0, colon)));
}

Snapshot MergeSnapshots(std::vector<Snapshot> parts) {
  Snapshot merged;
  for (size_t i = 0; i < parts.size(); ++i) {
    merged.revision += (i == 0 ? "" : ",") + parts[i].revision;
  }

  // Within one snapshot the loader already made keys and Space claims unique, so two entries
  // for one key (or one Space) always come from two sources.
  std::unordered_map<std::string, std::vector<Entry>> by_key;
  std::unordered_map<std::string, std::vector<std::pair<Entry, size_t>>> by_space;
  for (size_t p = 0; p < parts.size(); ++p) {
    const auto& deployments = parts[p].loaded.deployments;
    for (size_t d = 0; d < deployments.size(); ++d) {
      by_key[deployments[d].Key()].push_back({p, d});
      for (size_t s = 0; s < deployments[d].spaces.size(); ++s) {
        by_space[spec::CanonicalSpaceId(deployments[d].spaces[s].id)].push_back({{p, d}, s});
      }
    }
  }
  const auto deployment = [&](const Entry& e) -> const spec::SpaceDeployment& {
    return parts[e.part].loaded.deployments[e.index];
  };
  std::set<std::pair<size_t, size_t>> conflicted;
  std::vector<spec::Diagnostic> conflicts;
  for (const auto& [key, entries] : by_key) {
    if (entries.size() < 2) continue;
    for (const Entry& entry : entries) {
      std::string others;
      for (const Entry& other : entries) {
        if (other.part == entry.part) continue;
        others += (others.empty() ? "" : ", ") + Where(deployment(other).position);
      }
      conflicts.push_back({spec::Severity::kError, deployment(entry).position, "metadata.name",
                           "SpaceDeployment " + spec::Quote(key) +
                               " is also declared by another source at " + others +
                               "; a SpaceDeployment can come from only one source"});
      conflicted.insert({entry.part, entry.index});
    }
  }
  for (const auto& [id, claims] : by_space) {
    if (claims.size() < 2) continue;
    for (const auto& [entry, space] : claims) {
      std::string others;
      for (const auto& [other, other_space] : claims) {
        if (other.part == entry.part) continue;
        others += (others.empty() ? "" : ", ") +
                  ("SpaceDeployment " + spec::Quote(deployment(other).Key()) + " at " +
                   Where(deployment(other).spaces[other_space].position));
      }
      const spec::SpaceSpec& claim = deployment(entry).spaces[space];
      conflicts.push_back({spec::Severity::kError, claim.position,
                           "spec.spaces[" + std::to_string(space) + "].id",
                           "Space " + spec::Quote(claim.id) + " is also claimed by " + others +
                               " from another source; a Space can belong to only one "
                               "SpaceDeployment"});
      conflicted.insert({entry.part, entry.index});
    }
  }

  for (size_t p = 0; p < parts.size(); ++p) {
    spec::LoadResult& loaded = parts[p].loaded;
    for (size_t d = 0; d < loaded.deployments.size(); ++d) {
      spec::SpaceDeployment& one = loaded.deployments[d];
      if (conflicted.count({p, d}) > 0) {
        merged.loaded.invalid.push_back({one.position, one.name, one.Key()});
      } else {
        merged.loaded.deployments.push_back(std::move(one));
      }
    }
    std::move(loaded.invalid.begin(), loaded.invalid.end(),
              std::back_inserter(merged.loaded.invalid));
    std::move(loaded.diagnostics.begin(), loaded.diagnostics.end(),
              std::back_inserter(merged.loaded.diagnostics));
  }
  std::move(conflicts.begin(), conflicts.end(), std::back_inserter(merged.loaded.diagnostics));
  spec::SortDiagnostics(merged.loaded.diagnostics);
  return merged;
}

}  // namespace spaceport::runtime
