// CanaryWorld: the end-to-end world with one canary value as every credential, and a search for
// it in everything Spaceport lets out (issue 13, "Secrets never leak").
//
// The canary is the Hub token (the hub-emulator accepts it), the registry's htpasswd password
// (Docker's config.json in the private HOME holds `auth` = base64("ciuser:CANARY") for ghcr.io,
// which the controller config maps to the loopback registry), the password of the trap
// registries (`credentials.passwordFromEnv`), GITHUB_TOKEN, both webhook secrets, the trigger
// secret, the API token, the Space secret DEMO_API_KEY, and it is part of the notify URL's path.
// It has a `+` and a `/`, so its URL-encoded, JSON-escaped and base64 forms differ from it and
// are searched too (Forms()).
//
// Trap servers stand for upstreams that try to get a credential sent where it does not belong:
// an in-process "other host" on 127.0.0.2 records every request it gets (headers, path, query,
// body) so a test can assert the canary never reached it, in any form.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/base64.h"
#include "e2e/e2e_fixture.h"
#include "e2e/hub_emulator_process.h"
#include "http/http.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"

namespace spaceport::e2e {

// Starts with hf_ (the emulator's rule for tokens); '+' and '/' make its encodings differ.
inline constexpr char kCanary[] = "hf_CaNaRy7q+Zp/x3Kw9Lm";
inline constexpr char kRegistryUser[] = "ciuser";

// Every way the canary could be written out: as is, URL-encoded (both hex cases), JSON-escaped
// ("\/"), base64 of itself at each of the three alignments (the stretch that encodes only canary
// bytes), base64 of "ciuser:CANARY" (Basic auth, config.json), and base64url of that.
inline std::map<std::string, std::string> CanaryForms() {
  std::map<std::string, std::string> forms = {
      {"raw", kCanary},
      {"url-encoded", "hf_CaNaRy7q%2BZp%2Fx3Kw9Lm"},
      {"url-encoded lower", "hf_CaNaRy7q%2bZp%2fx3Kw9Lm"},
      {"json-escaped", "hf_CaNaRy7q+Zp\\/x3Kw9Lm"},
      {"basic auth", Base64Encode(std::string(kRegistryUser) + ":" + kCanary)},
  };
  for (int pad = 0; pad < 3; ++pad) {
    const std::string encoded = Base64Encode(std::string(pad, 'x') + kCanary);
    // Whole 3-byte groups only: the first mixes in padding bytes when pad > 0, a last partial
    // group mixes in '='.
    const size_t groups = (static_cast<size_t>(pad) + std::string(kCanary).size()) / 3;
    const size_t first = pad > 0 ? 1 : 0;
    const size_t skip = first * 4;
    const size_t keep = (groups - first) * 4;
    forms["base64+" + std::to_string(pad)] = encoded.substr(skip, keep);
  }
  std::string url = forms["basic auth"];
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  forms["basic auth base64url"] = url.substr(0, url.find('='));
  return forms;
}

// "" when no form of the canary is in `text`; otherwise which form, and around it.
inline std::string FindCanary(const std::string& text) {
  for (const auto& [form, value] : CanaryForms()) {
    if (value.size() < 8) continue;
    const size_t at = text.find(value);
    if (at != std::string::npos) {
      const size_t from = at < 80 ? 0 : at - 80;
      return form + " form at: …" + text.substr(from, value.size() + 160) + "…";
    }
  }
  return "";
}

// An HTTP server that keeps every request it gets, whole, and answers with `answer`.
class RecordingServer {
 public:
  using Answer = std::function<http::Response(const http::Server::IncomingRequest&)>;

  Status Start(const std::string& address, Answer answer) {
    http::Server::Options options;
    options.address = address;
    auto server = http::StartServer(options, [this, answer](const http::Server::IncomingRequest& req) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        std::string text = req.method + " " + req.path + "?" + req.query + "\n";
        for (const auto& [name, value] : req.headers.items()) text += name + ": " + value + "\n";
        requests_.push_back(text + "\n" + req.body);
      }
      return answer(req);
    });
    if (!server.ok()) return server.status();
    server_ = std::move(*server);
    return Status::Ok();
  }
  ~RecordingServer() {
    if (server_) server_->Stop();
  }
  std::string base_url() const { return server_->base_url(); }
  std::string HostPort() const { return base_url().substr(std::string("http://").size()); }
  std::vector<std::string> Requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
  std::unique_ptr<http::Server> server_;
};

