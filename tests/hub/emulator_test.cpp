// HubClient against the Hub emulator (tests/emulators/hub, docs/hub-emulator.md): in process on
// a FakeClock, so stage changes happen exactly when the test moves time, and once over real
// loopback HTTP through the cpprestsdk transport.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "clients/hub/hub_client.h"
#include "clients/hub/hub_error.h"
#include "emulators/hub/hub_emulator.h"
#include "emulators/hub/image_probe.h"
#include "http/query.h"
#include "support/in_process_transport.h"

namespace spaceport::hub {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using std::chrono::seconds;

constexpr char kAlice[] = "hf_alice_emulator_token";
constexpr char kBob[] = "hf_bob_emulator_token";
constexpr char kImage[] = "ghcr.io/acme/app:v1";
constexpr char kDockerfile[] = "FROM ghcr.io/acme/app:v1\nENV PORT=7860\n";
constexpr char kReadme[] = "---\ntitle: Demo\nsdk: docker\napp_port: 7860\n---\n";

// Images that "exist" for the emulator's builds; no registry needed.
class SetProbe final : public hub_emulator::ImageProbe {
 public:
  explicit SetProbe(std::set<std::string> present) : present_(std::move(present)) {}
  hub_emulator::ProbeResult Check(const hub_emulator::ImageRef& ref) override {
    const std::string name = ref.ToString();
    if (present_.count(name)) return {true, name + ": found"};
    return {false, name + ": not found"};
  }

 private:
  std::set<std::string> present_;
};

hub_emulator::Options EmulatorOptions() {
  hub_emulator::Options o;
  o.tokens = {{kAlice, "alice", {"acme"}, "write", "ci"}, {kBob, "bob", {}, "write", ""}};
  o.build_time = seconds(10);
  o.start_time = seconds(5);
  o.base_url = "http://127.0.0.1";
  return o;
}

class HubClientOnEmulator : public ::testing::Test {
 protected:
  explicit HubClientOnEmulator(hub_emulator::Options options = EmulatorOptions())
      : emulator_(std::move(options), clock_,
                  std::make_unique<SetProbe>(std::set<std::string>{kImage})),
        transport_([this](const http::Server::IncomingRequest& in) { return emulator_.Handle(in); }),
        budget_(std::make_shared<HostBudget>(clock_)) {}

  std::unique_ptr<HubClient> ClientFor(const std::string& token) {
    HubConfig config;
    config.endpoint = "http://127.0.0.1";
    config.token = HubToken{token, "test token"};
    auto client = HubClient::Create(config, transport_, clock_, budget_);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return std::move(*client);
  }

  // Lets the emulator's image checks report, then moves time.
  void Settle(Clock::Duration d) {
    emulator_.WaitForBuildChecks();
    clock_.Advance(d);
  }

  std::string CreateAndDeploy(HubClient& client, const std::string& id) {
    auto created = client.CreateSpace({.id = id});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    auto info = client.GetSpaceInfo(id);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    CommitRequest commit;
    commit.summary = "Deploy v1";
    commit.parent_commit = info->sha.value_or("");
    commit.files = {{"Dockerfile", kDockerfile}, {"README.md", kReadme}};
    auto done = client.Commit(id, commit);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return done.ok() ? done->commit_id : "";
  }

