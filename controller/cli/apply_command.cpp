// `spaceport apply PATH... [--config FILE] [--dry-run] [-o text|json]`: one reconcile pass.
//
// Observe the world (registries and Spaces), plan, print the plan (text output, when it is not
// empty), carry it out (act/executor.h), and wait for the changed Spaces to run. Valid deployments are applied even when others are invalid. On a
// terminal, progress is a line per step with the elapsed time; otherwise each line is a JSON log
// record on stderr, for log collectors. The last stdout line is always the summary
//   apply: N writes, M actions, K failed
// `--dry-run` is `plan`: it observes and prints the plan, and changes nothing.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "act/builds_in_flight.h"
#include "act/executor.h"
#include "base/json.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/progress_log.h"
#include "runtime/world.h"
#include "plan/planner.h"
#include "report/diagnostics.h"
#include "report/render.h"
#include "spec/loader.h"

namespace spaceport::cli {
namespace {

struct ApplyOptions {
  std::vector<std::string> paths;
  std::string config_file;
  std::string output = "text";
  bool dry_run = false;
};

Json OutcomesToJson(const act::ExecutionReport& report) {
  Json actions = Json::Array();
  for (const act::ActionOutcome& o : report.outcomes) {
    Json a = Json::Object();
    a.Append("id", Json(o.id));
    a.Append("kind", Json(plan::to_string(o.kind)));
    a.Append("deployment", Json(o.deployment));
    a.Append("target", Json(o.target));
    a.Append("status", Json(o.skipped ? "skipped" : o.status.ok() ? "succeeded" : "failed"));
    if (!o.status.ok()) a.Append("message", Json(o.status.message()));
    if (!o.reason.empty()) a.Append("reason", Json(o.reason));
    if (!o.result.empty()) a.Append("result", Json(o.result));
    a.Append("wrote", Json(o.wrote));
    a.Append("seconds", Json(o.seconds));
    if (!o.log_tail.empty()) {
      Json tail = Json::Array();
      for (const auto& line : o.log_tail) tail.Push(Json(line));
      a.Append("logTail", std::move(tail));
    }
    actions.Push(std::move(a));
  }
  Json out = Json::Object();
  out.Append("apiVersion", Json("spaceport.dev/v1alpha1"));
  out.Append("kind", Json("ApplyResult"));
  out.Append("writes", Json(report.writes));
  out.Append("actions", std::move(actions));
  return out;
}

// The output tail of the failed build a deployment is stalled on, so every report of the stall
// shows why, not only the apply that ran the build.
void PrintBuildTail(const std::string& key, const std::vector<spec::SpaceDeployment>& desired,
                    runtime::World& world) {
  for (const spec::SpaceDeployment& d : desired) {
    if (d.Key() != key) continue;
    std::optional<act::BuildState> state = act::LastBuildState(d, world.builders);
    if (!state) return;
    for (const std::string& line : act::OutputLines(state->output_tail))
      std::cerr << "  | " << line << '\n';
    return;
  }
}

int RunApply(const ApplyOptions& options) {
  const spec::LoadResult loaded = spec::LoadPaths(options.paths);
  std::cerr << report::RenderDiagnostics(loaded.diagnostics);

  runtime::WorldOptions world_options;
  world_options.config_file = options.config_file;
  std::unique_ptr<runtime::World> world = runtime::OpenWorld(world_options, std::cerr);
  if (!world) return kExitError;
  observe::Observation observation;
  const bool observed = runtime::ObserveWorld(*world, loaded.deployments, observation, std::cerr);
  plan::Plan plan = plan::MakePlan(loaded.deployments, observation);
  plan::AddInvalid(loaded, plan);

  if (options.dry_run) {
    std::cout << (options.output == "json" ? report::RenderJson(plan) : report::RenderText(plan))
              << std::flush;
    if (loaded.has_errors() || !observed) return kExitError;
    return plan.has_drift() || plan.has_changes() ? kExitDrift : kExitOk;
  }

  ProgressLog progress;
  act::ExecutorDeps deps;
  deps.registries = world->registries.get();
  deps.builders = world->builders;
  deps.hub = world->hub.get();
  deps.health_transport = world->health_transport.get();
  if (world->config.hub.allow_plain_http) {
    auto url = http::Url::Parse(world->config.hub.endpoint);
    if (url.ok()) deps.insecure_origins.push_back(url->Origin());
  }
  deps.clock = &RealClock::Instance();
  deps.fingerprint_key = world->fingerprint_key;
  deps.state_dir = world->state_dir;
  deps.env = world->env;
  deps.progress = [&progress](const std::string& line) { progress(line); };
  // Like `terraform apply`, show what is about to happen (and any drift left alone on purpose).
  if (options.output == "text" && (plan.has_drift() || !plan.actions.empty() || !plan.invalid.empty()))
    std::cout << report::RenderText(plan) << std::flush;
  if (plan.actions.empty())
    progress(plan.has_drift() ? "no actions: the drift above is reported only (driftPolicy warn) "
                                "or blocked (stalled)"
                              : "nothing to do: the world matches the desired state");
  act::Executor executor(std::move(deps));
  const act::ExecutionReport result = executor.Run(plan, loaded.deployments);

  int failed = 0;
  for (const act::ActionOutcome& o : result.outcomes) {
    if (o.status.ok()) continue;
    ++failed;
    if (o.skipped) continue;
    std::cerr << "spaceport apply: " << o.deployment << ": " << plan::to_string(o.kind) << " "
              << o.target << " failed (" << o.reason << "): " << o.status.message() << '\n';
    for (const std::string& line : o.log_tail) std::cerr << "  | " << line << '\n';
  }
  // Deployments the plan left alone on purpose: stalled ones, and warn-only drift.
  bool warn_drift = false;
  for (const plan::DeploymentPlan& d : plan.deployments) {
    if (d.state == plan::DeploymentState::kStalled) {
      std::cerr << "spaceport apply: " << d.key << " is stalled (" << d.reason << ")";
      for (const std::string& note : d.notes) std::cerr << "; " << note;
      std::cerr << '\n';
      if (d.reason == "BuildFailed") PrintBuildTail(d.key, loaded.deployments, *world);
    }
    if (d.state == plan::DeploymentState::kDrifted) warn_drift = true;
  }
  bool stalled = false;
  for (const plan::DeploymentPlan& d : plan.deployments)
    stalled = stalled || d.state == plan::DeploymentState::kStalled;

  if (options.output == "json") std::cout << OutcomesToJson(result).Dump(2) << '\n';
  std::cout << "apply: " << result.writes << " writes, " << result.outcomes.size() << " actions, "
            << failed << " failed\n"
            << std::flush;
  if (loaded.has_errors() || !observed || failed > 0 || stalled) return kExitError;
  return warn_drift ? kExitDrift : kExitOk;
}

}  // namespace

Command AddApplyCommand(CLI::App& root) {
  auto options = std::make_shared<ApplyOptions>();
  CLI::App* app = root.add_subcommand(
      "apply", "Reconcile once: observe, plan, publish wrappers, update Spaces, await RUNNING");
  app->add_option("PATH", options->paths,
                  "Files or directories (searched recursively for *.yaml and *.yml)")
      ->required()
      ->type_name("");
  app->add_option("--config", options->config_file,
                  "Controller config (docs/controller-config.md): registries, the Hub endpoint "
                  "and token, the state directory. Default: $SPACEPORT_CONFIG")
      ->type_name("FILE");
  app->add_flag("--dry-run", options->dry_run, "Observe and print the plan; change nothing (= plan)");
  app->add_option("-o,--output", options->output,
                  "text: progress and a summary; json: also each action's outcome as JSON")
      ->check(CLI::IsMember({"text", "json"}))
      ->type_name("FORMAT")
      ->capture_default_str();
  app->footer(std::string("Examples:\n"
                          "  spaceport apply deploy/ --config spaceport.yaml\n"
                          "  spaceport apply deploy/ --dry-run\n\n"
                          "Progress goes to stderr (JSON lines when stderr is not a terminal); the "
                          "last stdout line is\n"
                          "  apply: N writes, M actions, K failed\n\n") +
              kExitCodesHelp);
  return Command{app, [options] { return RunApply(*options); }};
}

}  // namespace spaceport::cli