inline http::Response Reply(int status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// The canary world: the registry with htpasswd auth (password = canary), the hub-emulator with
// the canary as its token and the registry's credentials, config.json in a private HOME.
class CanaryWorld : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* program : {"docker-registry", "skopeo", "htpasswd"}) {
      Status present = support::RequireExecutable(program);
      ASSERT_TRUE(present.ok()) << present.ToString();
    }
    support::RegistryProcess::Options registry_options;
    registry_options.auth = support::RegistryAuth::kHtpasswd;
    registry_options.username = kRegistryUser;
    registry_options.password = kCanary;
    auto registry = support::RegistryProcess::Start(registry_options);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(*registry);
    support::ImageSeeder seeder(dir_.path() / "seed");
    auto base = seeder.Push(*registry_, "acme/app", "v1.0.0", support::ImageSpec{});
    ASSERT_TRUE(base.ok()) << base.status().ToString();

    HubEmulatorProcess::Options hub_options;
    hub_options.token = std::string(kCanary) + ":acme";
    hub_options.registry_map = "ghcr.io=" + registry_->endpoint();
    hub_options.registry_credentials =
        "ghcr.io=" + std::string(kRegistryUser) + ":" + std::string(kCanary);
    auto hub = HubEmulatorProcess::Start(hub_options, dir_.path() / "hub-emulator.log");
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(*hub);

    home_ = dir_.path() / "home";
    state_dir_ = dir_.path() / "state";
    ASSERT_TRUE(support::WriteFile(
        home_ / ".docker" / "config.json",
        R"({"auths":{"ghcr.io":{"auth":")" +
            Base64Encode(std::string(kRegistryUser) + ":" + kCanary) + R"("}}})"));
    config_ = dir_.path() / "config.yaml";
    ASSERT_TRUE(support::WriteFile(config_, Config(hub_->base_url())));
  }

  // The controller config: ghcr.io mapped to the registry (credentials from config.json), the
  // Hub at `hub_url`, and the trap registries when given (password from TRAP_PASSWORD).
  std::string Config(const std::string& hub_url,
                     const std::vector<std::pair<std::string, std::string>>& traps = {}) const {
    std::string text = "apiVersion: spaceport.dev/v1alpha1\nkind: ControllerConfig\nregistries:\n"
                       "  - host: ghcr.io\n    endpoint: " +
                       registry_->endpoint() + "\n    insecure: true\n";
    for (const auto& [host, endpoint] : traps)
      text += "  - host: " + host + "\n    endpoint: " + endpoint +
              "\n    insecure: true\n    credentials:\n      username: ciuser\n"
              "      passwordFromEnv: TRAP_PASSWORD\n";
    text += "hub:\n  endpoint: " + hub_url +
            "\n  insecure: true\n  tokenFromEnv: HF_TOKEN_CANARY\nstateDir: " + state_dir_.string() +
            "\n";
    return text;
  }

  // Every credential variable, all holding the canary, plus PATH, HOME and LANG.
  std::vector<std::pair<std::string, std::string>> CanaryEnvironment() const {
    const char* path = std::getenv("PATH");
    return {{"PATH", path ? path : "/usr/bin:/bin"},
            {"HOME", home_.string()},
            {"LANG", "C.UTF-8"},
            {"HF_TOKEN_CANARY", kCanary},
            {"DEMO_API_KEY", kCanary},
            {"TRAP_PASSWORD", kCanary},
            {"GITHUB_TOKEN", kCanary},
            {"SPACEPORT_GITHUB_WEBHOOK_SECRET", kCanary},
            {"SPACEPORT_HUB_WEBHOOK_SECRET", kCanary},
            {"SPACEPORT_GENERIC_WEBHOOK_SECRET", kCanary},
            {"SPACEPORT_TRIGGER_SECRET", kCanary},
            {"SPACEPORT_API_TOKEN", kCanary}};
  }
  std::vector<std::string> EnvList() const {
    std::vector<std::string> env;
    for (const auto& [name, value] : CanaryEnvironment()) env.push_back(name + "=" + value);
    return env;
  }

  // `spaceport ARGS... --config CONFIG` with the canary environment.
  TimedResult Spaceport(std::vector<std::string> args, const std::filesystem::path& config) {
    args.insert(args.begin(), SPACEPORT_BIN);
    args.push_back("--config");
    args.push_back(config.string());
    TimedResult r = TimedRun(args, EnvList(), dir_.path(), kCommandDeadline);
    if (std::getenv("SPACEPORT_E2E_VERBOSE")) std::cout << "=== " << args[1] << "\n" << Describe(r);
    EXPECT_FALSE(r.timed_out) << Describe(r);
    return r;
  }

  // A deployment of `image_repository:version` to Space `space`, with DEMO_API_KEY as a Space
  // secret, and `build` (indented under image) when given.
  static std::string Deployment(const std::string& name, const std::string& repository,
                                const std::string& version, const std::string& space,
                                const std::string& build = "") {
    return "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: " +
           name + "\n  namespace: canary\nspec:\n  image:\n    repository: " + repository +
           "\n    version: " + version + "\n" + build +
           "  spaces:\n    - id: " + space +
           "\n      create: true\n      hardware: cpu-basic\n      secrets:\n        API_KEY:\n"
           "          fromEnv: DEMO_API_KEY\n      health:\n        path: /\n"
           "        timeoutSeconds: 120\n";
  }

  // A command build whose script records its environment and the command lines of itself and
  // its parent (the build monitor) under DIR/build-proc/, then copies the base image to $VERSION
  // with the credentials of config.json (skopeo --authfile), or fails with `fail`.
  std::string CommandBuild(const std::string& name, bool fail = false) {
    const std::filesystem::path out = dir_.path() / "build-proc";
    std::filesystem::create_directories(out);
    std::string script = "set -e\nd='" + out.string() + "'\n"
                         "tr '\\0' '\\n' < /proc/$$/environ > \"$d/" + name + ".environ\"\n"
                         "tr '\\0' ' ' < /proc/$$/cmdline > \"$d/" + name + ".cmdline\"\n"
                         "tr '\\0' '\\n' < /proc/$PPID/environ > \"$d/" + name + ".parent-environ\"\n"
                         "tr '\\0' ' ' < /proc/$PPID/cmdline > \"$d/" + name + ".parent-cmdline\"\n";
    if (fail) {
      script += "echo 'compiling… error: the build broke'\nexit 1\n";
    } else {
      // The build's own auth file names the registry by its real address (config.json names
      // ghcr.io, which only the controller config maps to it).
      const std::filesystem::path auth = dir_.path() / "build-auth.json";
      EXPECT_TRUE(support::WriteFile(auth, R"({"auths":{")" + registry_->host() + R"(":{"auth":")" +
                                               Base64Encode(std::string(kRegistryUser) + ":" + kCanary) +
                                               R"("}}})"));
      script += "exec skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false --authfile '" +
                auth.string() + "' docker://" + registry_->host() +
                "/acme/app:v1.0.0 docker://" + registry_->host() + "/acme/app:$VERSION\n";
    }
    const std::filesystem::path path = dir_.path() / (name + ".sh");
    EXPECT_TRUE(support::WriteFile(path, script));
    return "    build:\n      command:\n        run: [\"/bin/sh\", \"" + path.string() +
           "\"]\n        timeout: 2m\n";
  }

  // Adds every regular file under `root` to `places`, keyed by its path.
  static void AddFiles(const std::filesystem::path& root, std::map<std::string, std::string>& places) {
    std::error_code ec;
    if (!std::filesystem::exists(root, ec)) return;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec))
      if (entry.is_regular_file()) places[entry.path().string()] = support::ReadFile(entry.path());
  }

  // Fails the test for every place holding the canary in any form.
  static void ExpectNoCanary(const std::map<std::string, std::string>& places) {
    for (const auto& [place, text] : places) {
      const std::string found = FindCanary(text);
      EXPECT_EQ(found, "") << "the canary is in " << place << ": " << found;
    }
  }

  support::TempDir dir_{"spaceport-canary"};
  std::unique_ptr<support::RegistryProcess> registry_;
  std::unique_ptr<HubEmulatorProcess> hub_;
  std::filesystem::path home_, state_dir_, config_;
};

}  // namespace spaceport::e2e
