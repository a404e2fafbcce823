// The control API: statistics, out-of-band edits (what later drift tests use), the clock and
// the emulated app endpoint.
#include <gtest/gtest.h>

#include "base/digest.h"
#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using std::chrono::seconds;
using testing::HubFixture;

class Control : public ::testing::Test {
 protected:
  void SetUp() override {
    hub.registry->Add("ghcr.io/acme/app:v1");
    hub.registry->Add("ghcr.io/acme/app:v2");
    hub.CreateSpace("alice/demo");
    hub.Commit("alice/demo", {{"Dockerfile", "FROM ghcr.io/acme/app:v1\n"}});
    hub.Post("/api/spaces/alice/demo/variables", R"({"key":"LOG_LEVEL","value":"info"})");
    hub.Settle(seconds(15));
    ASSERT_EQ(hub.Stage("alice/demo"), "RUNNING");
  }
  Json Do(const std::string& method, const std::string& path, const std::string& body = "") {
    Result<Json> r = hub.hub->Control(method, path, body);
    EXPECT_TRUE(r.ok()) << method << " " << path << ": " << r.status().ToString();
    return r.ok() ? *r : Json();
  }
  HubFixture hub;
};

TEST_F(Control, StatsCountRequestsByRouteAndRepoAndResetClearsThem) {
  Do("POST", "/__emulator/stats/reset");
  hub.Get("/api/spaces/alice/demo/revision/HEAD?expand=runtime");
  hub.Get("/api/spaces/alice/demo/variables");
  hub.Get("/api/spaces/alice/demo/secrets");
  hub.Get("/spaces/alice/demo/resolve/main/Dockerfile");
  hub.Get("/api/not/a/route/anywhere");
  const Json requests = *Do("GET", "/__emulator/stats").Find("requests");
  EXPECT_EQ(requests.Find("total")->AsInt(), 5);
  EXPECT_EQ(requests.Find("by_route")->Dump(),
            R"js({"GET (no route)":1,"GET /api/spaces/{ns}/{name}/revision/{rev}":1,)js"
            R"js("GET /api/spaces/{ns}/{name}/secrets":1,"GET /api/spaces/{ns}/{name}/variables":1,)js"
            R"js("GET /spaces/{ns}/{name}/resolve/{rev}/{path*}":1})js");
  EXPECT_EQ(requests.Find("by_repo")->Dump(), R"({"spaces/alice/demo":4})");
}

TEST_F(Control, AnOutOfBandHardwareChangeShowsAndRestarts) {
  const Json rt = Do("POST", "/__emulator/spaces/alice/demo/hardware", R"({"flavor":"cpu-upgrade"})");
  EXPECT_EQ(rt.Find("hardware")->GetString("requested"), "cpu-upgrade");
  EXPECT_EQ(hub.Stage("alice/demo"), "BUILDING");
  EXPECT_FALSE(hub.hub->Control("POST", "/__emulator/spaces/alice/demo/hardware", R"({"flavor":"h100"})").ok());
}

TEST_F(Control, AnOutOfBandVariableDeletionShowsAndRestarts) {
  EXPECT_EQ(Do("DELETE", "/__emulator/spaces/alice/demo/variables/LOG_LEVEL").Dump(), "{}");
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/variables").body(), "{}");
  EXPECT_EQ(hub.Stage("alice/demo"), "BUILDING");
  Do("POST", "/__emulator/spaces/alice/demo/variables", R"({"key":"EXTRA","value":"1"})");
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/variables").json().Find("EXTRA")->GetString("value"), "1");
}

TEST_F(Control, AnOutOfBandCommitMovesTheShaAndRebuildsFromTheNewImage) {
  const std::string before = hub.Head("alice/demo");
  const Json commit = Do("POST", "/__emulator/spaces/alice/demo/commit",
                         R"({"summary":"hand edit","files":{"Dockerfile":"FROM ghcr.io/acme/app:v2\n"}})");
  const std::string sha = commit.GetString("commitOid");
  EXPECT_NE(sha, before);
  EXPECT_EQ(hub.Head("alice/demo"), sha);
  EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/main/Dockerfile").body(), "FROM ghcr.io/acme/app:v2\n");
  hub.Settle(seconds(15));
  EXPECT_EQ(hub.Stage("alice/demo"), "RUNNING");
  EXPECT_EQ(hub.registry->Checked().back(), "ghcr.io/acme/app:v2");
  const Json commits = hub.Get("/api/spaces/alice/demo/commits/main").json();
  EXPECT_EQ(commits.At(0).Find("authors")->At(0).GetString("user"), "alice");
  EXPECT_EQ(commits.At(0).GetString("title"), "hand edit");
}

TEST_F(Control, AnOutOfBandCommitCanDeleteFilesAndHonoursParentCommit) {
  Do("POST", "/__emulator/spaces/alice/demo/commit", R"({"deleted":["Dockerfile"]})");
  EXPECT_EQ(hub.Stage("alice/demo"), "NO_APP_FILE");
  const Result<Json> stale = hub.hub->Control("POST", "/__emulator/spaces/alice/demo/commit",
                                              R"({"parentCommit":"0000000","files":{"a":"b"}})");
  EXPECT_FALSE(stale.ok());
}

