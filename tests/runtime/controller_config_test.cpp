#include "runtime/controller_config.h"

#include <gmock/gmock.h>
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

TEST(ControllerConfig, ARegistryRateLimitIsReadAndAbsentFieldsKeepTheDefaults) {
  ConfigLoad load = ParseControllerConfig(
      std::string(kHeader) + "registries:\n"
                             "  - host: ghcr.io\n"
                             "    rateLimit: {requestsPerSecond: 2.5, burst: 5}\n"
                             "  - host: quay.io\n"
                             "    rateLimit: {requestsPerSecond: 0}\n"
                             "  - host: registry.example.com\n",
      "c.yaml", Env({}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  ASSERT_EQ(load.config.registries.size(), 3u);
  EXPECT_EQ(load.config.registries[0].requests_per_second, 2.5);
  EXPECT_EQ(load.config.registries[0].burst, 5);
  EXPECT_EQ(load.config.registries[1].requests_per_second, 0);  // unlimited
  EXPECT_EQ(load.config.registries[2].requests_per_second, 20);  // argocd-image-updater's default
  EXPECT_EQ(load.config.registries[2].burst, 40);
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
                  "c.yaml:4:5: registries[0]: missing required field \"host\""},
        BadConfig{"a_negative_rate_is_refused",
                  "registries:\n  - host: ghcr.io\n    rateLimit: {requestsPerSecond: -1}\n",
                  "c.yaml:5:36: registries[0].rateLimit.requestsPerSecond: expected a number of "
                  "requests per second from 0 (unlimited) to 1000000, got -1"},
        BadConfig{"a_rate_that_is_not_a_number_is_refused",
                  "registries:\n  - host: ghcr.io\n    rateLimit: {requestsPerSecond: fast}\n",
                  "c.yaml:5:36: registries[0].rateLimit.requestsPerSecond: expected a number of "
                  "requests per second from 0 (unlimited) to 1000000, got \"fast\""},
        BadConfig{"a_quoted_rate_is_refused",
                  "registries:\n  - host: ghcr.io\n    rateLimit: {requestsPerSecond: \"20\"}\n",
                  "c.yaml:5:36: registries[0].rateLimit.requestsPerSecond: expected a number of "
                  "requests per second from 0 (unlimited) to 1000000, got the string \"20\" "
                  "(remove the quotes)"},
        BadConfig{"a_burst_of_zero_with_a_rate_is_refused",
                  "registries:\n  - host: ghcr.io\n"
                  "    rateLimit: {requestsPerSecond: 5, burst: 0}\n",
                  "c.yaml:5:46: registries[0].rateLimit.burst: must be at least 1 when "
                  "requestsPerSecond is above 0 (a burst of 0 admits nothing)"},
        BadConfig{"a_negative_burst_is_refused",
                  "registries:\n  - host: ghcr.io\n    rateLimit: {burst: -3}\n",
                  "c.yaml:5:24: registries[0].rateLimit.burst: expected an integer from 0 to "
                  "1000000, got -3"},
        BadConfig{"a_misspelt_rate_limit_field_gets_a_did_you_mean",
                  "registries:\n  - host: ghcr.io\n    rateLimit: {requestPerSecond: 5}\n",
                  "c.yaml:5:17: registries[0].rateLimit.requestPerSecond: unknown field; did you "
                  "mean \"requestsPerSecond\"?"},
        BadConfig{"a_plain_http_hub_endpoint_without_insecure_is_refused",
                  "hub:\n  endpoint: http://127.0.0.1:8123\n",
                  "c.yaml:4:13: hub.endpoint: Hub endpoint http://127.0.0.1:8123 uses plain http; set "
                  "insecure: true to allow it (loopback only)"},
        BadConfig{"an_unset_hub_token_variable_is_named",
                  "hub:\n  tokenFromEnv: NOPE\n",
                  "c.yaml:4:17: hub.tokenFromEnv: environment variable NOPE is not set"},
        BadConfig{"an_unreadable_hub_token_file_is_named",
                  "hub:\n  tokenFile: /no/such/token\n",
                  "c.yaml:4:14: hub.tokenFile: cannot read /no/such/token"},
        BadConfig{"two_hub_token_sources_are_refused",
                  "hub:\n  tokenFromEnv: SET\n  tokenFile: /x\n",
                  "c.yaml:4:3: hub: set at most one of tokenFromEnv and tokenFile"},
        BadConfig{"an_inline_hub_token_is_an_unknown_field",
                  "hub:\n  token: s3cret\n",
                  "c.yaml:4:3: hub.token: unknown field; did you mean \"tokenFromEnv\"?"},
        BadConfig{"a_zero_budget_is_refused",
                  "hub:\n  budget: {requests: 0}\n",
                  "c.yaml:4:22: hub.budget.requests: expected an integer from 1 to 1000000, got 0"},
        BadConfig{"a_misspelt_budget_field_gets_a_did_you_mean",
                  "hub:\n  budget: {windowSecond: 60}\n",
                  "c.yaml:4:12: hub.budget.windowSecond: unknown field; did you mean "
                  "\"windowSeconds\"?"},
        BadConfig{"a_relative_state_dir_is_refused", "stateDir: state\n",
                  "c.yaml:3:11: stateDir: must be an absolute path"},
        BadConfig{"a_request_timeout_over_ten_minutes_is_refused", "requestTimeout: 11m\n",
                  "c.yaml:3:17: requestTimeout: must be at most 10m"},
        BadConfig{"a_request_timeout_that_is_no_duration_is_refused", "requestTimeout: soon\n",
                  "c.yaml:3:17: requestTimeout: expected a duration such as 30s, 5m, 1h or 1h30m, got \"soon\""},
        BadConfig{"a_github_queue_timeout_over_a_day_is_refused", "github:\n  queueTimeout: 25h\n",
                  "c.yaml:4:17: github.queueTimeout: must be at most 24h"},
        BadConfig{"a_github_dispatch_timeout_that_is_no_duration_is_refused",
                  "github:\n  dispatchTimeout: 10\n",
                  "c.yaml:4:20: github.dispatchTimeout: expected a duration such as 30s, 5m, 1h or 1h30m, got \"10\" (add a unit, e.g. 10s)"},
        BadConfig{"a_misspelt_github_field_gets_a_did_you_mean", "github:\n  queuedTimeout: 2h\n",
                  "c.yaml:4:3: github.queuedTimeout: unknown field; did you mean \"queueTimeout\"?"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(ControllerConfig, AHubSectionSetsEndpointTokenBudgetAndTheStateDirectory) {
  ConfigLoad load = ParseControllerConfig(
      std::string(kHeader) +
          "hub:\n"
          "  endpoint: http://127.0.0.1:8123/\n"
          "  insecure: true\n"
          "  tokenFromEnv: BOT_TOKEN\n"
          "  budget: {requests: 200, windowSeconds: 60}\n"
          "stateDir: /var/lib/spaceport\n",
      "c.yaml", Env({{"BOT_TOKEN", " hf_bot\n"}, {"HF_TOKEN", "hf_other"}, {"HF_ENDPOINT", "https://x.test"}}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  const hub::HubConfig& hub = load.config.hub;
  EXPECT_EQ(hub.endpoint, "http://127.0.0.1:8123");
  EXPECT_TRUE(hub.allow_plain_http);
  ASSERT_TRUE(hub.token.has_value());
  EXPECT_EQ(hub.token->value, "hf_bot");
  EXPECT_EQ(hub.token->source, "controller config (environment BOT_TOKEN)");
  EXPECT_EQ(load.config.hub_budget.requests_per_window, 200);
  EXPECT_EQ(load.config.hub_budget.window, std::chrono::seconds(60));
  EXPECT_EQ(load.config.state_dir, "/var/lib/spaceport");
}

TEST(ControllerConfig, RequestTimeoutIsThirtySecondsUnlessTheConfigSaysOtherwise) {
  EXPECT_EQ(ParseControllerConfig(kHeader, "c.yaml", Env({})).config.request_timeout,
            std::chrono::seconds(30));
  ConfigLoad load = ParseControllerConfig(std::string(kHeader) + "requestTimeout: 5s\n", "c.yaml", Env({}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  EXPECT_EQ(load.config.request_timeout, std::chrono::seconds(5));
}

TEST(ControllerConfig, GithubBuildsWaitTenMinutesForTheRunAndAnHourInTheQueueUnlessTold) {
  const ControllerConfig defaults = ParseControllerConfig(kHeader, "c.yaml", Env({})).config;
  EXPECT_EQ(defaults.github_dispatch_timeout, std::chrono::minutes(10));
  EXPECT_EQ(defaults.github_queue_timeout, std::chrono::hours(1));
  ConfigLoad load = ParseControllerConfig(
      std::string(kHeader) + "github:\n  dispatchTimeout: 2m\n  queueTimeout: 6h\n", "c.yaml", Env({}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  EXPECT_EQ(load.config.github_dispatch_timeout, std::chrono::minutes(2));
  EXPECT_EQ(load.config.github_queue_timeout, std::chrono::hours(6));
}

TEST(ControllerConfig, WithoutAHubSectionTheHubComesFromTheEnvironmentWithTheHubsBudget) {
  ConfigLoad load = ParseControllerConfig(
      kHeader, "c.yaml", Env({{"HF_ENDPOINT", "https://hub.example.com/"}, {"HF_TOKEN", "hf_env"}}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  EXPECT_EQ(load.config.hub.endpoint, "https://hub.example.com");
  ASSERT_TRUE(load.config.hub.token.has_value());
  EXPECT_EQ(load.config.hub.token->value, "hf_env");
  EXPECT_EQ(load.config.hub.token->source, "HF_TOKEN");
  EXPECT_EQ(load.config.hub_budget.requests_per_window, 1000);
  EXPECT_EQ(load.config.hub_budget.window, std::chrono::seconds(300));
  EXPECT_EQ(load.config.state_dir, "");

  ConfigLoad anonymous = ParseControllerConfig(kHeader, "c.yaml", Env({}));
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous.config.hub.endpoint, "https://huggingface.co");
  EXPECT_FALSE(anonymous.config.hub.token.has_value());
}

TEST(ControllerConfig, AHubTokenFileIsReadAndTrimmed) {
  const std::string path = ::testing::TempDir() + "/spaceport-hub-token";
  std::ofstream(path) << "hf_from_file\n";
  ConfigLoad load = ParseControllerConfig(
      std::string(kHeader) + "hub: {tokenFile: " + path + "}\n", "c.yaml", Env({{"HF_TOKEN", "hf_env"}}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  EXPECT_EQ(load.config.hub.token->value, "hf_from_file");
  EXPECT_EQ(load.config.hub.token->source, "controller config (file " + path + ")");
}

TEST(ControllerConfig, ABrokenHfEndpointIsReportedAgainstTheHubWithoutAPosition) {
  ConfigLoad load = ParseControllerConfig(kHeader, "c.yaml", Env({{"HF_ENDPOINT", "huggingface.co"}}));
  ASSERT_FALSE(load.ok());
  EXPECT_THAT(load.diagnostics[0].ToString(), ::testing::StartsWith("c.yaml: hub: HF_ENDPOINT: "));
}

TEST(ControllerConfig, WithoutAFileTheDefaultConfigReadsTheHubFromTheEnvironment) {
  ConfigLoad load = DefaultControllerConfig(Env({{"HF_TOKEN", "hf_env"}}));
  ASSERT_TRUE(load.ok()) << load.diagnostics[0].ToString();
  EXPECT_TRUE(load.config.registries.empty());
  EXPECT_EQ(load.config.hub.endpoint, "https://huggingface.co");
  EXPECT_EQ(load.config.hub.token->value, "hf_env");

  ConfigLoad broken = DefaultControllerConfig(Env({{"HF_ENDPOINT", "ftp://x"}}));
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.diagnostics[0].ToString(), ::testing::StartsWith("environment: hub: HF_ENDPOINT: "));
}

TEST(ControllerConfig, BuildHubConfigNamesTheFieldAndNeverTheToken) {
  HubSection section;
  section.token_from_env = "MISSING";
  Result<hub::HubConfig> missing = BuildHubConfig(section, Env({}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "hub.tokenFromEnv: environment variable MISSING is not set");

  section.token_from_env = "BOT";
  section.endpoint = "https://hub.example.com";
  Result<hub::HubConfig> built = BuildHubConfig(section, Env({{"BOT", "hf_s3cret"}}));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->endpoint, "https://hub.example.com");
  EXPECT_EQ(built->TokenDescription().find("hf_s3cret"), std::string::npos);
}

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
