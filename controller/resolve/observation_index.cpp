#include "resolve/observation_index.h"

namespace spaceport::resolve {
namespace {

template <typename Map, typename View>
void Fill(const Map& from, View& to) {
  to.reserve(from.size());
  for (const auto& [key, value] : from) to.emplace(key, &value);
}

template <typename View>
auto Lookup(const View& view, std::string_view key) -> typename View::mapped_type {
  auto it = view.find(key);
  return it == view.end() ? nullptr : it->second;
}

}  // namespace

ObservationIndex::ObservationIndex(const observe::Observation& observation)
    : observation_(observation) {
  Fill(observation.repositories, repositories_);
  Fill(observation.spaces, spaces_);
  Fill(observation.secret_fingerprints, fingerprints_);
}

const observe::Repository* ObservationIndex::Repository(std::string_view name) const {
  return Lookup(repositories_, name);
}

const observe::SpaceObservation* ObservationIndex::Space(std::string_view id) const {
  return Lookup(spaces_, id);
}

const std::string* ObservationIndex::SecretFingerprint(std::string_view space_id,
                                                       std::string_view key) const {
  std::string full(space_id);
  full += '/';
  full += key;
  return Lookup(fingerprints_, full);
}

}  // namespace spaceport::resolve
