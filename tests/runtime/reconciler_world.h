// The world the reconciler's in-process tests run against: a runtime::World whose registry is a
// support::MemoryRegistry, whose Hub is the Hub emulator (every FROM image exists, builds take
// 10 s and starts 5 s of FakeClock time), and whose one build backend ("command") is a
// FakeBuilder the test drives by hand — all reached through support::InProcessTransport, on one
// FakeClock, so a pass takes milliseconds and nothing sleeps.
//
//   ReconcilerWorld w;
//   w.PushBase("v1");                                   // ghcr.io/acme/app:v1 exists
//   auto d = w.Deployment("version: v1");               // team/demo → Space acme/demo
//   ReconcileOutcome out = w.Pass(d);                   // status carried to the next Pass
//   w.Converge(d);                                      // passes until Ready=True
//   w.Control("POST", "/__emulator/spaces/acme/demo/hardware", R"({"flavor":"cpu-upgrade"})");
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "act/builder.h"
#include "base/clock.h"
#include "base/json.h"
#include "clients/hub/host_budget.h"
#include "clients/hub/hub_client.h"
#include "clients/oci/registries.h"
#include "emulators/hub/hub_emulator.h"
#include "emulators/hub/image_probe.h"
#include "runtime/reconciler.h"
#include "runtime/world.h"
#include "spec/loader.h"
#include "support/in_process_transport.h"
#include "support/memory_registry.h"
#include "support/temp_dir.h"

namespace spaceport::runtime::testing {

inline constexpr char kToken[] = "hf_reconciler_test_token";
inline constexpr char kRepository[] = "ghcr.io/acme/app";

class EveryImageExists final : public hub_emulator::ImageProbe {
 public:
  hub_emulator::ProbeResult Check(const hub_emulator::ImageRef& ref) override {
    return {true, ref.ToString() + ": found"};
  }
};

// A build backend the test drives: Start records a build (never two of one build id), Find finds
// it again (after a "restart" too: the builds live in the FakeBuilder, as they live in the world),
// Poll answers the phase the test set.
class FakeBuilder final : public act::Builder {
 public:
  struct Build {
    act::BuildRequest request;
    act::BuildPhase phase = act::BuildPhase::kInProgress;
    std::string message;
  };

  std::string_view backend() const override { return act::kCommandBackend; }
  Result<act::BuildHandle> Start(const act::BuildRequest& request) override {
    ++starts;
    if (!builds.count(request.build_id)) builds[request.build_id] = {request, act::BuildPhase::kInProgress, ""};
    return Handle(request);
  }
  Result<std::optional<act::BuildHandle>> Find(const act::BuildRequest& request) override {
    if (!builds.count(request.build_id)) return std::optional<act::BuildHandle>();
    return std::optional<act::BuildHandle>(Handle(request));
  }
  Result<act::BuildState> Poll(const act::BuildRequest& request, const act::BuildHandle&) override {
    const Build& b = builds.at(request.build_id);
    return act::BuildState{b.phase, "https://builds.test/" + request.build_id, "", b.message};
  }

  // Every build of `version` ends with `phase`.
  void Finish(const std::string& version, act::BuildPhase phase, const std::string& message = "") {
    for (auto& [id, b] : builds)
      if (b.request.version == version) {
        b.phase = phase;
        b.message = message;
      }
  }

  std::map<std::string, Build> builds;  // by build id
  int starts = 0;

 private:
  static act::BuildHandle Handle(const act::BuildRequest& request) {
    return {std::string(act::kCommandBackend), request.build_id, "https://builds.test/" + request.build_id};
  }
};

// Every request whose path matches answers 500, for ever.
inline hub_emulator::FaultRule ServerErrors(const std::string& path_regex) {
  hub_emulator::FaultRule rule;
  rule.path_regex = path_regex;
  rule.status = 500;
  rule.count = -1;
  return rule;
}

inline hub_emulator::Options EmulatorOptions() {
  hub_emulator::Options o;
  o.tokens = {{kToken, "alice", {"acme"}, "write", "reconciler"}};
  o.build_time = std::chrono::seconds(10);
  o.start_time = std::chrono::seconds(5);
  o.base_url = "http://127.0.0.1";
  return o;
}

class ReconcilerWorld {
 public:
  ReconcilerWorld()
      : registry_transport([this](const http::Server::IncomingRequest& in) {
          if (before_registry) before_registry(in);
          return registry.Handle(in);
        }),
        emulator(EmulatorOptions(), clock, std::make_unique<EveryImageExists>()),
        hub_transport([this](const http::Server::IncomingRequest& in) { return emulator.Handle(in); }) {
    world.config.hub.endpoint = "http://127.0.0.1";
    world.config.hub.token = hub::HubToken{kToken, "test token"};
    world.config.hub.allow_plain_http = true;
    oci::RegistryConfig ghcr;
    ghcr.host = "ghcr.io";
    ghcr.endpoint = "http://registry.test";
    ghcr.insecure = true;
    ghcr.requests_per_second = 0;  // unlimited: a token bucket on a FakeClock would only add noise
    world.config.registries = {ghcr};
    oci::Registries::Options registry_options;
    registry_options.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    registry_options.transport = &registry_transport;
    world.registries = std::make_unique<oci::Registries>(world.config.registries, clock, registry_options);
    world.hub_budget = std::make_shared<hub::HostBudget>(clock);
    auto client = hub::HubClient::Create(world.config.hub, hub_transport, clock, world.hub_budget);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (client.ok()) world.hub = std::move(*client);
    world.builders[std::string(act::kCommandBackend)] = &builder;
    world.state_dir = state.path().string();
    world.fingerprint_key = "0123456789abcdef0123456789abcdef";
    world.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
  }

