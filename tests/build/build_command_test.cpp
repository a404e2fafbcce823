// CommandBuilder for real: small shell-free argv vectors (here /bin/sh -c, which tests may use)
// run as detached processes; results, output tails, timeouts, the environment, and the lock
// record that lets a second builder — a restarted Spaceport — find the build again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "act/build_command.h"
#include "support/temp_dir.h"

namespace spaceport::build_testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

act::BuildRequest ShellBuild(const std::string& script, int64_t timeout_seconds = 60,
                             std::string version = "v1.2.0") {
  act::BuildRequest request;
  request.repository = "registry.test/alice/app";
  request.version = std::move(version);
  request.build_id = "sp-0123456789ab";
  request.spec.command = spec::CommandBuild{{"/bin/sh", "-c", script},
                                            spec::Duration{timeout_seconds, "test"}, {}};
  return request;
}

act::CommandBuilderOptions FastOptions() {
  act::CommandBuilderOptions options;
  options.kill_grace = std::chrono::milliseconds(300);
  options.tail_lines = 5;
  return options;
}

// Polls until the build finishes (or 30 s pass).
act::BuildState WaitFinished(act::CommandBuilder& builder, const act::BuildRequest& request,
                             const act::BuildHandle& handle) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    auto state = builder.Poll(request, handle);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    if (!state.ok() || state->finished() || std::chrono::steady_clock::now() > deadline) {
      return state.ok() ? *state : act::BuildState{};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

bool ProcessGone(pid_t pid) { return ::kill(pid, 0) != 0 || !act::ProcessStartTime(pid); }

struct Fixture {
  support::TempDir state{"build-command"};
  FakeClock clock;
  act::CommandBuilder builder{state.path(), clock, FastOptions()};
};

TEST(CommandBuilder, ASuccessfulCommandSucceedsWithItsOutputTail) {
  Fixture f;
  auto request = ShellBuild("echo building; echo done");
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(handle->backend, "command");
  EXPECT_EQ(handle->id, act::BuildLockKey("registry.test/alice/app:v1.2.0"));
  act::BuildState state = WaitFinished(f.builder, request, *handle);
  EXPECT_EQ(state.phase, act::BuildPhase::kSucceeded);
  EXPECT_EQ(state.output_tail, "building\ndone");
  EXPECT_THAT(state.message, HasSubstr("exited with status 0"));
  EXPECT_EQ(state.url, (f.state.path() / "builds" / (handle->id + ".log")).string());
}

TEST(CommandBuilder, AFailingCommandFailsWithTheLastLinesOfItsOutput) {
  Fixture f;
  auto request = ShellBuild("for i in 1 2 3 4 5 6 7 8; do echo line $i; done; echo oops >&2; exit 3");
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state = WaitFinished(f.builder, request, *handle);
  EXPECT_EQ(state.phase, act::BuildPhase::kFailed);
  EXPECT_THAT(state.message, HasSubstr("exited with status 3"));
  EXPECT_EQ(state.output_tail, "line 5\nline 6\nline 7\nline 8\noops");  // tail_lines = 5
}

TEST(CommandBuilder, TheEnvironmentCarriesImageVersionRepositoryAndBuildId) {
  Fixture f;
  auto request = ShellBuild("echo \"$IMAGE|$VERSION|$REPOSITORY|$BUILD_ID\"");
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state = WaitFinished(f.builder, request, *handle);
  EXPECT_EQ(state.output_tail,
            "registry.test/alice/app:v1.2.0|v1.2.0|registry.test/alice/app|sp-0123456789ab");
}

// Table: what a build inherits from Spaceport's environment (act::BuildEnvironment).
TEST(BuildEnvironment, KeepsToolchainAndPassEnvVariablesAndDropsEveryOtherCredential) {
  const char* inherited[] = {"PATH=/usr/bin",          "HOME=/home/sp",
                             "LC_ALL=C.UTF-8",         "DOCKER_CONFIG=/etc/docker-auth",
                             "BUILDAH_ISOLATION=chroot", "https_proxy=http://proxy:3128",
                             "HF_TOKEN=hf_secret",     "GITHUB_TOKEN=ghp_secret",
                             "SPACEPORT_API_TOKEN=api", "DEMO_API_KEY=space-secret",
                             "NPM_TOKEN=npm_passed",   "IMAGE=inherited-image",
                             "PATHOLOGICAL=1",         "=no-name",
                             "no-equals-sign",         nullptr};
  const std::vector<std::string> env = act::BuildEnvironment(
      inherited, {"NPM_TOKEN", "UNSET_ONE"}, {{"IMAGE", "r/app:v1"}, {"BUILD_ID", "sp-1"}});
  EXPECT_EQ(env, (std::vector<std::string>{"PATH=/usr/bin", "HOME=/home/sp", "LC_ALL=C.UTF-8",
                                           "DOCKER_CONFIG=/etc/docker-auth",
                                           "BUILDAH_ISOLATION=chroot",
                                           "https_proxy=http://proxy:3128", "NPM_TOKEN=npm_passed",
                                           "IMAGE=r/app:v1", "BUILD_ID=sp-1"}));
}

TEST(CommandBuilder, TheBuildDoesNotInheritSpaceportsCredentials) {
  Fixture f;
  ::setenv("SPACEPORT_TEST_CREDENTIAL", "hf_must_not_pass", 1);
  ::setenv("SPACEPORT_TEST_PASSED", "passed-on-request", 1);
  auto request = ShellBuild("echo \"[$SPACEPORT_TEST_CREDENTIAL|$SPACEPORT_TEST_PASSED|${PATH:+path}]\"");
  request.spec.command->pass_env = {"SPACEPORT_TEST_PASSED"};
  auto handle = f.builder.Start(request);
  ::unsetenv("SPACEPORT_TEST_CREDENTIAL");
  ::unsetenv("SPACEPORT_TEST_PASSED");
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state = WaitFinished(f.builder, request, *handle);
  EXPECT_EQ(state.output_tail, "[|passed-on-request|path]");
}

// The monitor is forked from Spaceport without exec, so it would otherwise show Spaceport's
// whole start-up environment (where tokens live) in /proc/PID/environ for as long as the build
// runs. The build reads its parent's (the monitor's) environment: no variable is left in it.
TEST(CommandBuilder, TheMonitorShowsNoneOfSpaceportsEnvironment) {
  std::ifstream own("/proc/self/environ", std::ios::binary);
  const std::string own_environ((std::istreambuf_iterator<char>(own)), std::istreambuf_iterator<char>());
  ASSERT_NE(own_environ.find("PATH="), std::string::npos) << "this test needs a PATH to look for";
  Fixture f;
  auto request = ShellBuild("echo \"[$(tr '\\0' '\\n' < /proc/$PPID/environ | grep -c =)]\"");
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state = WaitFinished(f.builder, request, *handle);
  EXPECT_EQ(state.output_tail, "[0]");
}

TEST(CommandBuilder, ArgumentPlaceholdersAreRenderedWithoutAShell) {
  Fixture f;
  act::BuildRequest request = ShellBuild("");
  request.spec.command->run = {"/bin/echo", "{{ .Version }}", "{{.Image}}", "id={{ .BuildID }}",
                               "$IMAGE;not-expanded"};
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state = WaitFinished(f.builder, request, *handle);
  EXPECT_EQ(state.output_tail,
            "v1.2.0 registry.test/alice/app:v1.2.0 id=sp-0123456789ab $IMAGE;not-expanded");
}

TEST(CommandBuilder, AProgramThatCannotBeRunFailsWithStatus127AndSaysWhy) {
  Fixture f;
  act::BuildRequest request = ShellBuild("");
  request.spec.command->run = {"/nonexistent/builder"};
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state = WaitFinished(f.builder, request, *handle);
  EXPECT_EQ(state.phase, act::BuildPhase::kFailed);
  EXPECT_THAT(state.message, HasSubstr("127"));
  EXPECT_THAT(state.output_tail, HasSubstr("cannot run the build command: /nonexistent/builder"));
}

TEST(CommandBuilder, ATimeoutKillsTheWholeProcessGroupAndFails) {
  Fixture f;
  const auto pid_file = f.state.path() / "background.pid";
  auto request =
      ShellBuild("sleep 60 & echo $! > " + pid_file.string() + "; echo started; wait", 1);
  const auto started = std::chrono::steady_clock::now();
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state = WaitFinished(f.builder, request, *handle);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(state.phase, act::BuildPhase::kFailed);
  EXPECT_THAT(state.message, HasSubstr("timeout"));
  EXPECT_THAT(state.output_tail, HasSubstr("started"));
  const pid_t background = std::stoi(support::ReadFile(pid_file));
  EXPECT_TRUE(ProcessGone(background)) << "the build's own child outlived the timeout";
}

TEST(CommandBuilder, ASecondBuilderFindsTheBuildInFlightAndDoesNotStartAnother) {
  Fixture f;
  const auto count_file = f.state.path() / "starts";
  auto request = ShellBuild("echo start >> " + count_file.string() + "; sleep 1; echo finished");
  auto first = f.builder.Start(request);
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  // A restarted Spaceport: a new builder over the same state directory.
  act::CommandBuilder restarted(f.state.path(), f.clock, FastOptions());
  auto found = restarted.Find(request);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, first->id);
  auto running = restarted.Poll(request, **found);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->phase, act::BuildPhase::kInProgress);

  auto again = restarted.Start(request);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->id, first->id);
  act::BuildState state = WaitFinished(restarted, request, *again);
  EXPECT_EQ(state.phase, act::BuildPhase::kSucceeded);
  EXPECT_EQ(support::ReadFile(count_file), "start\n");  // one build, not two

  // The finished record keeps the result for the next process too.
  act::CommandBuilder third(f.state.path(), f.clock, FastOptions());
  auto record = third.locks().Read(first->id);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_TRUE((*record)->exit_recorded);
  EXPECT_TRUE((*record)->exit->success());
  EXPECT_EQ((*record)->build_id, "sp-0123456789ab");
  EXPECT_EQ((*record)->image, "registry.test/alice/app:v1.2.0");
  EXPECT_EQ(third.Poll(request, **third.Find(request))->phase, act::BuildPhase::kSucceeded);
}

