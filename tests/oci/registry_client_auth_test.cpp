// RegistryClient authentication against a scripted transport: the Bearer flow (anonymous and with
// credentials), the token cache on a FakeClock, exactly one re-auth after a 401, and Basic.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/digest.h"
#include "base/base64.h"
#include "clients/oci/registry_client.h"
#include "clients/oci/registry_error.h"
#include "oci/fake_transport.h"

namespace spaceport::oci {
namespace {

using ::testing::ElementsAre;
using testing::FakeTransport;
using ::testing::IsEmpty;
using testing::Reply;

const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
    std::string(64, 'c') + R"(","size":2},"layers":[]})";
const std::string kManifestLine = "GET /v2/owner/app/manifests/v1";
const std::string kPullTokenLine =
    "GET https://auth.test/token?service=registry.test&scope=repository%3Aowner%2Fapp%3Apull";

http::Response ManifestReply() {
  return Reply(200, kManifest,
               {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                {"Docker-Content-Digest", "sha256:" + Sha256Hex(kManifest)}});
}

http::Response BearerChallenge(const std::string& scope, const std::string& error = "") {
  std::string v =
      R"(Bearer realm="https://auth.test/token",service="registry.test",scope=")" + scope + "\"";
  if (!error.empty()) v += ",error=\"" + error + "\"";
  return Reply(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
               {{"WWW-Authenticate", v}});
}

http::Response TokenReply(const std::string& token, const std::string& extra = "") {
  return Reply(200, R"({"token":")" + token + "\"" + extra + "}",
               {{"Content-Type", "application/json"}});
}

std::string AuthorizationOf(const http::Request& r) {
  return r.headers.Get("Authorization").value_or("");
}

class RegistryAuthTest : public testing::ScriptedRegistryTest {
 protected:
  void Make(std::optional<Credentials> credentials = std::nullopt) {
    ScriptedRegistryTest::Make({}, std::move(credentials));
  }
};

TEST_F(RegistryAuthTest, AnAnonymousPullFetchesAnAnonymousTokenAsGhcrRequires) {
  Make();
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(kPullTokenLine, TokenReply("anon-token"))
      .Expect(kManifestLine, ManifestReply());
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ExpectCleanScript();
  auto sent = transport_.requests();
  EXPECT_EQ(AuthorizationOf(sent[0]), "");
  EXPECT_EQ(AuthorizationOf(sent[1]), "") << "no credentials: the token request is anonymous";
  EXPECT_EQ(AuthorizationOf(sent[2]), "Bearer anon-token");
  EXPECT_EQ(client_->requests_sent(), 3);
  EXPECT_EQ(client_->token_requests(), 1);
}

TEST_F(RegistryAuthTest, CredentialsGoToTheTokenEndpointAsBasicAndNeverToTheRegistry) {
  Make(Credentials{"ciuser", "s3cret", "test"});
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(kPullTokenLine, TokenReply("user-token"))
      .Expect(kManifestLine, ManifestReply());
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  ExpectCleanScript();
  auto sent = transport_.requests();
  EXPECT_EQ(AuthorizationOf(sent[1]), "Basic " + Base64Encode("ciuser:s3cret"));
  EXPECT_EQ(AuthorizationOf(sent[2]), "Bearer user-token");
}

TEST_F(RegistryAuthTest, AWarmTokenIsSentUpFrontSoTheNextRequestIsOneRoundTrip) {
  Make();
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(kPullTokenLine, TokenReply("t1", R"(,"expires_in":300)"))
      .Expect(kManifestLine, ManifestReply())
      .Expect(kManifestLine, ManifestReply());
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  clock_.Advance(std::chrono::seconds(200));
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  ExpectCleanScript();
  EXPECT_EQ(AuthorizationOf(transport_.requests()[3]), "Bearer t1");
}

TEST_F(RegistryAuthTest, ATokenWithoutExpiresInIsRefreshedBeforeTheRequestAfter48Seconds) {
  Make();
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(kPullTokenLine, TokenReply("t1"))
      .Expect(kManifestLine, ManifestReply())
      .Expect(kPullTokenLine, TokenReply("t2"))
      .Expect(kManifestLine, ManifestReply());
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  clock_.Advance(std::chrono::seconds(48));
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  ExpectCleanScript();
  EXPECT_EQ(AuthorizationOf(transport_.requests()[4]), "Bearer t2");
}

TEST_F(RegistryAuthTest, InsufficientScopeReauthenticatesOnceWithTheUnionOfScopes) {
  Make(Credentials{"ciuser", "s3cret", "test"});
  // The publisher announces it will push; the first token is asked for pull and push at once.
  client_->ExpectAccess(ScopeSet{Scope::Push("owner/app")});
  const std::string both =
      "GET "
      "https://auth.test/token?service=registry.test&scope=repository%3Aowner%2Fapp%3Apull%2Cpush";
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(both, TokenReply("granted-less"))
      .Expect(kManifestLine, ManifestReply())
      // The server granted only pull: the push is refused and the client asks again, once.
      .Expect("POST /v2/owner/app/blobs/uploads/",
              BearerChallenge("repository:owner/app:pull,push", "insufficient_scope"))
      .Expect(both, TokenReply("granted-push"))
      .Expect("POST /v2/owner/app/blobs/uploads/",
              Reply(202, "", {{"Location", "/v2/owner/app/blobs/uploads/u1"}}))
      .Expect("PUT /v2/owner/app/blobs/uploads/u1?digest=*",
              Reply(201, "", {{"Location", "/v2/owner/app/blobs/sha256:x"}}));
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  auto pushed = client_->PushBlob("owner/app", "{}");
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  ExpectCleanScript();
  auto sent = transport_.requests();
  EXPECT_EQ(AuthorizationOf(sent[3]), "Bearer granted-less");
  EXPECT_EQ(AuthorizationOf(sent[5]), "Bearer granted-push");
  EXPECT_EQ(AuthorizationOf(sent[6]), "Bearer granted-push");
}

