// Variables, secrets (write-only), hardware and sleep time: shapes and errors.
#include <gtest/gtest.h>

#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using testing::HubFixture;
using testing::kBob;

class Settings : public ::testing::Test {
 protected:
  void SetUp() override { hub.CreateSpace("alice/demo"); }
  HubFixture hub;
};

TEST_F(Settings, VariablesRoundTripWithDescriptionOnlyWhenSet) {
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/variables").body(), "{}");
  hub.clock.Advance(std::chrono::milliseconds(1500));
  const auto posted = hub.Post("/api/spaces/alice/demo/variables", R"({"key":"LOG_LEVEL","value":"info"})");
  ASSERT_EQ(posted.status(), 200);
  EXPECT_EQ(posted.body(), R"({"LOG_LEVEL":{"value":"info","updatedAt":"2026-01-01T00:00:01.500Z"}})");
  hub.Post("/api/spaces/alice/demo/variables", R"({"key":"MODE","value":"x","description":"why"})");
  const Json all = hub.Get("/api/spaces/alice/demo/variables").json();
  EXPECT_EQ(all.Find("MODE")->GetString("description"), "why");
  const auto after_delete = hub.Delete("/api/spaces/alice/demo/variables", R"({"key":"LOG_LEVEL"})");
  EXPECT_EQ(after_delete.status(), 200);
  EXPECT_EQ(after_delete.json().size(), 1u) << "DELETE answers the remaining map";
}

TEST_F(Settings, SecretsAreWriteOnlyKeysAndDescriptions) {
  const auto posted = hub.Post("/api/spaces/alice/demo/secrets", R"({"key":"API_KEY","value":"s3cr3t","description":"fp:abc"})");
  EXPECT_EQ(posted.status(), 200);
  EXPECT_EQ(posted.body(), "{}");
  const auto listed = hub.Get("/api/spaces/alice/demo/secrets");
  EXPECT_EQ(listed.json().Find("API_KEY")->GetString("description"), "fp:abc");
  EXPECT_EQ(listed.body().find("s3cr3t"), std::string::npos) << "the value never comes back";
  EXPECT_EQ(hub.Delete("/api/spaces/alice/demo/secrets", R"({"key":"API_KEY"})").body(), "{}");
  EXPECT_EQ(hub.Delete("/api/spaces/alice/demo/secrets", R"({"key":"API_KEY"})").status(), 200) << "idempotent";
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/secrets").body(), "{}");
}

TEST_F(Settings, BadBodiesAre400) {
  for (const char* body : {R"({"value":"1"})", R"({"key":"","value":"1"})", R"({"key":"A","value":1})", "[]", "nope"}) {
    EXPECT_EQ(hub.Post("/api/spaces/alice/demo/variables", body).status(), 400) << body;
    EXPECT_EQ(hub.Post("/api/spaces/alice/demo/secrets", body).status(), 400) << body;
  }
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/hardware", R"({"flavor":"h100"})").status(), 400);
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/hardware", R"({})").status(), 400);
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/sleeptime", R"({"seconds":"soon"})").status(), 400);
}

TEST_F(Settings, OnlyMembersManageASpace) {
  for (const char* path : {"/api/spaces/alice/demo/variables", "/api/spaces/alice/demo/secrets"}) {
    EXPECT_EQ(hub.Get(path, kBob).status(), 403) << path;
    EXPECT_EQ(hub.Get(path, "").status(), 401) << path;
  }
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/restart", "", kBob).status(), 403);
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/hardware", R"({"flavor":"t4-small"})", kBob).status(), 403);
}

TEST_F(Settings, SleepTimeAcceptsTheRustClientsFieldNameOnHardware) {
  const Json rt = hub.Post("/api/spaces/alice/demo/hardware", R"({"flavor":"cpu-upgrade","sleepTime":900})").json();
  EXPECT_EQ(rt.Find("gcTimeout")->AsInt(), 900);
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/sleeptime", R"({"seconds":-1})").json().Find("gcTimeout"), nullptr);
}

TEST_F(Settings, CreateTakesHardwareSleepTimeVariablesAndSecrets) {
  hub.CreateSpace("alice/full", "docker", testing::kAlice,
                  R"(,"hardware":"t4-small","sleepTimeSeconds":300,"variables":[{"key":"A","value":"1"}],)"
                  R"("secrets":[{"key":"S","value":"v","description":"d"}])");
  const Json rt = hub.Runtime("alice/full");
  EXPECT_EQ(rt.Find("hardware")->GetString("requested"), "t4-small");
  EXPECT_EQ(rt.Find("gcTimeout")->AsInt(), 300);
  EXPECT_EQ(hub.Get("/api/spaces/alice/full/variables").json().Find("A")->GetString("value"), "1");
  EXPECT_EQ(hub.Get("/api/spaces/alice/full/secrets").json().Find("S")->GetString("description"), "d");
}

TEST_F(Settings, RestartAcceptsFactoryAndPauseAnswersTheRuntime) {
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/restart?factory=true", "").status(), 200);
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/pause", "").json().GetString("stage"), "PAUSED");
}

TEST(Logs, BuildAndRunLogsAreServerSentEventsAndTailKeepsTheLastLines) {
  HubFixture hub;
  hub.registry->Add("docker.io/library/busybox:latest");
  hub.CreateSpace("alice/demo");
  hub.Commit("alice/demo", {{"Dockerfile", "FROM busybox\n"}});
  hub.Settle(std::chrono::seconds(15));
  const auto build = hub.Get("/api/spaces/alice/demo/logs/build");
  EXPECT_EQ(build.status(), 200);
  EXPECT_EQ(build.header("Content-Type"), "text/event-stream");
  const std::string& body = build.body();
  EXPECT_EQ(body.rfind("data: {\"data\":\"===== Build Queued at 2026-01-01 00:00:00 / Commit SHA: ", 0), 0u) << body;
  EXPECT_NE(body.find(R"(data: {"data":"--> FROM busybox\n","timestamp":"2026-01-01T00:00:00.000Z"})" "\n\n"),
            std::string::npos) << body;
  EXPECT_NE(body.find(R"(data: {"data":"--> Scheduling Space\n","timestamp":"2026-01-01T00:00:10.000Z"})"),
            std::string::npos) << body;
  const std::string tail = hub.Get("/api/spaces/alice/demo/logs/build?tail=1").body();
  EXPECT_EQ(tail, R"(data: {"data":"--> Scheduling Space\n","timestamp":"2026-01-01T00:00:10.000Z"})" "\n\n");
  const std::string run = hub.Get("/api/spaces/alice/demo/logs/run").body();
  EXPECT_NE(run.find("===== Application Startup at 2026-01-01 00:00:10 ====="), std::string::npos) << run;
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/logs/build", testing::kBob).status(), 403);
}

}  // namespace
}  // namespace spaceport::hub_emulator
