// E2eTest: a whole world for one end-to-end test — a real registry standing in for ghcr.io, the
// hub-emulator program standing in for the Hugging Face Hub, a controller config that maps both,
// a state directory — and the `spaceport` binary run against it as a CI job would run it.
//
// SetUp starts Debian's docker-registry on loopback, seeds the base image acme/app:v1.0.0 into it
// (reachable as ghcr.io/acme/app through the config's registry mapping), starts the emulator with
// the same mapping (so its builds check FROM images in that registry), and writes config.yaml.
// Nothing is shared between tests (ctest runs each in its own process anyway) and nothing is
// skipped: a missing docker-registry or skopeo fails the test with a pointer to scripts/setup.
//
// `spaceport` runs with an environment built from scratch (PATH, a temporary HOME, the Hub token
// in HF_TOKEN_E2E and the secret in DEMO_API_KEY), under a deadline, from the test's directory.
// On failure, TearDown prints the tails of the emulator's request log and the registry's log;
// with SPACEPORT_E2E_VERBOSE=1 in the test's environment every command's output is printed too.
//
//   TEST_F(E2eTest, Example) {
//     const auto desired = WriteDesired("desired", DemoDeployment({}));
//     TimedResult applied = Apply(desired);
//     ASSERT_EQ(applied.exit_code, 0) << Describe(applied);
//     Json space = SpaceState();
//     EXPECT_EQ(RuntimeStage(space), "RUNNING");
//   }
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/json.h"
#include "e2e/hub_emulator_process.h"
#include "e2e/timed_run.h"
#include "http/http.h"
#include "support/image_seeder.h"
#include "support/process.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"

namespace spaceport::e2e {

inline constexpr char kSpace[] = "acme/demo";
inline constexpr char kDeploymentKey[] = "e2e/demo";  // metadata.namespace/name of DemoDeployment
inline constexpr char kSecretValue[] = "e2e-api-key-5b1f9c";  // DEMO_API_KEY; must never be printed
inline constexpr char kHubToken[] = "hf_e2e";
// Generous: a first deploy takes a few seconds (0.3 s build + 0.3 s start per restart, polling).
inline constexpr std::chrono::seconds kCommandDeadline{240};

// The one SpaceDeployment the suite deploys, with the knobs the cases turn.
struct DemoOptions {
  std::string drift_policy = "correct";
  std::string repository = "ghcr.io/acme/app";
  std::string version = "v1.0.0";
  std::string space = kSpace;
};

// `text` with each {{KEY}} replaced by its value.
inline std::string Fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    const std::string placeholder = "{{" + key + "}}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

// One entry of spec.spaces as the e2e deployments declare it: created, cpu-basic, an hour of
// sleep time, the variable LOG_LEVEL=info and the secret API_KEY from $DEMO_API_KEY.
inline std::string DemoSpaceEntry(const std::string& id) {
  return Fill(R"(    - id: {{ID}}
      create: true
      hardware: cpu-basic
      sleepTimeSeconds: 3600
      variables:
        LOG_LEVEL: info
      secrets:
        API_KEY:
          fromEnv: DEMO_API_KEY
)",
              {{"ID", id}});
}

inline std::string DemoDeployment(const DemoOptions& o) {
  return Fill(R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata:
  name: demo
  namespace: e2e
spec:
  image:
    repository: {{REPOSITORY}}
    version: {{VERSION}}
  spaces:
{{SPACE_ENTRY}}      health:
        path: /
        timeoutSeconds: 120
  driftPolicy: {{DRIFT_POLICY}}
)",
              {{"REPOSITORY", o.repository},
               {"VERSION", o.version},
               {"SPACE_ENTRY", DemoSpaceEntry(o.space)},
               {"DRIFT_POLICY", o.drift_policy}});
}

// The last line `apply` prints on stdout: "apply: N writes, M actions, K failed".
struct ApplySummary {
  int writes = -1;
  int actions = -1;
  int failed = -1;
};