TEST(CommandBuilder, TheBuildRunsInItsOwnSessionSoItOutlivesSpaceport) {
  Fixture f;
  auto request = ShellBuild("sleep 1");
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  auto record = f.builder.locks().Read(handle->id);
  ASSERT_TRUE(record.ok() && record->has_value());
  const pid_t build = static_cast<pid_t>((*record)->pid);
  const pid_t monitor = static_cast<pid_t>((*record)->monitor_pid);
  EXPECT_NE((*record)->start_time, 0u);
  EXPECT_NE(::getsid(monitor), ::getsid(0));
  EXPECT_EQ(::getpgid(build), build);
  EXPECT_NE(::getppid(), monitor);
  // The monitor is not our child: nothing for Spaceport to reap.
  EXPECT_EQ(::waitpid(monitor, nullptr, WNOHANG), -1);
  EXPECT_EQ(WaitFinished(f.builder, request, *handle).phase, act::BuildPhase::kSucceeded);
}

TEST(CommandBuilder, ARecordWhoseProcessIsGoneWithoutAResultIsAFailedBuild) {
  Fixture f;
  auto request = ShellBuild("true");
  const std::string key = act::BuildLockKey(request.Image());
  // A process that has ended and been reaped: its pid names nobody (or somebody else).
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  act::BuildLockRecord record;
  record.pid = child;
  record.start_time = 12345;
  record.monitor_pid = child;
  record.monitor_start_time = 12345;
  record.build_id = request.build_id;
  record.image = request.Image();
  record.log_path = (f.state.path() / "builds" / (key + ".log")).string();
  { auto held = f.builder.locks().Lock(key); }  // creates the directory
  ASSERT_TRUE(f.builder.locks().Write(key, record).ok());

  auto found = f.builder.Find(request);
  ASSERT_TRUE(found.ok() && found->has_value());
  auto state = f.builder.Poll(request, **found);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->phase, act::BuildPhase::kFailed);
  EXPECT_THAT(state->message, HasSubstr("build process disappeared"));
}

