// The runtime stage machine seen through the API, on a FakeClock: what each trigger does.
// Build time is 10 s and start time 5 s (testing::DefaultOptions).
#include <gtest/gtest.h>

#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using std::chrono::seconds;
using testing::HubFixture;

constexpr char kImage[] = "ghcr.io/acme/app:v1";
constexpr char kDockerfile[] = "FROM ghcr.io/acme/app:v1\nENV PORT=7860\n";

class Stages : public ::testing::Test {
 protected:
  void SetUp() override {
    hub.registry->Add(kImage);
    hub.CreateSpace("alice/demo");
  }
  // Commits the Dockerfile and lets the build finish: RUNNING at +15 s.
  void DeployAndRun() {
    ASSERT_EQ(hub.Commit("alice/demo", {{"Dockerfile", kDockerfile}}).status(), 200);
    hub.Settle(seconds(15));
    ASSERT_EQ(hub.Stage("alice/demo"), "RUNNING");
  }
  HubFixture hub;
};

TEST_F(Stages, ANewDockerSpaceHasNoAppFileAndNoCurrentHardware) {
  const Json rt = hub.Runtime("alice/demo");
  EXPECT_EQ(rt.GetString("stage"), "NO_APP_FILE");
  EXPECT_TRUE(rt.Find("hardware")->Find("current")->is_null());
  EXPECT_EQ(rt.Find("hardware")->GetString("requested"), "cpu-basic");
  EXPECT_EQ(rt.Find("gcTimeout")->AsInt(), 172800);
}

TEST_F(Stages, ACommittedDockerfileBuildsStartsAndRunsOnTheClock) {
  const std::string sha = hub.Commit("alice/demo", {{"Dockerfile", kDockerfile}}).json().GetString("commitOid");
  EXPECT_EQ(hub.Stage("alice/demo"), "BUILDING");
  hub.Settle(seconds(9));
  EXPECT_EQ(hub.Stage("alice/demo"), "BUILDING");
  hub.Settle(seconds(1));
  Json rt = hub.Runtime("alice/demo");
  EXPECT_EQ(rt.GetString("stage"), "APP_STARTING");
  EXPECT_EQ(rt.Find("hardware")->GetString("current"), "cpu-basic");
  hub.Settle(seconds(5));
  rt = hub.Runtime("alice/demo");
  EXPECT_EQ(rt.GetString("stage"), "RUNNING");
  EXPECT_EQ(rt.GetString("sha"), sha);
  EXPECT_EQ(rt.Find("replicas")->Find("current")->AsInt(), 1);
  EXPECT_EQ(hub.registry->Checked(), std::vector<std::string>{kImage});
}

TEST_F(Stages, AMissingBaseImageEndsInBuildErrorWithALogLine) {
  hub.Commit("alice/demo", {{"Dockerfile", "FROM ghcr.io/acme/app:v404\n"}});
  hub.Settle(seconds(10));
  const Json rt = hub.Runtime("alice/demo");
  EXPECT_EQ(rt.GetString("stage"), "BUILD_ERROR");
  EXPECT_EQ(rt.GetString("errorMessage"), "Build failed with exit code: 1");
  const std::string log = hub.Get("/api/spaces/alice/demo/logs/build").body();
  EXPECT_NE(log.find("failed to solve: ghcr.io/acme/app:v404: not found"), std::string::npos) << log;
}

TEST_F(Stages, ADockerfileWithoutFromFailsTheBuildWithoutAskingTheRegistry) {
  hub.Commit("alice/demo", {{"Dockerfile", "RUN true\n"}});
  hub.Settle(seconds(10));
  EXPECT_EQ(hub.Stage("alice/demo"), "BUILD_ERROR");
  EXPECT_TRUE(hub.registry->Checked().empty());
}

TEST_F(Stages, ABuildWaitsForItsImageCheckBeyondTheBuildTime) {
  hub.registry->Hold();
  hub.Commit("alice/demo", {{"Dockerfile", kDockerfile}});
  hub.clock.Advance(seconds(60));
  EXPECT_EQ(hub.Stage("alice/demo"), "BUILDING");
  hub.registry->Release();
  hub.Settle(seconds(0));
  EXPECT_EQ(hub.Stage("alice/demo"), "APP_STARTING") << "starts when the check reports, at +60 s";
  hub.Settle(seconds(5));
  EXPECT_EQ(hub.Stage("alice/demo"), "RUNNING");
}

TEST_F(Stages, AReadmeWithoutSdkOrWithInvalidYamlIsAConfigError) {
  hub.Commit("alice/demo", {{"README.md", "# no front matter\n"}, {"Dockerfile", kDockerfile}});
  Json rt = hub.Runtime("alice/demo");
  EXPECT_EQ(rt.GetString("stage"), "CONFIG_ERROR");
  EXPECT_EQ(rt.GetString("errorMessage"), "Missing configuration in README");
  hub.Commit("alice/demo", {{"README.md", "---\nsdk: [docker\n---\n"}});
  EXPECT_EQ(hub.Stage("alice/demo"), "CONFIG_ERROR");
  hub.Commit("alice/demo", {{"README.md", "---\nsdk: docker\n---\n"}});
  EXPECT_EQ(hub.Stage("alice/demo"), "BUILDING");
}

TEST_F(Stages, AStaticSpaceRunsAtOnceWithoutHardware) {
  hub.CreateSpace("alice/site", "static");
  const Json rt = hub.Runtime("alice/site");
  EXPECT_EQ(rt.GetString("stage"), "RUNNING");
  EXPECT_TRUE(rt.Find("hardware")->Find("requested")->is_null());
  EXPECT_EQ(rt.Find("gcTimeout"), nullptr);
  EXPECT_EQ(hub.Post("/api/spaces/alice/site/pause", "").status(), 400);
}

