// BuildE2eTest: the end-to-end world of E2eTest plus what issue 5's builds need — a deployment
// whose version is not in the registry yet and whose `build:` section makes it, build scripts
// that count their starts, the command backend's lock records in the state directory, the
// github-emulator program, and `spaceport` run either to completion with extra environment
// (GITHUB_TOKEN, GITHUB_API_URL) or in the background, to be SIGKILLed mid-build.
//
// A build script is a small sh file the test writes (`/bin/sh FILE` is the argv, no shell
// parsing by Spaceport): it appends one line to a counter file each time it starts, so "the build
// ran exactly once" is a line count that nothing in Spaceport can fake, then optionally sleeps,
// prints, fails, or copies the seeded base acme/app:v1.0.0 to the tag in $VERSION (command
// backend) or $INPUT_VERSION (a GitHub workflow run) with skopeo.
//
//   TEST_F(BuildE2eTest, Example) {
//     const auto script = WriteBuildScript("push.sh", BuildScript::Push("VERSION"));
//     const auto desired = WriteDesired("desired", BuildDeployment("v2.0.0", CommandBuild(script)));
//     TimedResult applied = Apply(desired);
//     ASSERT_EQ(applied.exit_code, 0) << Describe(applied);
//     EXPECT_EQ(CountLines(Counter()), 1);
//   }
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/digest.h"
#include "e2e/e2e_fixture.h"
#include "e2e/github_emulator_process.h"

namespace spaceport::e2e {

inline constexpr char kGithubToken[] = "ghp_e2e_build_token";
inline constexpr char kRepository[] = "ghcr.io/acme/app";

// The build id Spaceport derives (builds.md: unique per deployment, repository and version):
// "sp-" + 12 hex of SHA-256("e2e/demo\nghcr.io/acme/app\nVERSION"). Computed here independently
// so a test can look for it in the emulator's run titles.
inline std::string ExpectedBuildId(const std::string& version) {
  return "sp-" + Sha256Hex(std::string(kDeploymentKey) + "\n" + kRepository + "\n" + version)
                     .substr(0, 12);
}

// The command backend's lock record key: SHA-256 of "repository:version" (build_lock.h).
inline std::string LockKey(const std::string& version) {
  return Sha256Hex(std::string(kRepository) + ":" + version);
}

// The one deployment of the suite (DemoDeployment) at `version`, with `build_yaml` as its
// image.build section (indented by the caller's helpers below).
inline std::string BuildDeployment(const std::string& version, const std::string& build_yaml) {
  DemoOptions options;
  options.version = version;
  std::string yaml = DemoDeployment(options);
  const std::string anchor = "    version: " + version + "\n";
  const size_t at = yaml.find(anchor);
  if (at != std::string::npos) yaml.insert(at + anchor.size(), build_yaml);
  return yaml;
}

// `build: {command: {run: [/bin/sh, SCRIPT], timeout: ...}}`, indented under image.
inline std::string CommandBuild(const std::filesystem::path& script,
                                const std::string& timeout = "2m") {
  return "    build:\n      command:\n        run: [\"/bin/sh\", \"" + script.string() +
         "\"]\n        timeout: " + timeout + "\n";
}

// `build: {githubActions: {repository: acme/app, workflow: docker.yml, ref: main, inputs: ...}}`.
inline std::string GithubBuild() {
  return "    build:\n"
         "      githubActions:\n"
         "        repository: acme/app\n"
         "        workflow: docker.yml\n"
         "        ref: main\n"
         "        inputs:\n"
         "          version: \"{{ .Version }}\"\n"
         "          build_id: \"{{ .BuildID }}\"\n";
}

// What a build script does after counting its start.
struct BuildScript {
  std::string version_variable = "VERSION";  // the environment variable naming the tag to push
  int sleep_seconds = 0;
  std::string print;   // a line to print before pushing (or failing)
  int exit_code = 0;   // non-zero: exit with it instead of pushing