TEST_F(RegistryAuthTest, ASecond401AfterReauthenticatingIsFinalAndNamesNoToken) {
  Make(Credentials{"reader", "pw-123", "test"});
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(kPullTokenLine, TokenReply("useless-token"))
      .Expect(kManifestLine, BearerChallenge("repository:owner/app:pull", "insufficient_scope"));
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  ExpectCleanScript();
  EXPECT_EQ(m.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(ConditionReasonFor(m.status()), reason::kAuthFailed);
  EXPECT_EQ(m.status().message().find("useless-token"), std::string::npos);
  EXPECT_EQ(m.status().message().find("pw-123"), std::string::npos);
}

TEST_F(RegistryAuthTest, ARefusedTokenRequestIsAuthFailedWithoutThePassword) {
  Make(Credentials{"ciuser", "wrong-password",
                   "environment SPACEPORT_REGISTRY_REGISTRY_TEST_USERNAME/_PASSWORD"});
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(kPullTokenLine,
              Reply(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})"));
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  ExpectCleanScript();
  EXPECT_EQ(ConditionReasonFor(m.status()), reason::kAuthFailed);
  EXPECT_NE(m.status().message().find("environment SPACEPORT_REGISTRY_REGISTRY_TEST_USERNAME"),
            std::string::npos)
      << m.status().message();
  EXPECT_EQ(m.status().message().find("wrong-password"), std::string::npos);
}

TEST_F(RegistryAuthTest, AnAnonymousTokenRefusalSuggestsTheRepositoryIsPrivate) {
  Make();
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(kPullTokenLine, Reply(401));
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(m.status().message().find("may be private or missing"), std::string::npos)
      << m.status().message();
}

TEST_F(RegistryAuthTest, AccessTokenIsAcceptedWhenTokenIsAbsent) {
  Make();
  transport_.Expect(kManifestLine, BearerChallenge("repository:owner/app:pull"))
      .Expect(kPullTokenLine, Reply(200, R"({"access_token":"oauth-style","expires_in":120})"))
      .Expect(kManifestLine, ManifestReply());
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  EXPECT_EQ(AuthorizationOf(transport_.requests()[2]), "Bearer oauth-style");
}

TEST_F(RegistryAuthTest, AfterABasicChallengeEveryRequestCarriesBasicCredentials) {
  Make(Credentials{"ciuser", "s3cret", "test"});
  transport_
      .Expect(kManifestLine,
              Reply(401, "", {{"WWW-Authenticate", R"(Basic realm="test-basic-realm")"}}))
      .Expect(kManifestLine, ManifestReply())
      .Expect(kManifestLine, ManifestReply());
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  ExpectCleanScript();
  const std::string basic = "Basic " + Base64Encode("ciuser:s3cret");
  EXPECT_EQ(AuthorizationOf(transport_.requests()[1]), basic);
  EXPECT_EQ(AuthorizationOf(transport_.requests()[2]), basic);
}

TEST_F(RegistryAuthTest, RejectedBasicCredentialsAreTriedOnceAndNamedBySource) {
  Make(Credentials{"ciuser", "nope-pass", "docker config /x/config.json"});
  transport_.Expect(kManifestLine, Reply(401, "", {{"WWW-Authenticate", R"(Basic realm="r")"}}))
      .Expect(kManifestLine, Reply(401, "", {{"WWW-Authenticate", R"(Basic realm="r")"}}));
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  ExpectCleanScript();
  EXPECT_EQ(m.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(m.status().message().find("docker config /x/config.json"), std::string::npos);
  EXPECT_EQ(m.status().message().find("nope-pass"), std::string::npos);
}

TEST_F(RegistryAuthTest, ABasicChallengeWithoutCredentialsPointsAtTheDocs) {
  Make();
  transport_.Expect(kManifestLine, Reply(401, "", {{"WWW-Authenticate", R"(Basic realm="r")"}}));
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(ConditionReasonFor(m.status()), reason::kAuthFailed);
  EXPECT_NE(m.status().message().find("docs/registry-auth.md"), std::string::npos);
}

TEST_F(RegistryAuthTest, APlainHttpTokenRealmOnAnotherHostIsNeverContacted) {
  Make(Credentials{"ciuser", "s3cret", "test"});
  transport_.Expect(
      kManifestLine,
      Reply(401, "",
            {{"WWW-Authenticate", R"(Bearer realm="http://evil.test/token",service="x")"}}));
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  ExpectCleanScript();
  EXPECT_EQ(m.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(RegistryAuthTest, AMountAsksOneTokenForSourcePullAndDestinationPush) {
  Make(Credentials{"ciuser", "s3cret", "test"});
  const std::string digest = "sha256:" + std::string(64, 'a');
  const std::string mount = "POST /v2/owner/app-hf/blobs/uploads/?mount=sha256%3A" +
                            std::string(64, 'a') + "&from=owner%2Fapp";
  transport_.Expect(mount, BearerChallenge("repository:owner/app-hf:pull,push"))
      .Expect(
          "GET "
          "https://auth.test/"
          "token?service=registry.test&scope=repository%3Aowner%2Fapp%3Apull&scope=repository%"
          "3Aowner%2Fapp-hf%3Apull%2Cpush",
          TokenReply("mount-token"))
      .Expect(mount, Reply(201, "", {{"Docker-Content-Digest", digest}}));
  auto r = client_->MountBlob("owner/app-hf", digest, "owner/app");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectCleanScript();
  EXPECT_TRUE(r->mounted);
}

}  // namespace
}  // namespace spaceport::oci
