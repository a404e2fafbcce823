// GithubActionsBuilder and GithubClient over real HTTP against the GitHub emulator
// (tests/emulators/github): a dispatched run really executes its workflow's command — here a
// buildah build pushed to a real registry — so a githubActions build ends with a real image.
// Also: the 204 fallback of servers that ignore return_run_details, finding a run again after a
// restart, a failing workflow, errors with their reasons, and a spent rate limit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "act/build_github.h"
#include "base/json.h"
#include "clients/github/github_error.h"
#include "emulators/github/github_emulator.h"
#include "support/process.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"

namespace spaceport::build_testing {
namespace {

using ::testing::HasSubstr;
namespace emu = github_emulator;

constexpr const char* kToken = "ghp_emulatorTokenForBuildTests0001";

// An older GitHub (or GitHub Enterprise) that does not know return_run_details: the dispatch
// body loses the field, so the emulator answers 204 as such a server would.
class WithoutRunDetails final : public http::Transport {
 public:
  explicit WithoutRunDetails(http::Transport& inner) : inner_(inner) {}
  Result<http::Response> Send(const http::Request& request) override {
    if (request.method != "POST" || request.url.find("/dispatches") == std::string::npos) {
      return inner_.Send(request);
    }
    http::Request changed = request;
    auto body = Json::Parse(request.body);
    if (body.ok()) {
      body->Erase("return_run_details");
      changed.body = body->Dump();
    }
    return inner_.Send(changed);
  }

 private:
  http::Transport& inner_;
};

emu::WorkflowConfig Workflow(std::string file, std::vector<std::string> command) {
  emu::WorkflowConfig w;
  w.repository = "alice/app";
  w.file = std::move(file);
  w.inputs = {{"version", true, ""}, {"image", false, ""}, {"build_id", true, ""}};
  w.run_name = "build ${{ inputs.version }} (${{ inputs.build_id }})";
  w.command = std::move(command);
  return w;
}

act::BuildRequest Request(std::string workflow, std::string repository, std::string build_id) {
  act::BuildRequest request;
  request.repository = std::move(repository);
  request.version = "v1.0.0";
  request.build_id = std::move(build_id);
  request.spec.github_actions = spec::GithubActionsBuild{
      "alice/app", std::move(workflow), "main",
      {{"version", "{{ .Version }}"}, {"image", "{{ .Image }}"}, {"build_id", "{{ .BuildID }}"}},
      {}};
  return request;
}

struct Emulated {
  emu::GithubEmulator emulator;
  std::unique_ptr<http::Transport> wire = http::MakeTransport({});
  std::shared_ptr<github::RateBudget> budget;
  std::unique_ptr<github::GithubClient> client;

  explicit Emulated(emu::Options options, http::Transport* through = nullptr)
      : emulator(std::move(options), RealClock::Instance()) {
    Status listening = emulator.Listen();
    EXPECT_TRUE(listening.ok()) << listening.ToString();
    github::GithubConfig config;
    config.api_url = emulator.base_url();
    config.token = github::GithubToken{kToken, "GITHUB_TOKEN"};
    budget = std::make_shared<github::RateBudget>(RealClock::Instance());
    auto created = github::GithubClient::Create(config, through ? *through : *wire,
                                                RealClock::Instance(), budget);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    client = std::move(*created);
  }
};

emu::Options BaseOptions() {
  emu::Options options;
  options.tokens.push_back({kToken, "alice"});
  return options;
}

act::GithubActionsBuilderOptions QuickBackoff() {
  act::GithubActionsBuilderOptions options;
  options.find_backoff = {std::chrono::milliseconds(100), std::chrono::milliseconds(200),
                          std::chrono::milliseconds(400), std::chrono::milliseconds(800)};
  return options;
}

act::BuildState WaitFinished(act::Builder& builder, const act::BuildRequest& request,
                             const act::BuildHandle& handle) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  act::BuildState state;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto polled = builder.Poll(request, handle);
    EXPECT_TRUE(polled.ok()) << polled.status().ToString();
    if (!polled.ok()) break;
    state = *polled;
  } while (!state.finished() && std::chrono::steady_clock::now() < deadline);
  return state;
}

