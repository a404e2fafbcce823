// The test harness in tests/support checked against independent tools: the token server's key id
// against the openssl CLI, its grants as the reference specifies, the registry's three auth modes,
// and the seeder's layers against tar.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"
#include "base/base64.h"
#include "clients/oci/challenge.h"
#include "support/image_seeder.h"
#include "support/process.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"
#include "support/token_server.h"

namespace spaceport::support {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The claims of a JWT (its middle part, base64url).
Json Claims(const std::string& jwt) {
  size_t a = jwt.find('.');
  size_t b = jwt.find('.', a + 1);
  std::string part = jwt.substr(a + 1, b - a - 1);
  for (char& c : part) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  auto decoded = Base64Decode(part);
  auto doc = Json::Parse(decoded.value_or(""));
  return doc.ok() ? *doc : Json();
}

class TokenServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TokenServer::Options o;
    o.users = {{"ciuser", "pw"}};
    o.public_repositories = {"owner/public"};
    auto s = TokenServer::Start(dir_.path(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
  }
  Result<http::Response> Get(const std::string& query, const std::string& authorization = "") {
    http::Request r;
    r.url = server_->realm() + "?" + query;
    if (!authorization.empty()) r.headers.Set("Authorization", authorization);
    return transport_->Send(r);
  }
  // The access claim as "name:actions" strings.
  std::vector<std::string> Access(const http::Response& r) {
    auto body = Json::Parse(r.body);
    EXPECT_TRUE(body.ok());
    std::vector<std::string> out;
    Json claims = Claims(body->GetString("token"));
    const Json* access = claims.Find("access");
    for (size_t i = 0; access != nullptr && i < access->size(); ++i) {
      std::string actions;
      const Json* list = access->At(i).Find("actions");
      for (size_t j = 0; j < list->size(); ++j) actions += (j ? "," : "") + list->At(j).AsString();
      out.push_back(access->At(i).GetString("name") + ":" + actions);
    }
    return out;
  }

  TempDir dir_{"token-server-test"};
  std::unique_ptr<TokenServer> server_;
  std::unique_ptr<http::Transport> transport_ = http::MakeTransport({});
};

TEST_F(TokenServerTest, TheKeyIdIsTheLibtrustFingerprintOpensslComputes) {
  CommandResult der =
      RunCommand({"sh", "-c",
                  "openssl x509 -in '" + server_->cert_path() +
                      "' -pubkey -noout | openssl pkey -pubin -outform DER | "
                      "openssl dgst -sha256 -binary | head -c 30 | base32 | tr -d '=\\n'"});
  ASSERT_EQ(der.exit_code, 0) << der.output;
  std::string grouped;
  for (size_t i = 0; i < der.output.size(); i += 4)
    grouped += (i ? ":" : "") + der.output.substr(i, 4);
  EXPECT_EQ(server_->kid(), grouped);
  EXPECT_EQ(server_->kid().size(), 59u) << "48 characters in 12 groups of 4";
}

TEST_F(TokenServerTest, AUserGetsWhatItAsksForWithClaimsAsTheRegistryExpects) {
  auto r = Get("service=test-registry&scope=repository:owner/app:pull,push&account=ciuser",
               "Basic " + Base64Encode("ciuser:pw"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(Access(*r), ElementsAre("owner/app:pull,push"));
  auto body = Json::Parse(r->body);
  EXPECT_EQ(body->GetString("token"), body->GetString("access_token"));
  EXPECT_EQ(body->Find("expires_in")->AsInt(), 300);
  Json claims = Claims(body->GetString("token"));
  EXPECT_EQ(claims.GetString("iss"), "test-token-issuer");
  EXPECT_EQ(claims.GetString("sub"), "ciuser");
  EXPECT_EQ(claims.GetString("aud"), "test-registry");
  EXPECT_EQ(*claims.Find("exp")->AsInt() - *claims.Find("iat")->AsInt(), 300);
}

TEST_F(TokenServerTest, GrantsFollowTheReferencesRules) {
  struct Case {
    std::string name;
    std::string query;
    std::string authorization;
    std::vector<std::string> access;
  };
  const std::string user = "Basic " + Base64Encode("ciuser:pw");
  const Case cases[] = {
      {"anonymous callers get pull on a public repository only",
       "service=s&scope=repository:owner/public:pull,push",
       "",
       {"owner/public:pull"}},
      {"anonymous callers get nothing on a private repository",
       "service=s&scope=repository:owner/app:pull",
       "",
       {"owner/app:"}},
      {"space-joined scopes in one parameter are all granted",
       "service=s&scope=repository:owner/a:pull%20repository:owner/b:pull,push",
       user,
       {"owner/a:pull", "owner/b:pull,push"}},
      {"repeated scope parameters are all granted",
       "service=s&scope=repository:owner/a:pull&scope=repository:owner/b:push",
       user,
       {"owner/a:pull", "owner/b:push"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = Get(c.query, c.authorization);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(Access(*r), c.access);
  }
}

TEST_F(TokenServerTest, BadCredentialsGet401WithARegistryErrorBody) {
  auto r =
      Get("service=s&scope=repository:owner/app:pull", "Basic " + Base64Encode("ciuser:nope"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body, R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})");
  EXPECT_EQ(server_->requests().back().user, "!bad");
}

TEST(RegistryProcessTest, EachModeAnswersV2AsConfiguredAndStopsByPid) {
  TempDir dir("registry-modes");
  auto tokens = TokenServer::Start(dir.path(), {});
  ASSERT_TRUE(tokens.ok());
  auto transport = http::MakeTransport({});
  struct Case {
    std::string name;
    RegistryAuth auth;
    int status;
    std::string scheme;
  };
  for (const Case& c : {Case{"no auth", RegistryAuth::kNone, 200, ""},
                        Case{"htpasswd", RegistryAuth::kHtpasswd, 401, "Basic"},
                        Case{"token", RegistryAuth::kToken, 401, "Bearer"}}) {
    SCOPED_TRACE(c.name);
    RegistryProcess::Options o;
    o.auth = c.auth;
    o.token_server = tokens->get();
    auto registry = RegistryProcess::Start(o);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    http::Request probe;
    probe.url = (*registry)->endpoint() + "/v2/";
    auto r = transport->Send(probe);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, c.status);
    if (!c.scheme.empty()) {
      auto challenges = oci::ParseChallenges(r->headers.Get("WWW-Authenticate").value_or(""));
      ASSERT_TRUE(challenges.ok());
      EXPECT_TRUE(challenges->front().Is(c.scheme));
      if (c.auth == RegistryAuth::kToken) {
        EXPECT_EQ(challenges->front().Param("realm"), (*tokens)->realm());
      }
    }
    (*registry)->Stop();
    EXPECT_FALSE(transport->Send(probe).ok()) << "nothing listens after Stop()";
  }
}

TEST(ImageSeederTest, LayersAreRealTarGzipsAndLargeOnesPushIntact) {
  TempDir dir("seeder");
  auto registry = RegistryProcess::Start({});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  ImageSeeder seeder(dir.path());
  ImageSpec spec;
  spec.layer_bytes = 24 * 1024 * 1024;  // above the size where layers are stored, not deflated
  auto image = seeder.Push(**registry, "owner/big", "v1", spec);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_GT(image->layer_size, static_cast<int64_t>(spec.layer_bytes));

  std::string blob =
      (dir.path() / "layout-1" / "blobs" / "sha256" / image->layer_digest.substr(7)).string();
  CommandResult listing = RunCommand({"tar", "-tvzf", blob});
  ASSERT_EQ(listing.exit_code, 0) << listing.output;
  EXPECT_THAT(listing.output, HasSubstr("app/hello.txt"));
  EXPECT_THAT(listing.output, HasSubstr(std::to_string(spec.layer_bytes) + " 2026-01-01"));

  // skopeo re-verifies every blob digest when copying out of the registry.
  CommandResult copy = RunCommand({"skopeo", "copy", "--quiet", "--src-tls-verify=false",
                                   "docker://" + (*registry)->host() + "/owner/big:v1",
                                   "oci:" + (dir.path() / "copy").string() + ":v1"});
  EXPECT_EQ(copy.exit_code, 0) << copy.output;
}

TEST(ImageSeederTest, TheSameSpecAndSeedGiveTheSameDigests) {
  TempDir dir("seeder");
  auto registry = RegistryProcess::Start({});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  ImageSeeder seeder(dir.path());
  ImageSpec spec;
  spec.architectures = {"amd64", "arm64"};
  auto a = seeder.Push(**registry, "owner/a", "v1", spec);
  auto b = seeder.Push(**registry, "owner/b", "v1", spec);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->digest, b->digest);
  EXPECT_EQ(a->platform_digests, b->platform_digests);
  spec.seed = 2;
  auto c = seeder.Push(**registry, "owner/c", "v1", spec);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->layer_digest, a->layer_digest);
}

}  // namespace
}  // namespace spaceport::support