  FakeClock clock_;
  hub_emulator::HubEmulator emulator_;
  support::InProcessTransport transport_;
  std::shared_ptr<HostBudget> budget_;
};

TEST_F(HubClientOnEmulator, WhoAmINamesTheUserTheirOrgsAndTheToken) {
  auto me = ClientFor(kAlice)->WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ(me->name, "alice");
  EXPECT_THAT(me->orgs, Contains("acme"));
  EXPECT_EQ(me->token_role, "write");
  EXPECT_EQ(me->token_name, "ci");
}

TEST_F(HubClientOnEmulator, ANewSpaceExistsOnceAndHasNoAppFileUntilADockerfileArrives) {
  auto client = ClientFor(kAlice);
  auto created = client->CreateSpace({.id = "alice/demo"});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_FALSE(created->already_existed);
  EXPECT_EQ(created->url, "http://127.0.0.1/spaces/alice/demo");
  auto again = client->CreateSpace({.id = "alice/demo"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_existed);

  auto info = client->GetSpaceInfo("alice/demo");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_TRUE(info->sha.has_value());
  EXPECT_EQ(info->sha->size(), 40u);
  EXPECT_EQ(info->sdk, "docker");
  ASSERT_TRUE(info->runtime.has_value());
  EXPECT_EQ(info->runtime->stage, "NO_APP_FILE");
  EXPECT_FALSE(info->runtime->hardware_current.has_value());
  ASSERT_TRUE(info->siblings.has_value());
  EXPECT_TRUE(info->subdomain.has_value());
}

TEST_F(HubClientOnEmulator, ACommitOnTheObservedShaBuildsStartsAndRuns) {
  auto client = ClientFor(kAlice);
  const std::string commit = CreateAndDeploy(*client, "alice/demo");
  ASSERT_EQ(commit.size(), 40u);

  auto info = client->GetSpaceInfo("alice/demo");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sha, commit);
  EXPECT_EQ(info->card_data.GetString("sdk"), "docker");
  EXPECT_EQ(info->runtime->stage, "BUILDING");

  Settle(seconds(10));
  auto starting = client->GetSpaceRuntime("alice/demo");
  ASSERT_TRUE(starting.ok());
  EXPECT_EQ(starting->stage, "APP_STARTING");
  EXPECT_EQ(starting->hardware_current, "cpu-basic");
  Settle(seconds(5));
  auto running = client->GetSpaceRuntime("alice/demo");
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->stage, "RUNNING");
  EXPECT_EQ(running->sha, commit);
}

TEST_F(HubClientOnEmulator, ACommitOnAStaleShaIsAConflictAndChangesNothing) {
  auto client = ClientFor(kAlice);
  const std::string first = CreateAndDeploy(*client, "alice/demo");
  auto before = client->GetSpaceInfo("alice/demo");
  ASSERT_TRUE(before.ok());
  // Someone else commits in between.
  ASSERT_TRUE(emulator_
                  .Control("POST", "/__emulator/spaces/alice/demo/commit",
                           R"({"files":{"Dockerfile":"FROM elsewhere\n"}})")
                  .ok());
  CommitRequest stale;
  stale.summary = "Deploy v2";
  stale.parent_commit = *before->sha;
  stale.files = {{"Dockerfile", "FROM ghcr.io/acme/app:v2\n"}};
  auto result = client->Commit("alice/demo", stale);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kConflict);
  EXPECT_EQ(ConditionReasonFor(result.status()), reason::kConflict);
  EXPECT_THAT(result.status().message(), HasSubstr("observe again"));
  auto file = client->DownloadFile("alice/demo", "main", "Dockerfile");
  ASSERT_TRUE(file.ok() && file->has_value());
  EXPECT_EQ((*file)->content, "FROM elsewhere\n");
  EXPECT_NE((*file)->commit, first);
}

TEST_F(HubClientOnEmulator, FilesDownloadWithTheirCommitAndMissingOnesAreAbsent) {
  auto client = ClientFor(kAlice);
  const std::string commit = CreateAndDeploy(*client, "alice/demo");
  auto file = client->DownloadFile("alice/demo", "main", "Dockerfile");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE(file->has_value());
  EXPECT_EQ((*file)->content, kDockerfile);
  EXPECT_EQ((*file)->commit, commit);
  EXPECT_EQ((*file)->etag.size(), 40u);  // git blob sha1

  auto missing = client->DownloadFile("alice/demo", "main", "nope.txt");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->has_value());
  auto no_space = client->DownloadFile("alice/ghost", "main", "Dockerfile");
  EXPECT_EQ(no_space.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(client->GetSpaceInfo("alice/ghost").status().code(), StatusCode::kNotFound);
}