inline std::optional<ApplySummary> ParseApplySummary(const std::string& out) {
  const size_t end = out.find_last_not_of("\r\n");
  if (end == std::string::npos) return std::nullopt;
  const size_t newline = out.rfind('\n', end);
  const size_t start = newline == std::string::npos ? 0 : newline + 1;
  const std::string last = out.substr(start, end + 1 - start);
  static const std::regex pattern(R"(^apply: (\d+) writes, (\d+) actions, (\d+) failed$)");
  std::smatch m;
  if (!std::regex_match(last, m, pattern)) return std::nullopt;
  return ApplySummary{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])};
}

// What a failed expectation should show about a run: exit code, time, both outputs.
inline std::string Describe(const TimedResult& r) {
  return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (killed at the deadline)" : "") +
         " after " + std::to_string(r.seconds) + " s\n--- stdout ---\n" + r.out +
         "--- stderr ---\n" + r.err;
}

// Requests that change something on the Hub, by route, from /__emulator/stats. Preupload,
// paths-info and validate-yaml are POSTs that only read.
inline std::map<std::string, int64_t> WriteRequests(const Json& stats) {
  std::map<std::string, int64_t> writes;
  const Json* requests = stats.Find("requests");
  const Json* routes = requests ? requests->Find("by_route") : nullptr;
  if (!routes) return writes;
  static const std::regex read_only(R"(^(GET|HEAD) |/preupload/|/paths-info/|/api/validate-yaml)");
  for (const auto& [route, count] : routes->Members()) {
    if (!std::regex_search(route, read_only)) writes[route] = count.AsInt().value_or(0);
  }
  return writes;
}

// Requests that named one Space ("spaces/acme/demo"), from /__emulator/stats.
inline int64_t RequestsForSpace(const Json& stats, const std::string& space) {
  const Json* requests = stats.Find("requests");
  const Json* repos = requests ? requests->Find("by_repo") : nullptr;
  const Json* n = repos ? repos->Find("spaces/" + space) : nullptr;
  return n ? n->AsInt().value_or(0) : 0;
}

inline int64_t TotalRequests(const Json& stats) {
  const Json* requests = stats.Find("requests");
  const Json* total = requests ? requests->Find("total") : nullptr;
  return total ? total->AsInt().value_or(0) : 0;
}

// "GET /api/spaces/{ns}/{name} x1, ..." for test output.
inline std::string RouteBreakdown(const Json& stats) {
  std::string out;
  const Json* requests = stats.Find("requests");
  const Json* routes = requests ? requests->Find("by_route") : nullptr;
  if (!routes) return out;
  for (const auto& [route, count] : routes->Members()) {
    out += "    " + route + " x" + count.Lexeme() + "\n";
  }
  return out;
}

// The member at a path of keys ({"runtime", "hardware", "current"}), or nullptr.
inline const Json* Member(const Json& doc, std::initializer_list<std::string_view> keys) {
  const Json* at = &doc;
  for (std::string_view key : keys) {
    if (!at->is_object() || !(at = at->Find(key))) return nullptr;
  }
  return at;
}

// The value at a path as text: a string's value, a number's lexeme, other JSON dumped, or
// "<missing>"; for comparisons that must not dereference what is not there.
inline std::string Field(const Json& doc, std::initializer_list<std::string_view> keys) {
  const Json* at = Member(doc, keys);
  if (!at) return "<missing>";
  if (at->is_string() || at->is_number()) return at->AsString();
  return at->Dump();
}

inline std::string RuntimeStage(const Json& space) {
  const Json* runtime = space.Find("runtime");
  return runtime ? runtime->GetString("stage") : "";
}

