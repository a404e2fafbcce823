// `spaceport apply` from nothing: a Space that does not exist yet ends RUNNING on the wrapper
// digest the registry really holds, with its README, variable, secret, hardware and sleep time,
// all checked on the emulator's side rather than through spaceport's own report.
#include <gtest/gtest.h>

#include <iostream>

#include "e2e/e2e_fixture.h"

namespace spaceport::e2e {
namespace {

class FirstDeploy : public E2eTest {};

TEST_F(FirstDeploy, ApplyTakesANewSpaceToRunningOnTheWrappersRealDigest) {
  ASSERT_FALSE(SpaceExists(kSpace));
  const auto desired = WriteDesired("desired", DemoDeployment({}));
  ResetStats();

  TimedResult applied = Apply(desired);
  ASSERT_EQ(applied.exit_code, 0) << Describe(applied);
  std::optional<ApplySummary> summary = ParseApplySummary(applied.out);
  ASSERT_TRUE(summary) << "no `apply: N writes, M actions, K failed` last line\n"
                       << Describe(applied);
  EXPECT_GT(summary->writes, 0);
  EXPECT_EQ(summary->failed, 0);

  const Json stats = Stats();
  std::cout << "[e2e] first deploy: " << RequestsForSpace(stats, kSpace) << " Hub requests for "
            << kSpace << ", " << TotalRequests(stats) << " in all, in " << applied.seconds << " s\n"
            << RouteBreakdown(stats);
  RecordProperty("first_deploy_hub_requests_per_space",
                 static_cast<int>(RequestsForSpace(stats, kSpace)));

  const Json space = SpaceState();
  EXPECT_EQ(RuntimeStage(space), "RUNNING") << space.Dump();

  const std::string digest = RegistryDigest("hf-amd64-v1.0.0");
  ASSERT_FALSE(digest.empty());
  EXPECT_EQ(DockerfileFrom(space), "ghcr.io/acme/app:hf-amd64-v1.0.0@" + digest);

  const Json* readme = Member(space, {"files", "README.md"});
  ASSERT_NE(readme, nullptr) << space.Dump();
  EXPECT_NE(readme->AsString().find("\nsdk: docker\n"), std::string::npos) << readme->AsString();
  EXPECT_NE(readme->AsString().find("\napp_port: 7860\n"), std::string::npos) << readme->AsString();

  const Json* log_level = Member(space, {"variables", "LOG_LEVEL", "value"});
  ASSERT_NE(log_level, nullptr) << space.Dump();
  EXPECT_EQ(log_level->AsString(), "info");

  const Json* api_key = Member(space, {"secrets", "API_KEY"});
  ASSERT_NE(api_key, nullptr) << space.Dump();
  EXPECT_EQ(api_key->GetString("valueSha256"), Sha256Hex(kSecretValue));
  const std::string key = FingerprintKey();
  ASSERT_FALSE(key.empty()) << "no fingerprint key in " << state_dir_;
  EXPECT_NE(api_key->GetString("description")
                .find("spaceport:hmac-sha256=" + HmacSha256Hex(key, kSecretValue)),
            std::string::npos)
      << api_key->GetString("description");

  const Json* hardware = Member(space, {"runtime", "hardware", "current"});
  ASSERT_NE(hardware, nullptr) << space.Dump();
  EXPECT_EQ(hardware->AsString(), "cpu-basic");
  const Json* sleep_time = Member(space, {"runtime", "gcTimeout"});
  ASSERT_NE(sleep_time, nullptr) << space.Dump();
  EXPECT_EQ(sleep_time->AsInt(), 3600);
}

}  // namespace
}  // namespace spaceport::e2e