TEST(CommandBuilder, APidReusedByAnotherProcessIsNotMistakenForTheBuild) {
  Fixture f;
  auto request = ShellBuild("true");
  const std::string key = act::BuildLockKey(request.Image());
  act::BuildLockRecord record;
  record.pid = ::getpid();  // alive, but started at another time than the record says
  record.start_time = act::ProcessStartTime(::getpid()).value() + 1;
  record.build_id = request.build_id;
  record.image = request.Image();
  { auto held = f.builder.locks().Lock(key); }
  ASSERT_TRUE(f.builder.locks().Write(key, record).ok());
  EXPECT_EQ(act::Inspect(record).liveness, act::BuildLiveness::kDisappeared);
  record.start_time -= 1;
  EXPECT_EQ(act::Inspect(record).liveness, act::BuildLiveness::kInFlight);
}

TEST(CommandBuilder, AFinishedBuildIsReplacedWhenStartedAgain) {
  Fixture f;
  auto failing = ShellBuild("echo first; exit 1");
  auto first = f.builder.Start(failing);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(WaitFinished(f.builder, failing, *first).phase, act::BuildPhase::kFailed);

  auto fixed = ShellBuild("echo second");
  auto second = f.builder.Start(fixed);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  act::BuildState state = WaitFinished(f.builder, fixed, *second);
  EXPECT_EQ(state.phase, act::BuildPhase::kSucceeded);
  EXPECT_EQ(state.output_tail, "second");
}

