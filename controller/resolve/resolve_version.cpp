#include "resolve/resolve_version.h"

#include <algorithm>
#include <optional>

#include "resolve/space_image.h"

namespace spaceport::resolve {
namespace {

struct RunningTag {
  spec::Version version;
  std::string tag;
};

// The highest version any of the deployment's Spaces runs now, per their observed Dockerfiles.
std::optional<RunningTag> HighestRunning(const spec::SpaceDeployment& d,
                                         const ObservationIndex& index) {
  std::optional<RunningTag> best;
  for (const auto& space : d.spaces) {
    const observe::SpaceObservation* seen = index.Space(space.id);
    if (seen == nullptr || !seen->dockerfile) continue;
    auto tag = RunningVersion(*seen->dockerfile, d.image.repository);
    if (!tag) continue;
    auto version = spec::ParseVersion(*tag);
    if (!version) continue;
    if (!best || spec::CompareVersions(*version, best->version) > 0) {
      best = RunningTag{*version, *tag};
    }
  }
  return best;
}

}  // namespace

const std::vector<TagIndex::Tag>* TagIndex::Sorted(const std::string& repository) {
  if (auto it = sorted_.find(repository); it != sorted_.end()) return &it->second;
  const observe::Repository* repo = index_.Repository(repository);
  if (repo == nullptr) return nullptr;
  std::vector<Tag> tags;
  for (const auto& [name, info] : repo->tags) {
    if (auto v = spec::ParseVersion(name)) tags.push_back({std::move(*v), &name});
  }
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) {
    int c = spec::CompareVersions(a.version, b.version);
    return c != 0 ? c > 0 : *a.name < *b.name;
  });
  return &sorted_.emplace(repository, std::move(tags)).first->second;
}

ResolvedVersion ResolveVersion(const spec::SpaceDeployment& d, const ObservationIndex& index,
                               TagIndex& tags) {
  ResolvedVersion out;
  const std::string& repo = d.image.repository;
  out.repository = index.Repository(repo);
  if (out.repository == nullptr) {
    out.stall_reason = "ImageUnobserved";
    out.notes.push_back("repository " + repo + " was not observed; cannot tell which tags exist");
    return out;
  }
  if (d.image.version) {
    out.version = *d.image.version;
    return out;
  }
  const std::vector<TagIndex::Tag>* sorted = tags.Sorted(repo);

  const std::string range_text = d.image.semver.value_or("");
  auto range = spec::SemverRange::Parse(range_text);
  if (!range.ok()) {
    out.stall_reason = "NoMatchingTag";
    out.notes.push_back("policy.semver \"" + range_text +
                        "\" is invalid: " + range.status().message());
    return out;
  }
  auto match = std::find_if(sorted->begin(), sorted->end(),
                            [&](const TagIndex::Tag& t) { return range->Matches(t.version); });
  if (match == sorted->end()) {
    out.stall_reason = "NoMatchingTag";
    out.notes.push_back("no tag of " + repo + " matches policy.semver \"" + range_text + "\"");
    return out;
  }
  out.version = *match->name;

  if (auto running = HighestRunning(d, index);
      running && spec::CompareVersions(match->version, running->version) < 0) {
    out.notes.push_back("newest match " + out.version + " is below running " + running->tag +
                        "; a policy never downgrades; pin spec.image.version to roll back");
    out.version = running->tag;
  }
  return out;
}

}  // namespace spaceport::resolve
