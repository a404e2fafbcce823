// The planner: plan(desired, observation) → Plan. PURE: no I/O, no clock, no randomness; the same
// inputs always give the same Plan, byte for byte once rendered.
//
// The rules (docs/planning.md has the long form):
// - Version: an exact `version` is pinned. A semver policy picks the newest matching tag in the
//   observed repository, but never one below the version the Spaces run now (read from their
//   Dockerfile's FROM tag); a downgrade needs a pinned version.
// - Main image missing: BuildImage when the spec has a build section (AwaitBuild when a build of
//   that version is already in flight), else the deployment is Stalled (ImageMissing).
// - Wrapper per platform: missing, derived from another base digest (the base tag moved), or with
//   a config that differs from the spec (Env, ExposedPorts, spec hash label) → PublishWrapper.
// - Space: files differ (FROM another digest, README edited) → CommitSpaceFiles; variables,
//   secrets (by fingerprint), hardware and sleep time each converge when the spec manages them;
//   PAUSED → ResumeSpace; BUILDING and friends → AwaitRunning only; BUILD_ERROR/RUNTIME_ERROR
//   with up-to-date files → Stalled (SpaceFailed), no hot loop; SLEEPING is fine; unknown stages
//   are reported as notes and otherwise ignored.
// - driftPolicy warn: drift is reported, no actions. suspend: nothing is planned.
#pragma once

#include <vector>

#include "observe/observation.h"
#include "plan/plan.h"
#include "spec/loader.h"
#include "spec/types.h"

namespace spaceport::plan {

Plan MakePlan(const std::vector<spec::SpaceDeployment>& desired,
              const observe::Observation& observation);

// Adds the loader's invalid documents to plan.invalid (with their formatted errors).
void AddInvalid(const spec::LoadResult& loaded, Plan& plan);

}  // namespace spaceport::plan