TEST_F(HubClientOnEmulator, VariablesAndSecretsRoundTripAndSecretValuesNeverComeBack) {
  auto client = ClientFor(kAlice);
  ASSERT_TRUE(client->CreateSpace({.id = "alice/demo"}).ok());

  auto vars = client->SetVariable("alice/demo", "LOG_LEVEL", "info", "how loud");
  ASSERT_TRUE(vars.ok()) << vars.status().ToString();
  EXPECT_EQ(vars->at("LOG_LEVEL").value, "info");
  auto listed = client->GetVariables("alice/demo");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->at("LOG_LEVEL").description, "how loud");
  auto after = client->DeleteVariable("alice/demo", "LOG_LEVEL");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->count("LOG_LEVEL"), 0u);
  EXPECT_TRUE(client->DeleteVariable("alice/demo", "NEVER_SET").ok());

  ASSERT_TRUE(client->SetSecret("alice/demo", "API_KEY", "s3cret-value", "fp:ab12").ok());
  auto secrets = client->GetSecrets("alice/demo");
  ASSERT_TRUE(secrets.ok()) << secrets.status().ToString();
  ASSERT_EQ(secrets->count("API_KEY"), 1u);
  EXPECT_EQ(secrets->at("API_KEY").description, "fp:ab12");
  ASSERT_TRUE(client->DeleteSecret("alice/demo", "API_KEY").ok());
  EXPECT_EQ(client->GetSecrets("alice/demo")->count("API_KEY"), 0u);
  EXPECT_TRUE(client->DeleteSecret("alice/demo", "NEVER_SET").ok());
}

TEST_F(HubClientOnEmulator, HardwareSleepTimePauseAndRestartChangeTheRuntime) {
  auto client = ClientFor(kAlice);
  CreateAndDeploy(*client, "alice/demo");
  Settle(seconds(15));

  auto upgraded = client->RequestHardware("alice/demo", {"cpu-upgrade", 3600});
  ASSERT_TRUE(upgraded.ok()) << upgraded.status().ToString();
  EXPECT_EQ(upgraded->hardware_requested, "cpu-upgrade");
  auto slept = client->SetSleepTime("alice/demo", 7200);
  ASSERT_TRUE(slept.ok()) << slept.status().ToString();
  EXPECT_EQ(slept->sleep_time_seconds, 7200);

  auto paused = client->Pause("alice/demo");
  ASSERT_TRUE(paused.ok()) << paused.status().ToString();
  EXPECT_EQ(paused->stage, "PAUSED");
  EXPECT_FALSE(paused->hardware_current.has_value());
  Settle(seconds(60));
  EXPECT_EQ(client->GetSpaceRuntime("alice/demo")->stage, "PAUSED");

  auto restarted = client->Restart("alice/demo", /*factory=*/true);
  ASSERT_TRUE(restarted.ok()) << restarted.status().ToString();
  EXPECT_EQ(restarted->stage, "BUILDING");
  Settle(seconds(15));
  auto running = client->GetSpaceRuntime("alice/demo");
  EXPECT_EQ(running->stage, "RUNNING");
  EXPECT_EQ(running->hardware_current, "cpu-upgrade");
}

TEST_F(HubClientOnEmulator, AMissingBaseImageIsABuildErrorWhoseLogTailSaysWhy) {
  auto client = ClientFor(kAlice);
  ASSERT_TRUE(client->CreateSpace({.id = "alice/demo"}).ok());
  CommitRequest commit;
  commit.summary = "Deploy v404";
  commit.files = {{"Dockerfile", "FROM ghcr.io/acme/app:v404\n"}};
  ASSERT_TRUE(client->Commit("alice/demo", commit).ok());
  Settle(seconds(10));
  auto rt = client->GetSpaceRuntime("alice/demo");
  ASSERT_TRUE(rt.ok());
  EXPECT_EQ(rt->stage, "BUILD_ERROR");
  EXPECT_TRUE(IsErrorStage(rt->stage));
  EXPECT_TRUE(rt->error_message.has_value());

  auto tail = client->TailLogs("alice/demo", LogKind::kBuild, {.max_lines = 3});
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  ASSERT_FALSE(tail->lines.empty());
  EXPECT_LE(tail->lines.size(), 3u);
  std::string all;
  for (const std::string& line : tail->lines) all += line + "\n";
  EXPECT_THAT(all, HasSubstr("ghcr.io/acme/app:v404: not found"));
}

