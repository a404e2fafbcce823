// Builder: produces a missing image version, through one build backend.
//
// The planner asks for a build (plan action BuildImage with params image, backend, buildID) when
// a version is missing from the registry and the spec has a build section; it asks to follow one
// (AwaitBuild) when observe/ found a build in flight. A Builder does the three things both need:
//
//   Start(request)         starts a build, or returns the one already running for that image
//                          version (never two builds of one version);
//   Find(request)          finds the build of request.build_id again — after a restart of
//                          Spaceport too — in the world itself (GitHub: the run whose title shows
//                          the BuildID; command: the lock record in the state directory, whose
//                          process is checked); nullopt when there is none;
//   Poll(request, handle)  the build's state now: queued, in_progress, succeeded or failed, with
//                          its URL, the tail of its output and a message;
//   Cleanup(request)       told once the built tag is visible in the registry (never before, so
//                          a build is never found missing while its version still is): a backend
//                          may remove what the build left behind (a finished Kubernetes Job).
//
// Poll takes the request too because a handle is only an id: the request says where to look
// (the workflow's repository, the state directory's record). A succeeded build is not the end:
// the image counts only once the registry shows the tag (observed, never assumed).
//
// Backends: build_github.h (githubActions), build_command.h (command) and
// build_kubernetes_job.h (kubernetesJob). Placeholders in inputs and arguments are rendered by
// build_render.h.
//
//   act::BuildRequest request{.repository = "ghcr.io/alice/app", .version = "v1.2.0",
//                             .build_id = "sp-0123456789ab", .spec = *deployment.image.build};
//   auto handle = builder.Find(request);
//   if (handle.ok() && !*handle) handle = builder.Start(request);
//   auto state = builder.Poll(request, **handle);   // BuildPhase::kInProgress, run URL, ...
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "spec/types.h"

namespace spaceport::act {

inline constexpr std::string_view kGithubActionsBackend = "githubActions";
inline constexpr std::string_view kCommandBackend = "command";
inline constexpr std::string_view kKubernetesJobBackend = "kubernetesJob";

struct BuildRequest {
  std::string repository;  // image repository, no tag: ghcr.io/alice/app
  std::string version;     // the tag to build
  std::string build_id;    // plan::BuildId: unique per deployment, repository and version
  spec::BuildSpec spec;
  std::string deployment{};  // NAMESPACE/NAME of the deployment that asks (for labels, messages)
  std::string namespace_{};  // its namespace: where a kubernetesJob runs unless it names one

  std::string Image() const { return repository + ":" + version; }
};

struct BuildHandle {
  std::string backend;  // kGithubActionsBackend, kCommandBackend or kKubernetesJobBackend
  std::string id;       // the run id, the lock record's key, or NAMESPACE/JOB
  std::string url;      // the run's page, the log file, or a kubectl command; may be empty
};

enum class BuildPhase { kQueued, kInProgress, kSucceeded, kFailed };

// "queued", "in_progress", "succeeded", "failed": the state observe::BuildInFlight carries
// (plan::IsFailedBuildState knows "failed").
std::string_view BuildPhaseName(BuildPhase phase);

struct BuildState {
  BuildPhase phase = BuildPhase::kQueued;
  std::string url;          // as in the handle
  std::string output_tail;  // the last lines of the build's output (command backend)
  std::string message;      // why it failed, or what it is waiting for

  bool finished() const { return phase == BuildPhase::kSucceeded || phase == BuildPhase::kFailed; }
};

class Builder {
 public:
  virtual ~Builder() = default;
  virtual std::string_view backend() const = 0;
  virtual Result<BuildHandle> Start(const BuildRequest& request) = 0;
  virtual Result<std::optional<BuildHandle>> Find(const BuildRequest& request) = 0;
  virtual Result<BuildState> Poll(const BuildRequest& request, const BuildHandle& handle) = 0;
  // The tag of request.Image() is visible in the registry. Nothing to do by default.
  virtual Status Cleanup(const BuildRequest& /*request*/) { return Status::Ok(); }
};

}  // namespace spaceport::act