TEST_F(Stages, VariableSecretAndHardwareWritesRestartARunningSpace) {
  DeployAndRun();
  struct Write {
    const char* what;
    const char* path;
    const char* body;
  };
  for (const Write& w : {Write{"variable", "/api/spaces/alice/demo/variables", R"({"key":"A","value":"1"})"},
                         Write{"same variable again", "/api/spaces/alice/demo/variables", R"({"key":"A","value":"1"})"},
                         Write{"secret", "/api/spaces/alice/demo/secrets", R"({"key":"S","value":"s"})"},
                         Write{"hardware", "/api/spaces/alice/demo/hardware", R"({"flavor":"cpu-upgrade"})"}}) {
    ASSERT_EQ(hub.Post(w.path, w.body).status(), 200) << w.what;
    EXPECT_EQ(hub.Stage("alice/demo"), "BUILDING") << w.what;
    hub.Settle(seconds(15));
    EXPECT_EQ(hub.Stage("alice/demo"), "RUNNING") << w.what;
  }
  EXPECT_EQ(hub.Runtime("alice/demo").Find("hardware")->GetString("current"), "cpu-upgrade");
}

TEST_F(Stages, DeletingAMissingKeyAndChangingSleepTimeDoNotRestart) {
  DeployAndRun();
  EXPECT_EQ(hub.Delete("/api/spaces/alice/demo/variables", R"({"key":"NOPE"})").status(), 200);
  EXPECT_EQ(hub.Delete("/api/spaces/alice/demo/secrets", R"({"key":"NOPE"})").status(), 200);
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/sleeptime", R"({"seconds":3600})").status(), 200);
  EXPECT_EQ(hub.Stage("alice/demo"), "RUNNING");
}

TEST_F(Stages, AHardwareChangeIsRequestedAtOnceAndCurrentWhenTheAppStarts) {
  DeployAndRun();
  const Json rt = hub.Post("/api/spaces/alice/demo/hardware", R"({"flavor":"t4-small","sleepTimeSeconds":600})").json();
  EXPECT_EQ(rt.Find("hardware")->GetString("requested"), "t4-small");
  EXPECT_TRUE(rt.Find("hardware")->Find("current")->is_null());
  EXPECT_EQ(rt.Find("gcTimeout")->AsInt(), 600);
  hub.Settle(seconds(10));
  EXPECT_EQ(hub.Runtime("alice/demo").Find("hardware")->GetString("current"), "t4-small");
}

TEST_F(Stages, PauseHoldsUntilRestartEvenThroughCommitsAndSettings) {
  DeployAndRun();
  const Json paused = hub.Post("/api/spaces/alice/demo/pause", "").json();
  EXPECT_EQ(paused.GetString("stage"), "PAUSED");
  EXPECT_TRUE(paused.Find("hardware")->Find("current")->is_null());
  EXPECT_EQ(paused.Find("hardware")->GetString("requested"), "cpu-basic");
  hub.Commit("alice/demo", {{"a.txt", "a"}});
  hub.Post("/api/spaces/alice/demo/variables", R"({"key":"A","value":"1"})");
  hub.Settle(seconds(60));
  EXPECT_EQ(hub.Stage("alice/demo"), "PAUSED");
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/restart", "").json().GetString("stage"), "BUILDING");
  hub.Settle(seconds(15));
  const Json rt = hub.Runtime("alice/demo");
  EXPECT_EQ(rt.GetString("stage"), "RUNNING");
  EXPECT_EQ(rt.GetString("sha"), hub.Head("alice/demo")) << "the restart built the newest commit";
}

TEST_F(Stages, SpaceVariablesAreBuildArgumentsForTheFromLine) {
  hub.registry->Add("ghcr.io/acme/app:v2");
  hub.Post("/api/spaces/alice/demo/variables", R"({"key":"BASE","value":"ghcr.io/acme/app:v2"})");
  hub.Commit("alice/demo", {{"Dockerfile", "ARG BASE=ghcr.io/acme/app:v404\nFROM ${BASE}\n"}});
  hub.Settle(seconds(15));
  EXPECT_EQ(hub.Stage("alice/demo"), "RUNNING");
  EXPECT_EQ(hub.registry->Checked().back(), "ghcr.io/acme/app:v2");
}

TEST_F(Stages, RollingStagesReportRunningBuildingWhileTheOldAppServes) {
  Options options = testing::DefaultOptions();
  options.rolling_stages = true;
  HubFixture rolling(options);
  rolling.registry->Add(kImage);
  rolling.CreateSpace("alice/demo");
  rolling.Commit("alice/demo", {{"Dockerfile", kDockerfile}});
  EXPECT_EQ(rolling.Stage("alice/demo"), "BUILDING");
  rolling.Settle(seconds(15));
  rolling.Commit("alice/demo", {{"a.txt", "a"}});
  EXPECT_EQ(rolling.Stage("alice/demo"), "RUNNING_BUILDING");
  rolling.Settle(seconds(10));
  EXPECT_EQ(rolling.Stage("alice/demo"), "RUNNING_APP_STARTING");
  rolling.Settle(seconds(5));
  EXPECT_EQ(rolling.Stage("alice/demo"), "RUNNING");
}

TEST_F(Stages, RuntimeNeedsATokenAndVisibility) {
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/runtime", "").status(), 401);
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/runtime", testing::kBob).status(), 200) << "public Space";
  EXPECT_EQ(hub.Get("/api/spaces/alice/nope/runtime").status(), 404);
}

}  // namespace
}  // namespace spaceport::hub_emulator
