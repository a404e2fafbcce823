// Builds in flight: the observation side of builds. It lives in act/ because the Builders that can
// find a build again (act/builder.h) live here; observe/ stays free of act/.
//
// For every deployment whose pinned version is missing from an observed repository and whose spec
// says how to build it, the matching Builder looks for the build in the world (GitHub: the run
// whose title shows the BuildID; command: the lock record whose process is checked). A build found
// is recorded in Observation.builds with its state, so the planner follows it (AwaitBuild) instead
// of starting a second one, or stalls on a failed one (BuildFailed) instead of retrying hot.
//
//   std::map<std::string, act::Builder*> builders = {{"command", &command_builder}};
//   act::BuildLookupProblems problems = ObserveBuilds(loaded.deployments, builders, observation);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "act/builder.h"
#include "observe/observation.h"
#include "spec/types.h"

namespace spaceport::act {

// The backend a build spec uses: kGithubActionsBackend or kCommandBackend ("" when none).
std::string BackendOf(const spec::BuildSpec& build);
// Which Builder serves it: the backend name, or for a githubActions build with its own token
// "githubActions:env:NAME" / "githubActions:secret:NAME/KEY" (one GitHub client per token).
std::string BuilderKey(const spec::BuildSpec& build);

// The request for building `version` of a deployment's image (build id as the planner makes it).
BuildRequest RequestFor(const spec::SpaceDeployment& deployment, const std::string& version);

// What ObserveBuilds could not do, for callers that report it as values.
struct BuildLookupProblems {
  std::vector<Status> failures;    // lookups that failed: "build of IMAGE: cannot look for it: ..."
  std::vector<std::string> notes;  // cleanups that failed (tried again at the next pass)
};

// Adds the builds found to observation.builds and returns what it could not do; a failed lookup
// records nothing, so the planner may plan a BuildImage, whose Start in turn refuses a second
// build of a version already being built. For a version whose tag exists, the builder is told so
// (Builder::Cleanup).
BuildLookupProblems ObserveBuilds(const std::vector<spec::SpaceDeployment>& desired,
                                  const std::map<std::string, Builder*>& builders,
                                  observe::Observation& observation);

// A build's output tail as lines, for reports.
std::vector<std::string> OutputLines(std::string_view tail);

// The state of the build of the deployment's pinned version, when one can be found: what a
// report shows for a deployment stalled on a failed build (its URL and output tail).
std::optional<BuildState> LastBuildState(const spec::SpaceDeployment& deployment,
                                         const std::map<std::string, Builder*>& builders);

}  // namespace spaceport::act