  // Copies the base to the tag in $variable, after sleeping `sleep` seconds.
  static BuildScript Push(std::string variable, int sleep = 0) {
    BuildScript s;
    s.version_variable = std::move(variable);
    s.sleep_seconds = sleep;
    return s;
  }
  // Prints `line` and exits 1.
  static BuildScript Fail(std::string line) {
    BuildScript s;
    s.print = std::move(line);
    s.exit_code = 1;
    return s;
  }
};

// A `spaceport` started in the background, for the restart cases: SIGKILLed by its PID, or
// waited for.
class BackgroundSpaceport {
 public:
  BackgroundSpaceport(pid_t pid, std::filesystem::path out, std::filesystem::path err)
      : pid_(pid), out_(std::move(out)), err_(std::move(err)) {}
  BackgroundSpaceport(const BackgroundSpaceport&) = delete;
  BackgroundSpaceport& operator=(const BackgroundSpaceport&) = delete;
  ~BackgroundSpaceport() {
    if (pid_ > 0) Kill();
  }

  pid_t pid() const { return pid_; }
  // True while it has not exited (reaps it when it has).
  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = -1;
      return false;
    }
    return true;
  }
  // SIGKILL, then reap; returns the exit code (137 when the signal killed it).
  int Kill() {
    if (pid_ <= 0) return exit_code_;
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return exit_code_;
  }
  std::string Output() const {
    return "--- stdout ---\n" + support::ReadFile(out_) + "--- stderr ---\n" +
           support::ReadFile(err_);
  }

 private:
  pid_t pid_;
  int exit_code_ = -1;
  std::filesystem::path out_, err_;
};

class BuildE2eTest : public E2eTest {
 protected:
  void TearDown() override {
    if (HasFailure() && github_)
      std::cerr << "--- github-emulator log tail ---\n" << Tail(github_->Log(), 40);
    E2eTest::TearDown();
  }

  std::filesystem::path Counter() const { return dir_.path() / "build-starts.txt"; }
  std::filesystem::path BuildsDir() const { return state_dir_ / "builds"; }
  std::filesystem::path LockRecord(const std::string& version) const {
    return BuildsDir() / (LockKey(version) + ".json");
  }
  std::filesystem::path BuildLog(const std::string& version) const {
    return BuildsDir() / (LockKey(version) + ".log");
  }

  // Writes an sh script under the test's directory; returns its path.
  std::filesystem::path WriteBuildScript(const std::string& name, const BuildScript& s) {
    std::string text = "set -e\necho \"start $$\" >> '" + Counter().string() + "'\n";
    if (s.sleep_seconds > 0) text += "sleep " + std::to_string(s.sleep_seconds) + "\n";
    if (!s.print.empty()) text += "echo '" + s.print + "'\n";
    if (s.exit_code != 0) {
      text += "exit " + std::to_string(s.exit_code) + "\n";
    } else {
      text += "exec skopeo copy --src-tls-verify=false --dest-tls-verify=false "
              "docker://" + registry_->host() + "/acme/app:v1.0.0 "
              "\"docker://" + registry_->host() + "/acme/app:${" + s.version_variable + "}\"\n";
    }
    const std::filesystem::path path = dir_.path() / name;
    EXPECT_TRUE(support::WriteFile(path, text));
    return path;
  }

  // Lines in a file; 0 when it does not exist.
  static int CountLines(const std::filesystem::path& file) {
    std::ifstream in(file);
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }

  // Starts github-emulator with one workflow acme/app/docker.yml whose runs execute
  // `/bin/sh script`.
  void StartGithub(const std::filesystem::path& script) {
    GithubEmulatorProcess::Options options;
    options.token = std::string(kGithubToken) + ":acme-bot";
    options.command = {"/bin/sh", script.string()};
    auto gh = GithubEmulatorProcess::Start(options, dir_.path() / "github-emulator.log");
    ASSERT_TRUE(gh.ok()) << gh.status().ToString();
    github_ = std::move(*gh);
  }
  std::vector<std::string> GithubEnv() const {
    return {std::string("GITHUB_TOKEN=") + kGithubToken, "GITHUB_API_URL=" + github_->base_url()};
  }
  // The emulator's runs (GET /__emulator/runs); an empty array after a failure.
  Json GithubRuns() {
    Result<Json> runs = github_->Control("GET", "/__emulator/runs");
    EXPECT_TRUE(runs.ok()) << runs.status().ToString();
    return runs.ok() ? *runs : Json::Array();
  }

