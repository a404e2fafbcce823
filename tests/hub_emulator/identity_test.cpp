// Tokens, whoami-v2 and the 401/403 answers.
#include <gtest/gtest.h>

#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using testing::HubFixture;
using testing::kAlice;
using testing::kReader;

TEST(Identity, WhoamiDescribesTheTokensUserOrgsAndToken) {
  HubFixture hub;
  const auto r = hub.Get("/api/whoami-v2");
  ASSERT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
  const Json me = r.json();
  EXPECT_EQ(me.GetString("type"), "user");
  EXPECT_EQ(me.GetString("name"), "alice");
  EXPECT_EQ(me.Find("id")->AsString().size(), 24u);
  ASSERT_EQ(me.Find("orgs")->size(), 1u);
  EXPECT_EQ(me.Find("orgs")->At(0).GetString("name"), "acme");
  const Json& token = *me.Find("auth")->Find("accessToken");
  EXPECT_EQ(token.GetString("displayName"), "alice");
  EXPECT_EQ(token.GetString("role"), "write");
  EXPECT_EQ(hub.Get("/api/whoami-v2", kReader).json().Find("auth")->Find("accessToken")->GetString("role"), "read");
}

TEST(Identity, WhoamiWithoutATokenIs401) {
  HubFixture hub;
  const auto r = hub.Get("/api/whoami-v2", "");
  EXPECT_EQ(r.status(), 401);
  EXPECT_EQ(r.json().GetString("error"), "Invalid username or password.");
}

TEST(Identity, AnUnknownTokenIs401OnEveryEndpointWithTheHubsMessage) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  for (const char* target : {"/api/whoami-v2", "/api/spaces/alice/demo", "/spaces/alice/demo/resolve/main/README.md",
                             "/api/spaces/alice/demo/runtime", "/api/no/such/route/at/all"}) {
    const auto r = hub.Get(target, "hf_unknown");
    EXPECT_EQ(r.status(), 401) << target;
    EXPECT_EQ(r.header("X-Error-Message"), "Invalid credentials in Authorization header") << target;
    EXPECT_EQ(r.json().GetString("error"), "Invalid credentials in Authorization header") << target;
  }
}

TEST(Identity, AnAuthorizationHeaderThatIsNotBearerIsInvalid) {
  HubFixture hub;
  http::Headers basic{{"Authorization", "Basic YWxpY2U6cHc="}};
  EXPECT_EQ(hub.Get("/api/whoami-v2", "", basic).status(), 401);
  http::Headers lower{{"Authorization", std::string("bearer ") + kAlice}};
  EXPECT_EQ(hub.Get("/api/whoami-v2", "", lower).status(), 200) << "the scheme is case-insensitive";
}

TEST(Identity, AReadTokenReadsButCannotWrite) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo", kReader).status(), 200);
  EXPECT_EQ(hub.Post("/api/repos/create", R"({"name":"x","type":"space","sdk":"docker"})", kReader).status(), 403);
  EXPECT_EQ(hub.Commit("alice/demo", {{"a.txt", "a"}}, {}, "", kReader).status(), 403);
  EXPECT_EQ(hub.Post("/api/spaces/alice/demo/pause", "", kReader).status(), 403);
}

TEST(Identity, EveryAnswerCarriesADistinctRequestId) {
  HubFixture hub;
  const std::string a = hub.Get("/api/whoami-v2").header("X-Request-Id");
  const std::string b = hub.Get("/api/nothing/here", "").header("X-Request-Id");
  EXPECT_EQ(a.rfind("Root=1-", 0), 0u) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace spaceport::hub_emulator