TEST(GithubActionsAgainstEmulator, ADispatchedRunBuildsAndPushesARealImageToARealRegistry) {
  ASSERT_TRUE(support::RequireExecutable("buildah").ok()) << "run scripts/setup";
  ASSERT_TRUE(support::RequireExecutable("skopeo").ok()) << "run scripts/setup";
  auto registry = support::RegistryProcess::Start({});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  support::TempDir work("build-gh-emulator");
  ASSERT_TRUE(support::WriteFile(work.path() / "ctx" / "Dockerfile",
                                 "FROM scratch\nLABEL built.by=github-emulator\n"));
  const std::string buildah = "buildah --root " + (work.path() / "root").string() +
                              " --runroot " + (work.path() / "run").string() +
                              " --storage-driver vfs";
  emu::Options options = BaseOptions();
  options.workflows.push_back(Workflow(
      "docker.yml",
      {"/bin/sh", "-c",
       buildah + " bud --isolation chroot -t localhost/gh:latest " + (work.path() / "ctx").string() +
           " && " + buildah +
           " push --tls-verify=false localhost/gh:latest \"docker://$INPUT_IMAGE\""}));
  Emulated gh(std::move(options));
  act::GithubActionsBuilder builder(*gh.client, RealClock::Instance(), QuickBackoff());

  auto request = Request("docker.yml", (*registry)->host() + "/owner/gh-built", "sp-e2e000000001");
  auto handle = builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_FALSE(handle->id.empty());  // from the 200 answer's run details
  EXPECT_EQ(handle->url, gh.emulator.base_url() + "/alice/app/actions/runs/" + handle->id);

  act::BuildState state = WaitFinished(builder, request, *handle);
  ASSERT_EQ(state.phase, act::BuildPhase::kSucceeded) << state.message;
  EXPECT_EQ(state.url, handle->url);

  support::CommandResult inspect = support::RunCommand(
      {"skopeo", "inspect", "--tls-verify=false", "docker://" + request.Image()});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  auto doc = Json::Parse(inspect.output);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->Find("Labels")->GetString("built.by"), "github-emulator");
}

TEST(GithubActionsAgainstEmulator, A204ServerIsFollowedByTheRunShowingTheBuildIdAndFoundAfterRestart) {
  emu::Options options = BaseOptions();
  options.workflows.push_back(Workflow("docker.yml", {"/bin/sh", "-c", "sleep 1"}));
  std::unique_ptr<http::Transport> real = http::MakeTransport({});
  WithoutRunDetails old_server(*real);
  Emulated gh(std::move(options), &old_server);
  act::GithubActionsBuilder builder(*gh.client, RealClock::Instance(), QuickBackoff());

  // Another build's run of the same workflow is there first; it must never be taken for ours.
  auto other = Request("docker.yml", "ghcr.io/alice/app", "sp-0th3r0000000");
  auto other_handle = builder.Start(other);
  ASSERT_TRUE(other_handle.ok()) << other_handle.status().ToString();

  auto request = Request("docker.yml", "ghcr.io/alice/app", "sp-m1ne00000000");
  auto handle = builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  ASSERT_FALSE(handle->id.empty());
  EXPECT_NE(handle->id, other_handle->id);
  auto run = gh.client->GetWorkflowRun("alice", "app", std::stoll(handle->id));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->display_title, "build v1.0.0 (sp-m1ne00000000)");

  // A restarted Spaceport: a new builder finds the same run, and Start does not dispatch again.
  act::GithubActionsBuilder restarted(*gh.client, RealClock::Instance(), QuickBackoff());
  auto found = restarted.Find(request);
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  EXPECT_EQ((*found)->id, handle->id);
  auto again = restarted.Start(request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, handle->id);
  github::RunFilters filters;
  filters.event = "workflow_dispatch";
  auto runs = gh.client->ListWorkflowRuns("alice", "app", "docker.yml", filters);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->size(), 2u);  // ours and the other build's, nothing more

  EXPECT_EQ(WaitFinished(restarted, request, *again).phase, act::BuildPhase::kSucceeded);
}