TEST_F(Control, PauseRestartAndForcedStages) {
  EXPECT_EQ(Do("POST", "/__emulator/spaces/alice/demo/pause").GetString("stage"), "PAUSED");
  EXPECT_EQ(hub.Stage("alice/demo"), "PAUSED");
  EXPECT_EQ(Do("POST", "/__emulator/spaces/alice/demo/restart").GetString("stage"), "BUILDING");
  const Json forced = Do("POST", "/__emulator/spaces/alice/demo/stage",
                         R"({"stage":"RUNTIME_ERROR","errorMessage":"Space failed to start. Exit code: 1"})");
  EXPECT_EQ(forced.GetString("stage"), "RUNTIME_ERROR");
  const Json rt = hub.Runtime("alice/demo");
  EXPECT_EQ(rt.GetString("errorMessage"), "Space failed to start. Exit code: 1");
  hub.Settle(seconds(60));
  EXPECT_EQ(hub.Stage("alice/demo"), "RUNTIME_ERROR") << "a forced stage stays until the next trigger";
}

TEST_F(Control, SpaceStateShowsEverythingButSecretValues) {
  hub.Post("/api/spaces/alice/demo/secrets", R"({"key":"API_KEY","value":"s3cr3t","description":"fp"})");
  Do("POST", "/__emulator/spaces/alice/demo/secrets", R"({"key":"OTHER","value":"hunter2"})");
  Do("POST", "/__emulator/spaces/alice/demo/sleeptime", R"({"seconds":1200})");
  const Json state = Do("GET", "/__emulator/spaces/alice/demo");
  EXPECT_EQ(state.GetString("sha"), hub.Head("alice/demo"));
  EXPECT_EQ(state.Find("files")->GetString("Dockerfile"), "FROM ghcr.io/acme/app:v1\n");
  EXPECT_EQ(state.Find("runtime")->Find("gcTimeout")->AsInt(), 1200);
  EXPECT_EQ(state.Find("secrets")->Find("API_KEY")->GetString("valueSha256"), Sha256Hex("s3cr3t"));
  EXPECT_EQ(state.Find("secrets")->Find("API_KEY")->GetString("description"), "fp");
  const std::string text = state.Dump();
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  Do("DELETE", "/__emulator/spaces/alice/demo/secrets/OTHER");
  EXPECT_EQ(Do("GET", "/__emulator/spaces/alice/demo").Find("secrets")->size(), 1u);
}

TEST_F(Control, UnknownSpacesAndEndpointsAre404) {
  EXPECT_EQ(hub.hub->Control("GET", "/__emulator/spaces/alice/nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hub.hub->Control("GET", "/__emulator/nothing").status().code(), StatusCode::kNotFound);
}

TEST_F(Control, ControlRequestsAreNotCountedOrFaulted) {
  Do("POST", "/__emulator/stats/reset");
  Do("POST", "/__emulator/faults", R"({"path_regex":".","status":500,"count":-1})");
  EXPECT_EQ(Do("GET", "/__emulator/stats").Find("requests")->Find("total")->AsInt(), 0);
}

TEST_F(Control, TheClockMovesOnlyWhenTheEmulatorWasGivenAWay) {
  hub.Commit("alice/demo", {{"a.txt", "a"}});
  hub.hub->WaitForBuildChecks();
  EXPECT_EQ(Do("POST", "/__emulator/clock", R"({"advance_seconds":15})").GetString("now"), "2026-01-01T00:00:30.000Z");
  EXPECT_EQ(hub.Stage("alice/demo"), "RUNNING");

  Options fixed = testing::DefaultOptions();
  FakeClock clock;
  HubEmulator no_clock(fixed, clock, std::make_unique<testing::FakeProbe>(hub.registry));
  EXPECT_FALSE(no_clock.Control("POST", "/__emulator/clock", R"({"advance_seconds":1})").ok());
}

TEST(ControlApps, WithServeAppsTheHostAnswers200OnlyWhileRunning) {
  Options options = testing::DefaultOptions();
  options.serve_apps = true;
  HubFixture hub(options);
  hub.registry->Add("docker.io/library/busybox:latest");
  hub.CreateSpace("alice/demo");
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo?expand=host").json().GetString("host"),
            "http://hub.test/__emulator/apps/alice/demo");
  hub.Commit("alice/demo", {{"Dockerfile", "FROM busybox\n"}});
  Result<Json> building = hub.hub->Control("GET", "/__emulator/apps/alice/demo/health");
  EXPECT_FALSE(building.ok());
  hub.Settle(seconds(15));
  const Result<Json> running = hub.hub->Control("GET", "/__emulator/apps/alice/demo/health");
  ASSERT_TRUE(running.ok()) << running.status().ToString();
  EXPECT_EQ(running->AsString(), "ok\n");
}

}  // namespace
}  // namespace spaceport::hub_emulator
