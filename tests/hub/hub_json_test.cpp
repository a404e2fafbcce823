// Lenient parsing of the Hub's JSON: unknown stages and missing or null fields are normal.
#include "clients/hub/hub_json.h"

#include <gtest/gtest.h>

namespace spaceport::hub {
namespace {

TEST(RuntimeJson, EveryShapeTheHubSendsParsesWithoutError) {
  struct Case {
    std::string name;
    std::string body;
    std::string stage;
    std::optional<std::string> current, requested;
    std::optional<int64_t> sleep;
    std::optional<std::string> error;
  };
  const Case cases[] = {
      {"a running cpu-basic Space (real shape)",
       R"({"stage":"RUNNING","hardware":{"current":"cpu-basic","requested":"cpu-basic"},"storage":null,"gcTimeout":172800,"replicas":{"current":1,"requested":1},"devMode":false,"domains":[{"domain":"alice-demo.hf.space","stage":"READY"}],"sha":"c52ce5e45984b9378ef6247fe7a45ed72b096b24"})",
       "RUNNING", "cpu-basic", "cpu-basic", 172800, std::nullopt},
      {"a first build has no current hardware (real shape)",
       R"({"stage":"BUILDING","hardware":{"current":null,"requested":"cpu-basic"},"storage":null,"gcTimeout":172800,"replicas":{"requested":1},"devMode":false,"domains":[]})",
       "BUILDING", std::nullopt, "cpu-basic", 172800, std::nullopt},
      {"a static Space has neither hardware nor gcTimeout (real shape)",
       R"({"stage":"RUNNING","hardware":{"current":null,"requested":null},"storage":null,"replicas":{"requested":1,"current":1}})",
       "RUNNING", std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {"an unknown stage is kept as it is", R"({"stage":"HIBERNATING_SOMEWHERE"})",
       "HIBERNATING_SOMEWHERE", std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {"SLEEPING with a null gcTimeout", R"({"stage":"SLEEPING","gcTimeout":null})", "SLEEPING",
       std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {"hardware null altogether", R"({"stage":"PAUSED","hardware":null})", "PAUSED",
       std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {"an error stage carries its message",
       R"({"stage":"RUNTIME_ERROR","errorMessage":"Space failed to start. Exit code: 1","hardware":{"current":"cpu-basic"}})",
       "RUNTIME_ERROR", "cpu-basic", std::nullopt, std::nullopt,
       "Space failed to start. Exit code: 1"},
      {"fields of the wrong type are ignored, not fatal",
       R"({"stage":"RUNNING","hardware":{"current":7,"requested":["x"]},"gcTimeout":"soon","errorMessage":null})",
       "RUNNING", std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {"no stage at all", R"({})", "", std::nullopt, std::nullopt, std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto rt = ParseSpaceRuntime(c.body);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    EXPECT_EQ(rt->stage, c.stage);
    EXPECT_EQ(rt->hardware_current, c.current);
    EXPECT_EQ(rt->hardware_requested, c.requested);
    EXPECT_EQ(rt->sleep_time_seconds, c.sleep);
    EXPECT_EQ(rt->error_message, c.error);
  }
}

TEST(RuntimeJson, DomainsReplicasAndShaAreReadAndTheRawObjectIsKept) {
  auto rt = ParseSpaceRuntime(
      R"({"stage":"RUNNING","replicas":{"current":1,"requested":"auto"},"domains":[{"domain":"a.hf.space","stage":"READY"},{"domain":"x.example","isCustom":true,"stage":"PENDING"},{"stage":"READY"}],"sha":"abc","hotReloading":{"status":"created"}})");
  ASSERT_TRUE(rt.ok());
  ASSERT_EQ(rt->domains.size(), 2u);  // the entry without a domain is skipped
  EXPECT_EQ(rt->domains[1].domain, "x.example");
  EXPECT_TRUE(rt->domains[1].is_custom);
  EXPECT_EQ(rt->domains[1].stage, "PENDING");
  EXPECT_EQ(rt->replicas_current, 1);
  EXPECT_FALSE(rt->replicas_requested.has_value());  // "auto"
  EXPECT_EQ(rt->sha, "abc");
  ASSERT_NE(rt->raw.Find("hotReloading"), nullptr);
}

TEST(RuntimeJson, OnlyAnAnswerThatIsNotAnObjectIsAnError) {
  EXPECT_EQ(ParseSpaceRuntime("not json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSpaceRuntime("[1]").status().code(), StatusCode::kInvalidArgument);
}

TEST(StageClassification, KnownStagesAreClassifiedAndUnknownOnesAreNeither) {
  EXPECT_TRUE(IsTransitionalStage("BUILDING"));
  EXPECT_TRUE(IsTransitionalStage("RUNNING_APP_STARTING"));
  EXPECT_FALSE(IsTransitionalStage("RUNNING"));
  EXPECT_TRUE(IsErrorStage("BUILD_ERROR"));
  EXPECT_TRUE(IsErrorStage("NO_APP_FILE"));
  EXPECT_TRUE(IsServingStage("RUNNING_BUILDING"));
  for (std::string_view unknown : {"SOMETHING_NEW", "", "SLEEPING", "PAUSED"}) {
    EXPECT_FALSE(IsTransitionalStage(unknown)) << unknown;
    EXPECT_FALSE(IsErrorStage(unknown)) << unknown;
    EXPECT_FALSE(IsServingStage(unknown)) << unknown;
  }
}

TEST(SpaceInfoJson, TheExpandedFieldsAreReadAndAbsentOnesStayEmpty) {
  auto info = ParseSpaceInfo(
      R"({"_id":"67ca","id":"alice/demo","sha":"c52ce5e45984b9378ef6247fe7a45ed72b096b24","sdk":"docker","private":false,"lastModified":"2026-03-07T12:24:23.000Z","subdomain":"alice-demo","host":"https://alice-demo.hf.space","cardData":{"title":"Demo","sdk":"docker","app_port":7860},"siblings":[{"rfilename":".gitattributes"},{"rfilename":"Dockerfile","size":24},{"nope":1}],"runtime":{"stage":"APP_STARTING","hardware":{"current":null,"requested":"cpu-basic"}},"likes":0})");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->id, "alice/demo");
  EXPECT_EQ(info->sha, "c52ce5e45984b9378ef6247fe7a45ed72b096b24");
  EXPECT_EQ(info->sdk, "docker");
  EXPECT_EQ(info->is_private, false);
  EXPECT_EQ(info->subdomain, "alice-demo");
  EXPECT_EQ(info->host, "https://alice-demo.hf.space");
  ASSERT_TRUE(info->runtime.has_value());
  EXPECT_EQ(info->runtime->stage, "APP_STARTING");
  EXPECT_EQ(info->runtime->hardware_requested, "cpu-basic");
  EXPECT_EQ(info->card_data.Find("app_port")->Lexeme(), "7860");
  ASSERT_TRUE(info->siblings.has_value());
  ASSERT_EQ(info->siblings->size(), 2u);
  EXPECT_EQ((*info->siblings)[1].path, "Dockerfile");
  EXPECT_EQ((*info->siblings)[1].size, 24);

  auto minimal = ParseSpaceInfo(R"({"_id":"67ca","id":"alice/demo","xetEnabled":false})");
  ASSERT_TRUE(minimal.ok());
  EXPECT_FALSE(minimal->sha.has_value());
  EXPECT_FALSE(minimal->runtime.has_value());
  EXPECT_FALSE(minimal->siblings.has_value());
  EXPECT_TRUE(minimal->card_data.is_null());
}

TEST(IdentityJson, UserOrgsAndTokenAreRead) {
  auto id = ParseIdentity(
      R"({"type":"user","id":"62f2","name":"alice","fullname":"Alice","orgs":[{"type":"org","name":"acme"},{"type":"org"}],"auth":{"type":"access_token","accessToken":{"displayName":"ci","role":"write"}}})");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->name, "alice");
  EXPECT_EQ(id->orgs, std::vector<std::string>{"acme"});
  EXPECT_EQ(id->auth_type, "access_token");
  EXPECT_EQ(id->token_name, "ci");
  EXPECT_EQ(id->token_role, "write");

  auto oauth = ParseIdentity(R"({"name":"bob","auth":{"type":"oauth","expiresAt":"x"}})");
  ASSERT_TRUE(oauth.ok());
  EXPECT_EQ(oauth->auth_type, "oauth");
  EXPECT_EQ(oauth->token_role, "");
  EXPECT_FALSE(ParseIdentity(R"({"type":"user"})").ok());
}

TEST(VariablesAndSecretsJson, DescriptionsAreOptionalAndSecretValuesNeverExist) {
  auto vars = ParseSpaceVariables(
      R"({"LOG_LEVEL":{"value":"info","updatedAt":"2026-01-01T00:00:00.000Z"},"MODEL":{"value":"arXiv","description":"found it there","updatedAt":"x"}})");
  ASSERT_TRUE(vars.ok());
  ASSERT_EQ(vars->size(), 2u);
  EXPECT_EQ(vars->at("LOG_LEVEL").value, "info");
  EXPECT_FALSE(vars->at("LOG_LEVEL").description.has_value());
  EXPECT_EQ(vars->at("MODEL").description, "found it there");

  auto secrets = ParseSpaceSecrets(
      R"({"API_KEY":{"description":"spaceport:hmac-sha256:ab12","updatedAt":"2026-01-01T00:00:00Z"},"OTHER":{}})");
  ASSERT_TRUE(secrets.ok());
  EXPECT_EQ(secrets->at("API_KEY").description, "spaceport:hmac-sha256:ab12");
  EXPECT_FALSE(secrets->at("OTHER").description.has_value());
  EXPECT_TRUE(ParseSpaceSecrets("{}")->empty());
}

TEST(PreuploadJson, VerdictsAndHeadAreRead) {
  auto answer = ParsePreupload(
      R"({"files":[{"path":"Dockerfile","uploadMode":"regular","shouldIgnore":false,"oid":"1a42"},{"path":"big.bin","uploadMode":"lfs","shouldIgnore":false}],"commitOid":"c52c"})");
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->files.size(), 2u);
  EXPECT_EQ(answer->files[0].remote_oid, "1a42");
  EXPECT_EQ(answer->files[1].upload_mode, "lfs");
  EXPECT_EQ(answer->commit_oid, "c52c");
}

}  // namespace
}  // namespace spaceport::hub