TEST_F(HubClientOnEmulator, AuthFailuresAreAuthFailedWithoutTheToken) {
  auto stranger = ClientFor("hf_not_a_known_token_at_all_0123");
  auto me = stranger->WhoAmI();
  ASSERT_FALSE(me.ok());
  EXPECT_EQ(me.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(ConditionReasonFor(me.status()), reason::kAuthFailed);
  EXPECT_THAT(me.status().message(), Not(HasSubstr("hf_not_a_known_token")));

  auto alice = ClientFor(kAlice);
  ASSERT_TRUE(alice->CreateSpace({.id = "alice/demo"}).ok());
  auto bob = ClientFor(kBob);
  Status denied = bob->SetSecret("alice/demo", "K", "v");
  EXPECT_FALSE(denied.ok());
  EXPECT_EQ(ConditionReasonFor(denied), reason::kAuthFailed) << denied.ToString();
}

class HubClientOnABusyEmulator : public HubClientOnEmulator {
 protected:
  static hub_emulator::Options Busy() {
    hub_emulator::Options o = EmulatorOptions();
    o.api_budget = 3;
    return o;
  }
  HubClientOnABusyEmulator() : HubClientOnEmulator(Busy()) {}
};

TEST_F(HubClientOnABusyEmulator, TheRateLimitHeaderStopsTheClientBeforeTheHubSays429) {
  auto client = ClientFor(kAlice);
  const Clock::TimePoint start = clock_.Now();
  ASSERT_TRUE(client->CreateSpace({.id = "alice/demo"}).ok());
  for (int i = 0; i < 7; ++i) {
    auto rt = client->GetSpaceRuntime("alice/demo");
    ASSERT_TRUE(rt.ok()) << i << ": " << rt.status().ToString();
  }
  // 8 requests at 3 per 300 s window: the client waited out two windows and never got a 429.
  EXPECT_EQ(budget_->stats().rate_limited, 0);
  EXPECT_GE(clock_.Now() - start, Clock::Duration(seconds(600)));
  EXPECT_EQ(budget_->stats().total, 8);
}

TEST_F(HubClientOnEmulator, AnInjected429PausesEveryClientOfTheHostForItsRetryAfter) {
  hub_emulator::FaultRule rule;
  rule.path_regex = "/runtime$";
  rule.status = 429;
  rule.count = 1;
  rule.retry_after = 45;
  ASSERT_TRUE(emulator_.AddFault(rule).ok());
  auto first = ClientFor(kAlice);
  ASSERT_TRUE(first->CreateSpace({.id = "alice/demo"}).ok());
  auto limited = first->GetSpaceRuntime("alice/demo");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ConditionReasonFor(limited.status()), reason::kRateLimited);
  EXPECT_THAT(limited.status().message(), HasSubstr("paused for 45 s"));

  const Clock::TimePoint before = clock_.Now();
  auto later = ClientFor(kAlice)->GetSpaceInfo("alice/demo");  // another client, same host
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_EQ(clock_.Now() - before, Clock::Duration(seconds(45)));
  EXPECT_EQ(budget_->stats().rate_limited, 1);
}

