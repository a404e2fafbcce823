#include "runtime/controller_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace spaceport::runtime {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

constexpr char kHeader[] = "apiVersion: spaceport.dev/v1alpha1\nkind: ControllerConfig\n";

TEST(ControllerConfig, AMappedInsecureRegistryWithCredentialsFromTheEnvironmentLoads) {
  ConfigLoad load = ParseControllerConfig(
      std::string(kHeader) +
          "registries:\n"
          "  - host: ghcr.io\n"
          "    endpoint: http://127.0.0.1:5000\n"
          "    insecure: true\n"
          "    credentials: {username: bot, passwordFromEnv: GHCR_TOKEN}\n",
      "c.yaml", Env({{"GHCR_TOKEN", "s3cret"}}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  ASSERT_EQ(load.config.registries.size(), 1u);
  const oci::RegistryConfig& r = load.config.registries[0];
  EXPECT_EQ(r.host, "ghcr.io");
  EXPECT_EQ(r.BaseUrl(), "http://127.0.0.1:5000");
  EXPECT_TRUE(r.insecure);
  ASSERT_TRUE(r.credentials.has_value());
  EXPECT_EQ(r.credentials->username, "bot");
  EXPECT_EQ(r.credentials->password, "s3cret");
  EXPECT_EQ(r.credentials->source.find("s3cret"), std::string::npos);
}

TEST(ControllerConfig, APasswordFileIsReadWithoutItsTrailingNewline) {
  const std::string path = ::testing::TempDir() + "/spaceport-password";
  std::ofstream(path) << "from-file\n";
  ConfigLoad load = ParseControllerConfig(
      std::string(kHeader) + "registries:\n  - host: registry.example.com\n"
                             "    credentials: {username: u, passwordFile: " + path + "}\n",
      "c.yaml", Env({}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  EXPECT_EQ(load.config.registries[0].credentials->password, "from-file");
}

struct BadConfig {
  friend void PrintTo(const BadConfig& c, std::ostream* os) { *os << c.name; }
  const char* name;
  std::string body;         // after the header
  std::string diagnostic;   // the first diagnostic, exactly
};

class ControllerConfigRejects : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ControllerConfigRejects, WithFileLineColumnAndField) {
  ConfigLoad load = ParseControllerConfig(std::string(kHeader) + GetParam().body, "c.yaml",
                                          Env({{"SET", "x"}}));
  ASSERT_FALSE(load.ok());
  EXPECT_EQ(load.diagnostics[0].ToString(), GetParam().diagnostic);
  for (const auto& d : load.diagnostics) EXPECT_EQ(d.ToString().find("s3cret"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ControllerConfigRejects,
    ::testing::Values(
        BadConfig{"an_unknown_field_gets_a_did_you_mean",
                  "registries:\n  - host: ghcr.io\n    insecur: true\n",
                  "c.yaml:5:5: registries[0].insecur: unknown field; did you mean \"insecure\"?"},
        BadConfig{"plain_http_without_insecure_is_refused",
                  "registries:\n  - host: ghcr.io\n    endpoint: http://127.0.0.1:5000\n",
                  "c.yaml:5:15: registries[0].endpoint: registry ghcr.io: endpoint "
                  "http://127.0.0.1:5000 uses plain http; mark the registry insecure to allow it "
                  "(loopback only)"},
        BadConfig{"an_unset_password_variable_is_named",
                  "registries:\n  - host: ghcr.io\n    credentials: {username: u, passwordFromEnv: NOPE}\n",
                  "c.yaml:5:49: registries[0].credentials.passwordFromEnv: environment variable "
                  "NOPE is not set"},
        BadConfig{"two_password_sources_are_refused",
                  "registries:\n  - host: ghcr.io\n    credentials: {username: u, passwordFromEnv: SET, "
                  "passwordFile: /x}\n",
                  "c.yaml:5:18: registries[0].credentials: set exactly one of passwordFromEnv and "
                  "passwordFile"},
        BadConfig{"an_inline_password_is_an_unknown_field",
                  "registries:\n  - host: ghcr.io\n    credentials: {username: u, password: s3cret}\n",
                  "c.yaml:5:18: registries[0].credentials: set exactly one of passwordFromEnv and "
                  "passwordFile"},
        BadConfig{"a_registry_listed_twice_is_an_error",
                  "registries:\n  - host: ghcr.io\n  - host: ghcr.io\n",
                  "c.yaml:5:11: registries[1].host: registry \"ghcr.io\" is listed twice"},
        BadConfig{"a_missing_host_is_an_error", "registries:\n  - insecure: true\n",
                  "c.yaml:4:5: registries[0]: missing required field \"host\""}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(ControllerConfig, TheWrongKindIsAnError) {
  ConfigLoad load = ParseControllerConfig(
      "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\n", "c.yaml", Env({}));
  ASSERT_FALSE(load.ok());
  EXPECT_EQ(load.diagnostics[0].ToString(),
            "c.yaml:2:7: kind: expected \"ControllerConfig\", got \"SpaceDeployment\"");
}

TEST(ControllerConfig, AMissingFileIsAnErrorNamingIt) {
  ConfigLoad load = LoadControllerConfig("/no/such/spaceport.yaml", Env({}));
  ASSERT_FALSE(load.ok());
  EXPECT_NE(load.diagnostics[0].ToString().find("/no/such/spaceport.yaml"), std::string::npos);
}

}  // namespace
}  // namespace spaceport::runtime
