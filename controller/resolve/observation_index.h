// ObservationIndex: hash lookups into an Observation, built once per plan (and once per registry
// observation, to resolve the versions whose details are fetched).
//
// The Observation keeps std::maps (sorted, so its JSON is deterministic), but their keys share long
// prefixes ("ghcr.io/org/app-…", "org/space-…"), and with 10,000 deployments each tree walk's
// string compares and cache misses add up to a quarter of planning time. The planner only looks
// things up by exact key, so it goes through these hash maps of views into the Observation
// instead. The index must not outlive the Observation it was built from.
//
//   ObservationIndex index(observation);
//   if (const observe::SpaceObservation* s = index.Space("o/app")) ...
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "observe/observation.h"

namespace spaceport::resolve {

class ObservationIndex {
 public:
  explicit ObservationIndex(const observe::Observation& observation);

  const observe::Observation& observation() const { return observation_; }
  // nullptr when not observed.
  const observe::Repository* Repository(std::string_view name) const;
  const observe::SpaceObservation* Space(std::string_view id) const;
  // secret_fingerprints["SPACE_ID/KEY"], nullptr when absent.
  const std::string* SecretFingerprint(std::string_view space_id, std::string_view key) const;

 private:
  template <typename T>
  using ViewMap = std::unordered_map<std::string_view, const T*>;

  const observe::Observation& observation_;
  ViewMap<observe::Repository> repositories_;
  ViewMap<observe::SpaceObservation> spaces_;
  ViewMap<std::string> fingerprints_;
};

}  // namespace spaceport::resolve
