// Fault switches: which requests they hit, how often, and what the answer looks like.
#include <gtest/gtest.h>

#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using testing::HubFixture;

TEST(Faults, ARuleAnswersItsStatusCountTimesThenTheHubAnswersAgain) {
  HubFixture hub;
  ASSERT_TRUE(hub.hub->Control("POST", "/__emulator/faults", R"({"path_regex":"whoami","status":503,"count":2})").ok());
  const auto first = hub.Get("/api/whoami-v2");
  EXPECT_EQ(first.status(), 503);
  EXPECT_EQ(first.header("Retry-After"), "1");
  EXPECT_EQ(first.json().GetString("error"), "Injected fault (503)");
  EXPECT_EQ(hub.Get("/api/whoami-v2").status(), 503);
  EXPECT_EQ(hub.Get("/api/whoami-v2").status(), 200);
}

TEST(Faults, MethodAndPathBothHaveToMatch) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  FaultRule rule;
  rule.path_regex = "/commit/main$";
  rule.method = "POST";
  rule.status = 409;
  rule.count = -1;
  rule.error_code = "ConcurrentOperation";
  rule.message = "Cannot create repo: another conflicting operation is in progress";
  ASSERT_TRUE(hub.hub->AddFault(rule).ok());
  for (int i = 0; i < 3; ++i) {
    const auto r = hub.Commit("alice/demo", {{"a", "a"}});
    EXPECT_EQ(r.status(), 409);
    EXPECT_EQ(r.header("X-Error-Code"), "ConcurrentOperation");
    EXPECT_EQ(r.header("X-Error-Message"), rule.message);
  }
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/commits/main").status(), 200);
  ASSERT_TRUE(hub.hub->Control("DELETE", "/__emulator/faults").ok());
  EXPECT_EQ(hub.Commit("alice/demo", {{"a", "a"}}).status(), 200);
}

TEST(Faults, AnInjected429CarriesRetryAfterAndRateLimit) {
  HubFixture hub;
  ASSERT_TRUE(hub.hub->Control("POST", "/__emulator/faults", R"({"path_regex":".","status":429,"retry_after":7})").ok());
  const auto r = hub.Get("/api/whoami-v2");
  EXPECT_EQ(r.status(), 429);
  EXPECT_EQ(r.header("Retry-After"), "7");
  EXPECT_EQ(r.header("RateLimit"), "\"api\";r=0;t=7");
}

TEST(Faults, TheControlApiListsRulesWithHowOftenTheyFired) {
  HubFixture hub;
  ASSERT_TRUE(hub.hub->Control("POST", "/__emulator/faults", R"({"path_regex":"runtime$","status":500,"count":3})").ok());
  hub.CreateSpace("alice/demo");
  hub.Get("/api/spaces/alice/demo/runtime");
  const Json list = *hub.hub->Control("GET", "/__emulator/faults");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.At(0).Dump(), R"({"path_regex":"runtime$","status":500,"count":3,"id":1,"fired":1})");
}

TEST(Faults, BadRulesAreRefused) {
  HubFixture hub;
  for (const char* body : {R"({"path_regex":"(","status":500})", R"({"path_regex":"x","status":42})",
                           R"({"path_regex":"x","count":0})", R"({"path_regex":"x","status":"500"})", "[]"}) {
    const Result<Json> r = hub.hub->Control("POST", "/__emulator/faults", body);
    EXPECT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body;
  }
}

TEST(Faults, FaultedRequestsStillUseBudget) {
  Options options = testing::DefaultOptions();
  options.api_budget = 2;
  HubFixture hub(options);
  ASSERT_TRUE(hub.hub->Control("POST", "/__emulator/faults", R"({"path_regex":".","status":503,"count":-1})").ok());
  EXPECT_EQ(hub.Get("/api/whoami-v2").status(), 503);
  EXPECT_EQ(hub.Get("/api/whoami-v2").status(), 503);
  EXPECT_EQ(hub.Get("/api/whoami-v2").status(), 429);
}

}  // namespace
}  // namespace spaceport::hub_emulator