  std::vector<std::string> BaseEnv() const {
    const char* path = std::getenv("PATH");
    return {
        std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
        "HOME=" + (dir_.path() / "home").string(),
        "LANG=C.UTF-8",
        std::string("HF_TOKEN_E2E=") + kHubToken,
        std::string("DEMO_API_KEY=") + kSecretValue,
    };
  }

  // `spaceport apply DESIRED --config config.yaml` with E2eTest's environment plus `extra`.
  TimedResult ApplyWith(const std::filesystem::path& desired,
                        const std::vector<std::string>& extra) {
    const std::vector<std::string> args = {SPACEPORT_BIN, "apply", desired.string(), "--config",
                                           config_.string()};
    std::vector<std::string> env = BaseEnv();
    env.insert(env.end(), extra.begin(), extra.end());
    TimedResult r = TimedRun(args, env, dir_.path(), kCommandDeadline);
    if (std::getenv("SPACEPORT_E2E_VERBOSE")) std::cout << "=== apply\n" << Describe(r);
    EXPECT_FALSE(r.timed_out) << "apply outlived its deadline\n" << Describe(r);
    EXPECT_EQ((r.out + r.err).find(kSecretValue), std::string::npos) << "the secret was printed";
    EXPECT_EQ((r.out + r.err).find(kGithubToken), std::string::npos) << "the token was printed";
    return r;
  }

  // `spaceport apply` in the background with the same environment.
  std::unique_ptr<BackgroundSpaceport> StartApply(const std::filesystem::path& desired,
                                                  const std::vector<std::string>& extra) {
    static int runs = 0;
    const std::filesystem::path out = dir_.path() / ("bg-" + std::to_string(++runs) + ".out");
    const std::filesystem::path err = dir_.path() / ("bg-" + std::to_string(runs) + ".err");
    std::vector<std::string> argv = {SPACEPORT_BIN, "apply", desired.string(), "--config",
                                     config_.string()};
    std::vector<std::string> env = BaseEnv();
    env.insert(env.end(), extra.begin(), extra.end());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addchdir_np(&actions, dir_.path().c_str());
    std::vector<char*> args, envp;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(error, 0) << "posix_spawn " << argv[0] << ": " << std::strerror(error);
    if (error != 0) return nullptr;
    return std::make_unique<BackgroundSpaceport>(pid, out, err);
  }

  // Polls `done` every 50 ms until it holds or `deadline` passes; returns whether it held.
  static bool WaitFor(const std::function<bool()>& done, std::chrono::seconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  // The Space runs the wrapper of `version`, pinned by the digest the registry serves.
  void ExpectRunningOnWrapperOf(const std::string& version) {
    const Json space = SpaceState();
    EXPECT_EQ(RuntimeStage(space), "RUNNING") << space.Dump();
    const std::string digest = RegistryDigest("hf-amd64-" + version);
    ASSERT_FALSE(digest.empty());
    EXPECT_EQ(DockerfileFrom(space), std::string(kRepository) + ":hf-amd64-" + version + "@" + digest);
  }

  // The HTTP status the registry answers for the manifest of acme/app:TAG (200 or 404).
  int RegistryManifestStatus(const std::string& tag) {
    http::Request request;
    request.url = registry_->endpoint() + "/v2/acme/app/manifests/" + tag;
    request.headers.Add("Accept",
                        "application/vnd.oci.image.manifest.v1+json, "
                        "application/vnd.docker.distribution.manifest.v2+json");
    Result<http::Response> response = http::MakeTransport({})->Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? response->status : -1;
  }

  std::unique_ptr<GithubEmulatorProcess> github_;
};

}  // namespace spaceport::e2e