// The image of the Dockerfile's last FROM line (the stage that runs), or "".
inline std::string DockerfileFrom(const Json& space) {
  const Json* files = space.Find("files");
  const Json* dockerfile = files ? files->Find("Dockerfile") : nullptr;
  if (!dockerfile) return "";
  static const std::regex from_line(R"((?:^|\n)FROM[ \t]+(?:--\S+[ \t]+)*(\S+))");
  std::string image;
  const std::string& text = dockerfile->AsString();
  for (auto it = std::sregex_iterator(text.begin(), text.end(), from_line);
       it != std::sregex_iterator(); ++it) {
    image = (*it)[1];
  }
  return image;
}

class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* program : {"docker-registry", "skopeo"}) {
      Status present = support::RequireExecutable(program);
      ASSERT_TRUE(present.ok()) << present.ToString();
    }
    support::RegistryProcess::Options registry_options;
    auto registry = support::RegistryProcess::Start(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(*registry);

    support::ImageSeeder seeder(dir_.path() / "seed");
    auto base = seeder.Push(*registry_, "acme/app", "v1.0.0", support::ImageSpec{});
    ASSERT_TRUE(base.ok()) << base.status().ToString();

    HubEmulatorProcess::Options hub_options = hub_options_;
    hub_options.token = std::string(kHubToken) + ":acme" + (hub_orgs_.empty() ? "" : ":" + hub_orgs_);
    hub_options.registry_map = "ghcr.io=" + registry_->endpoint();
    auto hub = HubEmulatorProcess::Start(hub_options, dir_.path() / "hub-emulator.log");
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(*hub);

    std::filesystem::create_directories(dir_.path() / "home");
    config_ = dir_.path() / "config.yaml";
    state_dir_ = dir_.path() / "state";
    ASSERT_TRUE(support::WriteFile(config_, ControllerConfig()));
  }

  void TearDown() override {
    if (!HasFailure()) return;
    if (hub_) std::cerr << "--- hub-emulator log tail ---\n" << Tail(hub_->Log(), 60);
    if (registry_) std::cerr << "--- registry log tail ---\n" << Tail(registry_->Log(), 20);
  }

  std::string ControllerConfig() const {
    return Fill(R"(apiVersion: spaceport.dev/v1alpha1
kind: ControllerConfig
registries:
  - host: ghcr.io
    endpoint: {{REGISTRY}}
    insecure: true
hub:
  endpoint: {{HUB}}
  insecure: true
  tokenFromEnv: HF_TOKEN_E2E
stateDir: {{STATE_DIR}}
)",
                {{"REGISTRY", registry_->endpoint()},
                 {"HUB", hub_->base_url()},
                 {"STATE_DIR", state_dir_.string()}});
  }

  // Writes `yaml` as DIR/demo.yaml under the test's directory; returns DIR.
  std::filesystem::path WriteDesired(const std::string& dir_name, const std::string& yaml) {
    const std::filesystem::path desired = dir_.path() / dir_name;
    EXPECT_TRUE(support::WriteFile(desired / "demo.yaml", yaml));
    return desired;
  }

  // `spaceport ARGS... --config config.yaml` in a clean environment; the secret value must never
  // appear in what it prints.
  TimedResult Spaceport(std::vector<std::string> args) {
    args.insert(args.begin(), SPACEPORT_BIN);
    args.push_back("--config");
    args.push_back(config_.string());
    const char* path = std::getenv("PATH");
    const std::vector<std::string> env = {
        std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
        "HOME=" + (dir_.path() / "home").string(),
        "LANG=C.UTF-8",
        std::string("HF_TOKEN_E2E=") + kHubToken,
        std::string("DEMO_API_KEY=") + kSecretValue,
    };
    TimedResult r = TimedRun(args, env, dir_.path(), kCommandDeadline);
    if (std::getenv("SPACEPORT_E2E_VERBOSE")) std::cout << "=== " << args[1] << "\n" << Describe(r);
    EXPECT_FALSE(r.timed_out) << args[1] << " outlived its deadline\n" << Describe(r);
    EXPECT_EQ(r.out.find(kSecretValue), std::string::npos) << "the secret value was printed";
    EXPECT_EQ(r.err.find(kSecretValue), std::string::npos) << "the secret value was printed";
    return r;
  }
  TimedResult Apply(const std::filesystem::path& desired) {
    return Spaceport({"apply", desired.string()});
  }
  TimedResult Plan(const std::filesystem::path& desired, const std::string& format = "text") {
    return Spaceport({"plan", desired.string(), "-o", format});
  }

  // The emulator's view of a Space (GET /__emulator/spaces/NS/NAME); null after a failure.
  Json SpaceState(const std::string& space = kSpace) {
    Result<Json> state = hub_->Control("GET", "/__emulator/spaces/" + space);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? *state : Json();
  }
  bool SpaceExists(const std::string& space) {
    return hub_->Control("GET", "/__emulator/spaces/" + space).ok();
  }
  Json Stats() {
    Result<Json> stats = hub_->Control("GET", "/__emulator/stats");
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : Json::Object();
  }
  void ResetStats() {
    Result<Json> reset = hub_->Control("POST", "/__emulator/stats/reset");
    EXPECT_TRUE(reset.ok()) << reset.status().ToString();
  }
  // An out-of-band edit through the control API, as a person in the Hub's UI would make it.
  void Edit(const std::string& method, const std::string& path_after_space,
            const std::string& body) {
    Result<Json> done =
        hub_->Control(method, "/__emulator/spaces/" + std::string(kSpace) + path_after_space, body);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }

  // The digest of what the registry serves for acme/app:TAG, from its own HTTP API: the SHA-256
  // of the manifest bytes, checked against the registry's Docker-Content-Digest.
  std::string RegistryDigest(const std::string& tag) {
    http::Request request;
    request.url = registry_->endpoint() + "/v2/acme/app/manifests/" + tag;
    request.headers.Add("Accept",
                        "application/vnd.oci.image.manifest.v1+json, "
                        "application/vnd.oci.image.index.v1+json, "
                        "application/vnd.docker.distribution.manifest.v2+json, "
                        "application/vnd.docker.distribution.manifest.list.v2+json");
    Result<http::Response> response = http::MakeTransport({})->Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    if (!response.ok()) return "";
    EXPECT_EQ(response->status, 200) << tag << ": " << response->body;
    const std::string digest = "sha256:" + Sha256Hex(response->body);
    EXPECT_EQ(response->headers.Get("Docker-Content-Digest").value_or(""), digest);
    return digest;
  }

  // The fingerprint key the controller keeps in its state directory.
  std::string FingerprintKey() const {
    std::string key = support::ReadFile(state_dir_ / "fingerprint.key");
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    return key;
  }

  // Deploys DemoDeployment(options) from DIR "desired" and checks that it converged; for the
  // cases that start from a running Space.
  std::filesystem::path Deploy(const DemoOptions& options = {}) {
    const std::filesystem::path desired = WriteDesired("desired", DemoDeployment(options));
    TimedResult applied = Apply(desired);
    EXPECT_EQ(applied.exit_code, 0) << Describe(applied);
    EXPECT_EQ(RuntimeStage(SpaceState()), "RUNNING");
    return desired;
  }

  static std::string Tail(const std::string& log, int lines) {
    size_t at = log.size();
    for (int i = 0; i <= lines && at != std::string::npos && at > 0; ++i)
      at = log.rfind('\n', at - 1);
    return at == std::string::npos ? log : log.substr(at + 1);
  }

  support::TempDir dir_{"spaceport-e2e"};
  // Timing and budget of the emulator SetUp starts (a fixture's constructor may change them);
  // the token and registry mapping are SetUp's own.
  HubEmulatorProcess::Options hub_options_;
  std::string hub_orgs_;  // "org-a,org-b": organisations the token's user (acme) writes to
  std::unique_ptr<support::RegistryProcess> registry_;
  std::unique_ptr<HubEmulatorProcess> hub_;
  std::filesystem::path config_;
  std::filesystem::path state_dir_;
};

}  // namespace spaceport::e2e