TEST(HubClientOverLoopback, RealHttpCarriesEveryCallShape) {
  hub_emulator::Options options = EmulatorOptions();
  options.build_time = std::chrono::milliseconds(0);
  options.start_time = std::chrono::milliseconds(0);
  hub_emulator::HubEmulator emulator(options, RealClock::Instance(),
                                     std::make_unique<SetProbe>(std::set<std::string>{kImage}));
  ASSERT_TRUE(emulator.Listen().ok());

  HubConfig config;
  config.endpoint = emulator.base_url();
  config.token = HubToken{kAlice, "test token"};
  auto created = HubClient::Create(config, RealClock::Instance());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  HubClient& client = **created;

  ASSERT_TRUE(client.WhoAmI().ok());
  ASSERT_TRUE(client.CreateSpace({.id = "alice/demo"}).ok());
  auto info = client.GetSpaceInfo("alice/demo");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  CommitRequest commit;
  commit.summary = "Deploy over loopback";
  commit.parent_commit = info->sha.value_or("");
  commit.files = {{"Dockerfile", kDockerfile}, {"README.md", kReadme}};
  auto done = client.Commit("alice/demo", commit);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto file = client.DownloadFile("alice/demo", "main", "README.md");
  ASSERT_TRUE(file.ok() && file->has_value()) << file.status().ToString();
  EXPECT_EQ((*file)->content, kReadme);
  EXPECT_EQ((*file)->commit, done->commit_id);
  ASSERT_TRUE(client.SetVariable("alice/demo", "A", "1").ok());
  ASSERT_TRUE(client.DeleteSecret("alice/demo", "NONE").ok());
  emulator.WaitForBuildChecks();
  auto logs = client.TailLogs("alice/demo", LogKind::kBuild, {.max_lines = 5});
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  EXPECT_FALSE(logs->lines.empty());
  ASSERT_TRUE(client.Pause("alice/demo").ok());
  EXPECT_EQ(client.GetSpaceRuntime("alice/demo")->stage, "PAUSED");
  EXPECT_EQ(client.request_counts().total, client.budget().stats().total);
  emulator.Stop();
}

}  // namespace
}  // namespace spaceport::hub

namespace spaceport::hub {
namespace {

class ListSpacesOnEmulator : public HubClientOnEmulator {
 protected:
  static hub_emulator::Options SmallPages() {
    hub_emulator::Options o = EmulatorOptions();
    o.page_size = 2;  // three pages for five Spaces
    return o;
  }
  ListSpacesOnEmulator() : HubClientOnEmulator(SmallPages()) {}
};

TEST_F(ListSpacesOnEmulator, AllOfAnOwnersSpacesComeBackAcrossPagesWithShaAndRuntimeAndNoOneElses) {
  auto alice = ClientFor(kAlice);
  std::map<std::string, std::string> commits;
  for (int i = 0; i < 5; ++i) {
    const std::string id = "acme/list-" + std::to_string(i);
    commits[id] = CreateAndDeploy(*alice, id);
  }
  ASSERT_TRUE(alice->CreateSpace({.id = "alice/other"}).ok());
  const int64_t before = alice->requests_sent();
  auto listed = alice->ListSpaces("acme");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(alice->requests_sent() - before, 3);  // pages of 2, 2 and 1
  ASSERT_EQ(listed->size(), 5u);
  for (const SpaceInfo& info : *listed) {
    ASSERT_TRUE(commits.count(info.id)) << info.id;
    EXPECT_EQ(info.sha.value_or(""), commits[info.id]);
    ASSERT_TRUE(info.runtime.has_value()) << info.id;
    EXPECT_FALSE(info.runtime->stage.empty());
  }
}

TEST_F(ListSpacesOnEmulator, PrivateSpacesAreListedOnlyForTheirOwnersMembers) {
  auto alice = ClientFor(kAlice);
  ASSERT_TRUE(alice->CreateSpace({.id = "acme/secret", .is_private = true}).ok());
  ASSERT_TRUE(alice->CreateSpace({.id = "acme/open"}).ok());
  auto as_alice = alice->ListSpaces("acme");
  auto as_bob = ClientFor(kBob)->ListSpaces("acme");
  ASSERT_TRUE(as_alice.ok() && as_bob.ok());
  EXPECT_EQ(as_alice->size(), 2u);
  ASSERT_EQ(as_bob->size(), 1u);
  EXPECT_EQ((*as_bob)[0].id, "acme/open");
  EXPECT_EQ(alice->ListSpaces("acme/open").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace spaceport::hub