TEST(CommandBuilder, OtherVersionsOfTheSameImageBuildIndependently) {
  Fixture f;
  auto v1 = ShellBuild("sleep 1", 60, "v1");
  auto v2 = ShellBuild("true", 60, "v2");
  auto h1 = f.builder.Start(v1);
  auto h2 = f.builder.Start(v2);
  ASSERT_TRUE(h1.ok() && h2.ok());
  EXPECT_NE(h1->id, h2->id);
  EXPECT_EQ(WaitFinished(f.builder, v2, *h2).phase, act::BuildPhase::kSucceeded);
  EXPECT_EQ(WaitFinished(f.builder, v1, *h1).phase, act::BuildPhase::kSucceeded);
}

TEST(CommandBuilder, ABuildOutlivesASpaceportKilledWithSigkillAndIsFoundAgainNotRestarted) {
  Fixture f;
  const auto count_file = f.state.path() / "starts";
  auto request = ShellBuild("echo start >> " + count_file.string() + "; sleep 1; echo built");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t spaceport = ::fork();
  if (spaceport == 0) {  // a short-lived "Spaceport" that starts the build and is then killed
    ::close(ready[0]);
    act::CommandBuilder builder(f.state.path(), f.clock, FastOptions());
    const char ok = builder.Start(request).ok() ? 'y' : 'n';
    (void)!::write(ready[1], &ok, 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char ok = 'n';
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(ok, 'y');
  ::kill(spaceport, SIGKILL);
  ::waitpid(spaceport, nullptr, 0);

  act::CommandBuilder restarted(f.state.path(), f.clock, FastOptions());
  auto found = restarted.Find(request);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(restarted.Poll(request, **found)->phase, act::BuildPhase::kInProgress);
  auto again = restarted.Start(request);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->id, (*found)->id);
  act::BuildState state = WaitFinished(restarted, request, *again);
  EXPECT_EQ(state.phase, act::BuildPhase::kSucceeded);
  EXPECT_EQ(state.output_tail, "built");
  EXPECT_EQ(support::ReadFile(count_file), "start\n");
}

TEST(CommandBuilder, TailOfFileKeepsOnlyTheLastLines) {
  support::TempDir dir("tail");
  const auto file = dir.path() / "log";
  ASSERT_TRUE(support::WriteFile(file, "a\nb\nc\nd\n"));
  EXPECT_EQ(act::TailOfFile(file, 2), "c\nd");
  EXPECT_EQ(act::TailOfFile(file, 10), "a\nb\nc\nd");
  EXPECT_EQ(act::TailOfFile(dir.path() / "missing", 3), "");
}

}  // namespace
}  // namespace spaceport::build_testing
