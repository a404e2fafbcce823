#include "clients/oci/credentials.h"

#include <gtest/gtest.h>

#include <map>

#include "base/base64.h"
#include "support/temp_dir.h"

namespace spaceport::oci {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Credentials, DockerConfigEntriesAreFoundInEveryKeyFormDockerWrites) {
  struct Case {
    std::string name;
    std::string json;
    std::string host;
    std::string user, password;  // "" user: no credentials expected
  };
  const std::string auth = Base64Encode("alice:pa:ss");
  const Case cases[] = {
      {"a bare host key with base64 auth splits at the first colon",
       R"({"auths":{"ghcr.io":{"auth":")" + auth + R"("}}})", "ghcr.io", "alice", "pa:ss"},
      {"a key with a scheme and a path matches the host",
       R"({"auths":{"https://ghcr.io/v2/":{"auth":")" + auth + R"("}}})", "ghcr.io", "alice",
       "pa:ss"},
      {"a host with a port is matched exactly",
       R"({"auths":{"127.0.0.1:5000":{"auth":")" + auth + R"("}}})", "127.0.0.1:5000", "alice",
       "pa:ss"},
      {"username and password fields work without auth",
       R"({"auths":{"ghcr.io":{"username":"bob","password":"pw"}}})", "ghcr.io", "bob", "pw"},
      {"Docker Hub's legacy key serves docker.io",
       R"({"auths":{"https://index.docker.io/v1/":{"auth":")" + auth + R"("}}})", "docker.io",
       "alice", "pa:ss"},
      {"an entry for another host gives no credentials",
       R"({"auths":{"quay.io":{"auth":")" + auth + R"("}}})", "ghcr.io", "", ""},
      {"a config without auths gives no credentials", R"({"psFormat":"table"})", "ghcr.io", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto creds = CredentialsFromDockerConfig(c.json, c.host, "docker config test.json");
    ASSERT_TRUE(creds.ok()) << creds.status().ToString();
    if (c.user.empty()) {
      EXPECT_FALSE(creds->has_value());
      continue;
    }
    ASSERT_TRUE(creds->has_value());
    EXPECT_EQ((*creds)->username, c.user);
    EXPECT_EQ((*creds)->password, c.password);
    EXPECT_EQ((*creds)->source, "docker config test.json");
  }
}

TEST(Credentials, DockerConfigsThatCannotBeUsedAreErrorsThatNeverQuoteTheFile) {
  struct Case {
    std::string name;
    std::string json;
    StatusCode code;
  };
  const Case cases[] = {
      {"auth that is not base64 is invalid", R"({"auths":{"ghcr.io":{"auth":"%%%secret%%%"}}})",
       StatusCode::kInvalidArgument},
      {"auth without a colon is invalid",
       R"({"auths":{"ghcr.io":{"auth":")" + Base64Encode("nocolon-secret") + R"("}}})",
       StatusCode::kInvalidArgument},
      {"an identity token is not supported", R"({"auths":{"ghcr.io":{"identitytoken":"secret"}}})",
       StatusCode::kUnimplemented},
      {"a credential helper for the host is not supported",
       R"({"credHelpers":{"ghcr.io":"secret-helper"}})", StatusCode::kUnimplemented},
      {"an empty auths entry kept in a credential store is not supported",
       R"({"auths":{"ghcr.io":{}},"credsStore":"desktop"})", StatusCode::kUnimplemented},
      {"a file that is not JSON is invalid", R"({"auths": secret)", StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto creds = CredentialsFromDockerConfig(c.json, "ghcr.io", "docker config x.json");
    ASSERT_FALSE(creds.ok());
    EXPECT_EQ(creds.status().code(), c.code);
    EXPECT_EQ(creds.status().message().find("secret"), std::string::npos)
        << creds.status().message();
  }
}

TEST(Credentials, DockerConfigEnvironmentVariableWinsOverHome) {
  support::TempDir dir("oci-creds");
  ASSERT_TRUE(support::WriteFile(
      dir.path() / "cfg" / "config.json",
      R"({"auths":{"ghcr.io":{"username":"from-docker-config","password":"p"}}})"));
  ASSERT_TRUE(
      support::WriteFile(dir.path() / "home" / ".docker" / "config.json",
                         R"({"auths":{"ghcr.io":{"username":"from-home","password":"p"}}})"));
  auto with_var = FakeEnv(
      {{"DOCKER_CONFIG", (dir.path() / "cfg").string()}, {"HOME", (dir.path() / "home").string()}});
  auto home_only = FakeEnv({{"HOME", (dir.path() / "home").string()}});
  EXPECT_EQ(DockerConfigPath(with_var), (dir.path() / "cfg" / "config.json").string());

  RegistryConfig config;
  config.host = "ghcr.io";
  auto a = ResolveCredentials(config, with_var);
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->username, "from-docker-config");
  auto b = ResolveCredentials(config, home_only);
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->username, "from-home");
  auto none = ResolveCredentials(config, FakeEnv({{"HOME", (dir.path() / "nowhere").string()}}));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(Credentials, PrecedenceIsConfigThenEnvironmentThenGhcrTokenThenDockerConfig) {
  support::TempDir dir("oci-creds");
  ASSERT_TRUE(support::WriteFile(dir.path() / "config.json",
                                 R"({"auths":{"ghcr.io":{"username":"docker","password":"p"}}})"));
  std::map<std::string, std::string> vars = {{"DOCKER_CONFIG", dir.path().string()},
                                             {"GHCR_TOKEN", "ghp_x"},
                                             {"GITHUB_ACTOR", "actor"},
                                             {"SPACEPORT_REGISTRY_GHCR_IO_USERNAME", "envuser"},
                                             {"SPACEPORT_REGISTRY_GHCR_IO_PASSWORD", "envpass"}};
  RegistryConfig plain;
  plain.host = "ghcr.io";
  RegistryConfig explicit_config = plain;
  explicit_config.credentials = Credentials{"cfg", "p", "controller config"};

  auto pick = [&](const RegistryConfig& c) {
    auto r = ResolveCredentials(c, FakeEnv(vars));
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? (*r)->username : std::string("<none>");
  };
  EXPECT_EQ(pick(explicit_config), "cfg");
  EXPECT_EQ(pick(plain), "envuser");
  vars.erase("SPACEPORT_REGISTRY_GHCR_IO_USERNAME");
  vars.erase("SPACEPORT_REGISTRY_GHCR_IO_PASSWORD");
  EXPECT_EQ(pick(plain), "actor");
  vars["GHCR_USERNAME"] = "ghcr-user";
  EXPECT_EQ(pick(plain), "ghcr-user");
  vars.erase("GHCR_TOKEN");
  EXPECT_EQ(pick(plain), "docker");
}

TEST(Credentials, EnvironmentNamesUpperCaseTheHostAndHalfSetPairsAreErrors) {
  EXPECT_EQ(EnvPrefixForHost("ghcr.io"), "SPACEPORT_REGISTRY_GHCR_IO");
  EXPECT_EQ(EnvPrefixForHost("127.0.0.1:5000"), "SPACEPORT_REGISTRY_127_0_0_1_5000");
  auto half = CredentialsFromEnvironment("ghcr.io",
                                         FakeEnv({{"SPACEPORT_REGISTRY_GHCR_IO_USERNAME", "u"}}));
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.status().code(), StatusCode::kInvalidArgument);
  auto other_host = CredentialsFromEnvironment("quay.io", FakeEnv({{"GHCR_TOKEN", "t"}}));
  ASSERT_TRUE(other_host.ok());
  EXPECT_FALSE(other_host->has_value()) << "GHCR_TOKEN applies to ghcr.io only";
}

}  // namespace
}  // namespace spaceport::oci
