// The executor: carries out a Plan's actions against the world, in order, and says what happened.
//
// Actions run in plan order (the planner emits them topologically sorted). An action whose
// dependency failed or was skipped is skipped, so one failing Space never blocks another, and a
// failing deployment never blocks the next. Values only known once an earlier action ran — the
// digest a PublishWrapper produced, the sha of a freshly created Space — are carried forward:
// the planner writes them as "<from action N>" and the executor substitutes the result of N.
//
// Every action is idempotent (the planner only plans what differs, and each client call sets a
// value rather than adding one), so re-running after a crash is safe; the next observation
// simply shows less to do. Secret values are read when a secret is written and go only to the
// Hub; the secret's description carries their HMAC fingerprint (plan/fingerprint.h).
//
//   Executor executor(deps);
//   ExecutionReport r = executor.Run(plan, loaded.deployments);
//   if (!r.ok()) return kExitError;
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "act/builder.h"
#include "base/clock.h"
#include "base/status.h"
#include "clients/hub/hub_client.h"
#include "clients/oci/registries.h"
#include "http/http.h"
#include "observe/secret_source.h"
#include "plan/plan.h"
#include "spec/types.h"

namespace spaceport::act {

struct ActionOutcome {
  int id = 0;
  plan::ActionKind kind{};
  std::string deployment;
  std::string target;
  Status status;           // OK, or why it failed / was skipped
  bool skipped = false;    // a dependency failed (or is pending), so it did not run
  // Not finished yet and not failed: a build or Space still on its way (only when
  // ExecutorDeps::follow is false). Actions depending on it are skipped and pending too.
  bool pending = false;
  bool wrote = false;      // it changed something in the world
  std::string result;      // for people: digest, commit, final stage, ... (display text only)
  // Typed results, for callers that act on them (the reconciler's status); never parse `result`.
  std::string digest;      // PublishWrapper: the wrapper's digest; BuildImage/AwaitBuild: the built tag's
  std::string commit;      // CommitSpaceFiles: the full commit id
  std::string url;         // BuildImage/AwaitBuild: the build's page or log
  std::string stage;       // AwaitRunning: the Space's runtime stage last seen
  std::vector<std::string> log_tail;  // last build/run log lines of a failed Space
  double seconds = 0;
  std::string reason;      // condition reason for a failure (AuthFailed, SpaceFailed, ...)
};

struct ExecutionReport {
  std::vector<ActionOutcome> outcomes;
  int writes = 0;  // actions that changed the world
  bool ok() const;
  bool pending() const;  // some action is still on its way (follow = false)
};

struct ExecutorDeps {
  oci::Registries* registries = nullptr;  // for PublishWrapper and to see a built tag appear
  std::map<std::string, Builder*> builders;  // by backend name (act/builder.h)
  std::chrono::seconds tag_wait{300};        // after a build succeeded, how long the tag may take
  hub::HubClient* hub = nullptr;          // for Space actions
  http::Transport* health_transport = nullptr;  // for the Space health check; nullptr: skipped
  std::vector<std::string> insecure_origins;     // plain-http origins the health check may use
  Clock* clock = nullptr;
  std::string fingerprint_key;            // HMAC key for secret descriptions
  std::string state_dir;                  // for the Space file cache; "" = none
  std::function<std::optional<std::string>(const std::string&)> env;  // secret fromEnv lookup
  observe::SecretKeyLookup secret_key = nullptr;  // secretKeyRef lookup (Kubernetes mode); null = none
  // Progress: one line per event (an action started or ended, a Space changed stage).
  std::function<void(const std::string&)> progress;
  // true (apply): builds and Spaces are followed until they finish. false (the controller): they
  // are looked at once; an unfinished one is reported `pending` and the caller comes back later,
  // so no worker is held for the length of a build.
  bool follow = true;
  std::chrono::milliseconds initial_poll{1000};  // AwaitRunning polls back off from here ...
  std::chrono::milliseconds max_poll{10000};     // ... up to here
};

class Executor {
 public:
  explicit Executor(ExecutorDeps deps) : deps_(std::move(deps)) {}
  ExecutionReport Run(const plan::Plan& plan, const std::vector<spec::SpaceDeployment>& desired);

 private:
  struct Context;
  Status RunAction(const plan::Action& action, Context& ctx, ActionOutcome& out);
  Status PublishWrapper(const plan::Action& a, Context& ctx, ActionOutcome& out);
  Status CreateSpace(const plan::Action& a, Context& ctx, ActionOutcome& out);
  Status CommitFiles(const plan::Action& a, Context& ctx, ActionOutcome& out);
  Status SetVariables(const plan::Action& a, ActionOutcome& out);
  Status SetSecrets(const plan::Action& a, Context& ctx, ActionOutcome& out);
  Status RunBuild(const plan::Action& a, Context& ctx, ActionOutcome& out, bool start);
  Status AwaitRunning(const plan::Action& a, Context& ctx, ActionOutcome& out);
  Status CheckHealth(const std::string& space, const std::string& path);
  void Progress(const std::string& line) const;

  ExecutorDeps deps_;
};

}  // namespace spaceport::act
