// Registry credentials and tokens reach only the origin they belong to (issue 13, "secrets never
// leak"): a redirect of a manifest to another host, a token realm that redirects elsewhere, a
// bearer token never shown to the realm, and a registry map whose entries each keep their own
// credentials. The existing auth tests cover the Bearer flow itself and a plain-http realm.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/digest.h"
#include "clients/oci/registries.h"
#include "clients/oci/registry_client.h"
#include "oci/fake_transport.h"

namespace spaceport::oci {
namespace {

using ::testing::IsEmpty;
using testing::FakeTransport;
using testing::Reply;

const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
    std::string(64, 'c') + R"(","size":2},"layers":[]})";
const std::string kBasic = "Basic " + Base64Encode("ciuser:s3cret");

http::Response ManifestReply() {
  return Reply(200, kManifest,
               {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                {"Docker-Content-Digest", "sha256:" + Sha256Hex(kManifest)}});
}

http::Response Challenge(const std::string& realm) {
  return Reply(401, "",
               {{"WWW-Authenticate", "Bearer realm=\"" + realm +
                                         "\",service=\"registry.test\",scope=\"repository:owner/"
                                         "app:pull\""}});
}

std::string AuthorizationOf(const http::Request& r) {
  return r.headers.Get("Authorization").value_or("");
}

std::unique_ptr<RegistryClient> MakeClient(http::Transport& transport, Clock& clock) {
  RegistryConfig config;
  config.host = "registry.test";
  config.credentials = Credentials{"ciuser", "s3cret", "test"};
  auto client = RegistryClient::Create(config, transport, clock);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

TEST(RegistryTokenOrigin, AManifestRedirectedToAnotherHostGetsNoToken) {
  FakeClock clock;
  FakeTransport transport;
  auto client = MakeClient(transport, clock);
  transport.Expect("GET /v2/owner/app/manifests/v1", Challenge("https://auth.test/token"))
      .Expect("GET https://auth.test/token?service=registry.test&scope=repository%3Aowner%2Fapp%3Apull",
              Reply(200, R"({"token":"registry-token"})"))
      .Expect("GET /v2/owner/app/manifests/v1",
              Reply(307, "", {{"Location", "https://mirror.test/v2/owner/app/manifests/v1"}}))
      .Expect("GET https://mirror.test/v2/owner/app/manifests/v1", ManifestReply());
  auto m = client->GetManifest("owner/app", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_THAT(transport.mismatches(), IsEmpty());
  const auto sent = transport.requests();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(AuthorizationOf(sent[1]), kBasic);                     // the realm: credentials
  EXPECT_EQ(AuthorizationOf(sent[2]), "Bearer registry-token");    // the registry: its token
  EXPECT_EQ(AuthorizationOf(sent[3]), "");                          // another host: nothing
}

TEST(RegistryTokenOrigin, ATokenRealmThatRedirectsToAnotherHostLosesTheCredentials) {
  FakeClock clock;
  FakeTransport transport;
  auto client = MakeClient(transport, clock);
  transport.Expect("GET /v2/owner/app/manifests/v1", Challenge("https://auth.test/token"))
      .Expect("GET https://auth.test/token?service=registry.test&scope=repository%3Aowner%2Fapp%3Apull",
              Reply(302, "", {{"Location", "https://collector.test/token"}}))
      .Expect("GET https://collector.test/token", Reply(200, R"({"token":"t"})"))
      .Expect("GET /v2/owner/app/manifests/v1", ManifestReply());
  auto m = client->GetManifest("owner/app", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto sent = transport.requests();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(AuthorizationOf(sent[1]), kBasic);
  EXPECT_EQ(AuthorizationOf(sent[2]), "") << "the password followed a redirect to another host";
}

TEST(RegistryTokenOrigin, TheRegistrysTokenIsNeverSentToTheRealmAndCredentialsNeverToTheRegistry) {
  FakeClock clock;
  FakeTransport transport;
  auto client = MakeClient(transport, clock);
  // The realm sees the credentials and never a token; the registry sees its token and never the
  // credentials.
  transport.Expect("GET /v2/owner/app/manifests/v1", Challenge("https://auth.test/token"))
      .Expect("GET https://auth.test/token?service=registry.test&scope=repository%3Aowner%2Fapp%3Apull",
              Reply(200, R"({"token":"registry-token"})"))
      .Expect("GET /v2/owner/app/manifests/v1", ManifestReply());
  ASSERT_TRUE(client->GetManifest("owner/app", "v1").ok());
  for (const http::Request& r : transport.requests()) {
    const std::string line = transport.LineOf(r);
    if (line.find("auth.test") != std::string::npos) {
      EXPECT_EQ(AuthorizationOf(r), kBasic) << line;
    } else {
      EXPECT_NE(AuthorizationOf(r), kBasic) << line;
    }
  }
}

TEST(RegistryTokenOrigin, EachRegistryMapEntryKeepsItsOwnCredentials) {
  // Two entries, one shared transport: a's password goes to a's endpoint only, b's to b's, and a
  // host without an entry gets none.
  FakeClock clock;
  support::ScriptedTransport transport({});
  RegistryConfig a;
  a.host = "a.test";
  a.credentials = Credentials{"alice", "a-secret", "entry"};
  RegistryConfig b;
  b.host = "b.test";
  b.endpoint = "https://b-mirror.test";
  b.credentials = Credentials{"bob", "b-secret", "entry"};
  Registries::Options options;
  options.transport = &transport;
  options.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  Registries registries({a, b}, clock, options);

  const auto basic_challenge = Reply(401, "", {{"WWW-Authenticate", R"(Basic realm="r")"}});
  transport.Expect("GET https://a.test/v2/x/manifests/v1", basic_challenge)
      .Expect("GET https://a.test/v2/x/manifests/v1", ManifestReply())
      .Expect("GET https://b-mirror.test/v2/x/manifests/v1", basic_challenge)
      .Expect("GET https://b-mirror.test/v2/x/manifests/v1", ManifestReply())
      .Expect("GET https://c.test/v2/x/manifests/v1", basic_challenge);
  for (const char* host : {"a.test", "b.test", "c.test"}) {
    auto client = registries.For(host);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    (void)(*client)->GetManifest("x", "v1");
  }
  EXPECT_THAT(transport.mismatches(), IsEmpty());
  const auto sent = transport.requests();
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_EQ(AuthorizationOf(sent[1]), "Basic " + Base64Encode("alice:a-secret"));
  EXPECT_EQ(AuthorizationOf(sent[3]), "Basic " + Base64Encode("bob:b-secret"));
  for (const http::Request& r : sent) {
    const std::string auth = AuthorizationOf(r);
    if (r.url.find("a.test") == std::string::npos) {
      EXPECT_EQ(auth.find(Base64Encode("alice:a-secret")), std::string::npos) << r.url;
    }
    if (r.url.find("b-mirror.test") == std::string::npos) {
      EXPECT_EQ(auth.find(Base64Encode("bob:b-secret")), std::string::npos) << r.url;
    }
  }
  EXPECT_EQ(AuthorizationOf(sent[4]), "");
}

}  // namespace
}  // namespace spaceport::oci
