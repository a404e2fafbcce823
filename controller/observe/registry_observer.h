// The registry observer: fills Observation.repositories from the live registries.
//
// For each image repository the desired state names, it records what the planner needs and no
// more: the tag list (only under a semver policy, which must choose among tags), the manifest of
// the version to run (an index's platforms with their manifest digests, read from the index
// itself), and for each wrapper tag hf-PLATFORM-VERSION its digest and the config facts the
// planner checks (Env, ExposedPorts, Labels). A wrapper costs two requests (manifest, config), a
// base one (or one more for the tag list).
//
// A repository that cannot be observed (authentication refused, registry down) is left out of
// the Observation, so the planner reports it as unobserved instead of "missing": the problem is
// returned in `problems` with the reason, and the other repositories are observed all the same.
//
//   RegistryObservation r = ObserveRegistries(loaded.deployments, registries, observation);
//   for (const auto& p : r.problems) std::cerr << p.repository << ": " << p.status.ToString();
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "clients/oci/registries.h"
#include "observe/manifest_cache.h"
#include "observe/observation.h"
#include "observe/tag_digest_cache.h"
#include "spec/types.h"

namespace spaceport::observe {

struct RepositoryProblem {
  std::string repository;
  std::string reason;  // condition reason: AuthFailed, RateLimited, RegistryError, ...
  Status status;
};

struct RegistryObservation {
  std::vector<RepositoryProblem> problems;
  int64_t requests = 0;  // registry requests sent
};

// What a controller carries from pass to pass; a one-shot command passes none (it gains nothing
// from a cold cache). With `manifests`, each tag costs a HEAD (its digest) while the digest is
// known, and a GET of the manifest (and the wrapper's config) only for a digest not seen before.
// With `tags` too, the HEAD itself is skipped while the tag's digest is younger than the cache's
// max_age and `tags_younger_than` (the deployment's interval). Without either, every tag is read
// in full.
struct RegistryCaches {
  ManifestCache* manifests = nullptr;
  TagDigestCache* tags = nullptr;
  std::optional<Clock::Duration> tags_younger_than = std::nullopt;
};

RegistryObservation ObserveRegistries(const std::vector<spec::SpaceDeployment>& desired,
                                      oci::Registries& registries, Observation& observation,
                                      RegistryCaches caches = {});

}  // namespace spaceport::observe
