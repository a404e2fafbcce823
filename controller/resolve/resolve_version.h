// Version resolution: which tag of the main image a deployment should run. Used by plan/ and by
// the registry observer (which must fetch details of exactly the tag the planner will choose).
//
// An exact spec.image.version is pinned as written. A semver policy picks the newest observed tag
// that parses and matches, but never one below the version the deployment's Spaces run now (read
// from their observed Dockerfiles): a policy does not downgrade, a pinned version does. Tags of a
// repository are parsed and sorted once per plan (TagIndex), not once per deployment, so planning
// many deployments of one repository stays linear.
//
//   TagIndex tags(index);
//   ResolvedVersion v = ResolveVersion(deployment, index, tags);
//   if (!v.stall_reason.empty()) ...   // ImageUnobserved or NoMatchingTag
#pragma once

#include <map>
#include <string>
#include <vector>

#include "observe/observation.h"
#include "resolve/observation_index.h"
#include "spec/semver.h"
#include "spec/types.h"

namespace spaceport::resolve {

// The semver tags of each observed repository, newest first (ties by tag text), built lazily.
class TagIndex {
 public:
  struct Tag {
    spec::Version version;
    const std::string* name;  // points into the Observation
  };

  explicit TagIndex(const ObservationIndex& index) : index_(index) {}
  // nullptr when the repository was not observed.
  const std::vector<Tag>* Sorted(const std::string& repository);

 private:
  const ObservationIndex& index_;
  std::map<std::string, std::vector<Tag>> sorted_;
};

struct ResolvedVersion {
  const observe::Repository* repository = nullptr;  // the observed repository, unless stalled
  std::string version;                              // the tag to run; empty when stalled
  std::string stall_reason;                         // ImageUnobserved | NoMatchingTag | empty
  std::vector<std::string> notes;
};

ResolvedVersion ResolveVersion(const spec::SpaceDeployment& deployment,
                               const ObservationIndex& index, TagIndex& tags);

}  // namespace spaceport::resolve
