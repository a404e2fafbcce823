// CommandBuilder: builds an image version by running a local command (spec.image.build.command).
//
// The argv runs as given — no shell — after its {{ .Version }} / {{ .Image }} / {{ .BuildID }}
// placeholders are rendered, in an environment made by BuildEnvironment (below): the toolchain
// part of Spaceport's own, the names the spec lists in passEnv, and IMAGE (repository:version),
// VERSION, REPOSITORY and BUILD_ID. Never the rest: Spaceport's environment holds the Hub token,
// GITHUB_TOKEN and webhook secrets, and a build runs other people's Dockerfiles and scripts. Its stdout and stderr go to one log file in the state
// directory; Poll reports the last `tail_lines` lines of it.
//
// The build outlives Spaceport: it runs in its own session under a small monitor process
// (forked, not exec'd; it makes only async-signal-safe calls) that waits for it, kills its whole
// process group when the timeout passes (SIGTERM, then SIGKILL after `kill_grace`), and writes
// the result next to the lock record (build_lock.h). So a Spaceport that was SIGKILLed and
// started again finds the build by its record: still running, finished with a result, or gone
// without one ("build process disappeared", failed). Start refuses a second build of an image
// version while one is live and returns that build's handle instead; a finished record is
// replaced by a new build (the planner only asks again when the tag is still missing).
//
//   act::CommandBuilder builder(state_dir, clock);
//   auto handle = builder.Start(request);        // {command, <lock key>, <log path>}
//   auto state = builder.Poll(request, *handle); // in_progress … succeeded / failed + tail
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "act/build_lock.h"
#include "act/builder.h"
#include "base/clock.h"

namespace spaceport::act {

struct CommandBuilderOptions {
  size_t tail_lines = 40;
  std::chrono::milliseconds kill_grace{5000};  // between SIGTERM and SIGKILL on timeout
  std::chrono::seconds default_timeout{1800};  // when the spec gives none
};

class CommandBuilder final : public Builder {
 public:
  CommandBuilder(std::filesystem::path state_dir, Clock& clock, CommandBuilderOptions options = {});

  std::string_view backend() const override { return kCommandBackend; }
  Result<BuildHandle> Start(const BuildRequest& request) override;
  Result<std::optional<BuildHandle>> Find(const BuildRequest& request) override;
  Result<BuildState> Poll(const BuildRequest& request, const BuildHandle& handle) override;

  const BuildLocks& locks() const { return locks_; }

 private:
  BuildHandle HandleFor(const std::string& key, const BuildLockRecord& record) const;

  BuildLocks locks_;
  Clock& clock_;
  CommandBuilderOptions options_;
};

// The environment a build command gets, as NAME=VALUE entries: from `inherited` (Spaceport's
// own), only the variables builders need to find their tools, registries and proxies (PATH,
// HOME, USER, LANG, LC_*, TZ, TMPDIR, XDG_*, DOCKER_HOST, DOCKER_CONFIG, DOCKER_CERT_PATH,
// DOCKER_TLS_VERIFY, DOCKER_BUILDKIT, BUILDKIT_HOST, BUILDAH_*, CONTAINERS_*, REGISTRY_AUTH_FILE,
// STORAGE_DRIVER, STORAGE_OPTS, SSL_CERT_FILE, SSL_CERT_DIR, the *_proxy pair of each case) plus
// those named in `pass_env`; then `ours`, which replace any inherited value of the same name.
std::vector<std::string> BuildEnvironment(const char* const* inherited,
                                          const std::vector<std::string>& pass_env,
                                          const std::vector<std::pair<std::string, std::string>>& ours);

// The last `lines` lines of a file (reads at most its last 256 KiB); "" when unreadable.
std::string TailOfFile(const std::filesystem::path& path, size_t lines);

}  // namespace spaceport::act