TEST(GithubActionsAgainstEmulator, AFailingWorkflowIsAFailedBuildWithItsRunLink) {
  emu::Options options = BaseOptions();
  options.workflows.push_back(Workflow("broken.yml", {"/bin/sh", "-c", "echo no; exit 1"}));
  Emulated gh(std::move(options));
  act::GithubActionsBuilder builder(*gh.client, RealClock::Instance(), QuickBackoff());
  auto request = Request("broken.yml", "ghcr.io/alice/app", "sp-fa11ed000000");
  auto handle = builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state = WaitFinished(builder, request, *handle);
  EXPECT_EQ(state.phase, act::BuildPhase::kFailed);
  EXPECT_THAT(state.message, HasSubstr("failure"));
  EXPECT_THAT(state.url, HasSubstr("/alice/app/actions/runs/" + handle->id));
}

TEST(GithubActionsAgainstEmulator, EmulatorErrorsBecomeStatusesWithReasons) {
  emu::Options options = BaseOptions();
  options.workflows.push_back(Workflow("docker.yml", {}));
  Emulated gh(std::move(options));
  struct Case {
    std::string name, workflow, ref;
    github::WorkflowInputs inputs;
    StatusCode code;
    std::string text;
  };
  const Case cases[] = {
      {"an unknown workflow is NotFound", "missing.yml", "main", {}, StatusCode::kNotFound,
       "404"},
      {"an unknown ref is InvalidArgument", "docker.yml", "nope",
       {{"version", "v"}, {"build_id", "b"}}, StatusCode::kInvalidArgument, "No ref found"},
      {"a missing required input is InvalidArgument", "docker.yml", "main", {{"build_id", "b"}},
       StatusCode::kInvalidArgument, "version"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto run = gh.client->CreateWorkflowDispatch("alice", "app", c.workflow, c.ref, c.inputs);
    ASSERT_FALSE(run.ok());
    EXPECT_EQ(run.status().code(), c.code);
    EXPECT_THAT(run.status().message(), HasSubstr(c.text));
    EXPECT_EQ(github::ConditionReasonFor(run.status()), "GitHubError");
  }

  github::GithubConfig bad;
  bad.api_url = gh.emulator.base_url();
  bad.token = github::GithubToken{"ghp_wrongwrongwrongwrongwrong", "GITHUB_TOKEN"};
  auto client = github::GithubClient::Create(bad, *gh.wire, RealClock::Instance());
  ASSERT_TRUE(client.ok());
  auto denied = (*client)->GetWorkflowRun("alice", "app", 1);
  EXPECT_EQ(denied.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(github::ConditionReasonFor(denied.status()), "AuthFailed");
  EXPECT_THAT(denied.status().message(), ::testing::Not(HasSubstr("ghp_wrong")));
}

TEST(GithubActionsAgainstEmulator, ASpentRateLimitPausesTheClientWhichThenRefusesWithoutSending) {
  emu::Options options = BaseOptions();
  options.workflows.push_back(Workflow("docker.yml", {}));
  options.rate_limit = 2;
  Emulated gh(std::move(options));
  EXPECT_TRUE(gh.client->ListWorkflowRuns("alice", "app", "docker.yml").ok());
  // The second answer says nothing remains until the hour's reset: the budget stops there.
  EXPECT_TRUE(gh.client->ListWorkflowRuns("alice", "app", "docker.yml").ok());
  EXPECT_EQ(gh.budget->stats().remaining, 0);
  const int64_t admitted = gh.budget->stats().admitted;
  auto refused = gh.client->ListWorkflowRuns("alice", "app", "docker.yml");
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(github::ConditionReasonFor(refused.status()), "RateLimited");
  EXPECT_TRUE(gh.budget->PauseRemaining().has_value());
  EXPECT_EQ(gh.budget->stats().admitted, admitted);  // not sent at all
  EXPECT_EQ(gh.budget->stats().refusals, 1);
}

}  // namespace
}  // namespace spaceport::build_testing