  // ghcr.io/acme/app:VERSION, a linux/amd64 image.
  void PushBase(const std::string& version, const std::string& repository = "acme/app") {
    registry.PushImage(repository, version,
                       R"({"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":[]}})");
  }

  // A deployment from YAML: `image_lines` go under spec.image (after repository), `space_lines`
  // under its one Space (after id), `spec_lines` under spec (after spaces); unindented.
  spec::SpaceDeployment Deployment(const std::string& image_lines, const std::string& space_lines = "",
                                   const std::string& spec_lines = "", const std::string& name = "demo",
                                   const std::string& space = "acme/demo") {
    const std::string yaml = DeploymentYaml(image_lines, space_lines, spec_lines, name, space);
    spec::LoadResult loaded = spec::LoadText(yaml, name + ".yaml");
    EXPECT_EQ(loaded.deployments.size(), 1u) << yaml;
    return loaded.deployments.empty() ? spec::SpaceDeployment{} : loaded.deployments.front();
  }

  // The YAML text Deployment() loads (namespace team), for tests that put it into a source.
  static std::string DeploymentYaml(const std::string& image_lines, const std::string& space_lines = "",
                                    const std::string& spec_lines = "", const std::string& name = "demo",
                                    const std::string& space = "acme/demo") {
    return "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: " + name +
           "\n  namespace: team\nspec:\n  image:\n    repository: " + kRepository + "\n" + Indent(image_lines, 4) +
           "  spaces:\n    - id: " + space + "\n      create: true\n" + Indent(space_lines, 6) + Indent(spec_lines, 2);
  }

  // One pass with a fresh Reconciler (it keeps no state), the status carried from the last pass
  // of this deployment, as the controller carries it through the status files.
  ReconcileOutcome Pass(const spec::SpaceDeployment& d) {
    Reconciler reconciler(world, {}, clock);
    ReconcileOutcome out = reconciler.Reconcile(d, "rev-1", statuses[d.Key()]);
    statuses[d.Key()] = out.status;
    return out;
  }

  // Lets the Hub's builds report, then moves time.
  void Advance(Clock::Duration d) {
    emulator.WaitForBuildChecks();
    clock.Advance(d);
  }

  // Passes 20 s apart until Ready=True (at most `passes`); the last outcome.
  ReconcileOutcome Converge(const spec::SpaceDeployment& d, int passes = 12) {
    ReconcileOutcome out;
    for (int i = 0; i < passes; ++i) {
      out = Pass(d);
      if (Ready(out) == "True") return out;
      Advance(std::chrono::seconds(20));
    }
    ADD_FAILURE() << d.Key() << " did not converge: " << Reason(out) << ": " << Message(out);
    return out;
  }

  Json Control(const std::string& method, const std::string& path, const std::string& body = "") {
    auto answer = emulator.Control(method, path, body);
    EXPECT_TRUE(answer.ok()) << method << " " << path << ": " << answer.status().ToString();
    return answer.ok() ? *answer : Json();
  }

  static std::string Ready(const ReconcileOutcome& out) {
    const Condition* c = FindCondition(out.status, "Ready");
    return c ? c->status : "";
  }
  static std::string Reason(const ReconcileOutcome& out) {
    const Condition* c = FindCondition(out.status, "Ready");
    return c ? c->reason : "";
  }
  static std::string Message(const ReconcileOutcome& out) {
    const Condition* c = FindCondition(out.status, "Ready");
    return c ? c->message : "";
  }
  static bool Has(const ReconcileOutcome& out, const std::string& type) {
    return FindCondition(out.status, type) != nullptr;
  }
  static std::vector<report::NotificationEvent> Events(const ReconcileOutcome& out) {
    std::vector<report::NotificationEvent> events;
    for (const report::Notification& n : out.notifications) events.push_back(n.event);
    return events;
  }

  FakeClock clock;
  support::TempDir state{"reconciler"};
  // Called with each registry request before the registry answers it (to change the registry
  // in the middle of a pass).
  std::function<void(const http::Server::IncomingRequest&)> before_registry;
  support::MemoryRegistry registry;
  support::InProcessTransport registry_transport;
  hub_emulator::HubEmulator emulator;
  support::InProcessTransport hub_transport;
  FakeBuilder builder;
  std::map<std::string, std::string> env;
  World world;
  std::map<std::string, DeploymentStatus> statuses;  // by key: what the status files would hold

 private:
  static std::string Indent(const std::string& lines, int by) {
    std::string out;
    size_t at = 0;
    while (at < lines.size()) {
      size_t end = lines.find('\n', at);
      if (end == std::string::npos) end = lines.size();
      out += std::string(by, ' ') + lines.substr(at, end - at) + "\n";
      at = end + 1;
    }
    return out;
  }
};

}  // namespace spaceport::runtime::testing
