// Where the Hub token and endpoint come from, and their precedence (docs/hub-auth.md).
#include "clients/hub/hub_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "hub/fake_hub.h"

namespace spaceport::hub {
namespace {

using testing::FakeEnv;

// A fresh directory under the system temp dir, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hub-config-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path p = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p.string();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(HubToken, PrecedenceIsExplicitThenEnvironmentThenTokenFile) {
  ScratchDir dir;
  const std::string home_file = dir.Write("home/.cache/huggingface/token", "hf_fromHomeFile\n");
  const std::string hf_home_file = dir.Write("hfhome/token", "hf_fromHfHome");
  const std::string xdg_file = dir.Write("xdg/huggingface/token", "hf_fromXdg");
  const std::string custom_file = dir.Write("custom/tok", "  hf_fromTokenPath \r\n");
  const std::string home = dir.path() + "/home";

  struct Case {
    std::string name;
    std::map<std::string, std::string> env;
    std::optional<std::string> explicit_token;
    std::string want_value;  // "" = anonymous
    std::string want_source;
  };
  const Case cases[] = {
      {"an explicit token wins over HF_TOKEN and every file",
       {{"HF_TOKEN", "hf_fromEnv"}, {"HOME", home}}, "hf_explicit", "hf_explicit",
       "explicit token"},
      {"HF_TOKEN wins over the token file", {{"HF_TOKEN", "hf_fromEnv"}, {"HOME", home}}, {},
       "hf_fromEnv", "HF_TOKEN"},
      {"an empty explicit token falls through to HF_TOKEN", {{"HF_TOKEN", "hf_fromEnv"}}, "  ",
       "hf_fromEnv", "HF_TOKEN"},
      {"the legacy HUGGING_FACE_HUB_TOKEN is read when HF_TOKEN is unset",
       {{"HUGGING_FACE_HUB_TOKEN", "hf_legacy"}, {"HOME", home}}, {}, "hf_legacy",
       "HUGGING_FACE_HUB_TOKEN"},
      {"an empty HF_TOKEN counts as unset", {{"HF_TOKEN", ""}, {"HOME", home}}, {},
       "hf_fromHomeFile", "token file " + home_file},
      {"HF_TOKEN_PATH names the file, trimmed of blanks and newlines",
       {{"HF_TOKEN_PATH", custom_file}, {"HF_HOME", dir.path() + "/hfhome"}, {"HOME", home}}, {},
       "hf_fromTokenPath", "token file " + custom_file},
      {"HF_HOME/token is used without HF_TOKEN_PATH",
       {{"HF_HOME", dir.path() + "/hfhome"}, {"HOME", home}}, {}, "hf_fromHfHome",
       "token file " + hf_home_file},
      {"XDG_CACHE_HOME/huggingface/token comes before HOME",
       {{"XDG_CACHE_HOME", dir.path() + "/xdg"}, {"HOME", home}}, {}, "hf_fromXdg",
       "token file " + xdg_file},
      {"~/.cache/huggingface/token is the last resort", {{"HOME", home}}, {}, "hf_fromHomeFile",
       "token file " + home_file},
      {"a missing HF_TOKEN_PATH file means anonymous, not the next file",
       {{"HF_TOKEN_PATH", dir.path() + "/nope"}, {"HOME", home}}, {}, "", ""},
      {"no variables at all means anonymous", {}, {}, "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto token = ResolveToken(FakeEnv(c.env), c.explicit_token);
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    if (c.want_value.empty()) {
      EXPECT_FALSE(token->has_value());
      continue;
    }
    ASSERT_TRUE(token->has_value());
    EXPECT_EQ((*token)->value, c.want_value);
    EXPECT_EQ((*token)->source, c.want_source);
  }
}

TEST(HubToken, ATokenPathThatIsNotAReadableFileIsAnError) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() + "/token-dir");
  auto token = ResolveToken(FakeEnv({{"HF_TOKEN_PATH", dir.path() + "/token-dir"}}));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(token.status().message().find("not a regular file"), std::string::npos);

  if (geteuid() != 0) {  // root reads any file
    const std::string file = dir.Write("token", "hf_secretInAFile");
    chmod(file.c_str(), 0);
    auto unreadable = ResolveToken(FakeEnv({{"HF_TOKEN_PATH", file}}));
    ASSERT_FALSE(unreadable.ok());
    EXPECT_EQ(unreadable.status().message().find("hf_secret"), std::string::npos);
  }
}

TEST(HubEndpoint, ComesFromHfEndpointNormalisedAndValidated) {
  struct Case {
    std::string name;
    std::map<std::string, std::string> env;
    std::string want;  // "" = error
    StatusCode want_code = StatusCode::kOk;
  };
  const Case cases[] = {
      {"the default is huggingface.co", {}, "https://huggingface.co"},
      {"HF_ENDPOINT replaces it, trailing slashes dropped",
       {{"HF_ENDPOINT", "https://hub.example.com//"}}, "https://hub.example.com"},
      {"a loopback emulator may use plain http", {{"HF_ENDPOINT", "http://127.0.0.1:8123"}},
       "http://127.0.0.1:8123"},
      {"an endpoint with a path is refused", {{"HF_ENDPOINT", "https://h.example/api"}}, "",
       StatusCode::kInvalidArgument},
      {"a non-URL is refused", {{"HF_ENDPOINT", "huggingface.co"}}, "",
       StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto endpoint = ResolveEndpoint(FakeEnv(c.env));
    if (c.want.empty()) {
      ASSERT_FALSE(endpoint.ok());
      EXPECT_EQ(endpoint.status().code(), c.want_code);
      continue;
    }
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    EXPECT_EQ(*endpoint, c.want);
  }
}

TEST(HubEndpoint, PlainHttpToARemoteHostIsRefusedUnlessExplicitlyAllowed) {
  auto config = ConfigFromEnvironment(FakeEnv({{"HF_ENDPOINT", "http://hub.example.com"}}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kFailedPrecondition);

  HubConfig allowed;
  allowed.endpoint = "http://hub.example.com";
  allowed.allow_plain_http = true;
  EXPECT_TRUE(allowed.Validate().ok());
}

TEST(HubConfigDescription, NamesTheTokenSourceNeverItsValue) {
  auto config = ConfigFromEnvironment(FakeEnv({{"HF_TOKEN", "hf_abcdefghijklmnopqrstuvwxyz"}}));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->TokenDescription(), "HF_TOKEN");
  HubConfig anonymous;
  EXPECT_EQ(anonymous.TokenDescription(), "anonymous");
}

}  // namespace
}  // namespace spaceport::hub
