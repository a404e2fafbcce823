// A registry that lies (issue 13): bytes that do not match their digest, a Content-Type that
// contradicts the manifest or says nothing, a manifest over the OCI limit of 4 MiB (refused before
// it is read in full, over real loopback HTTP with support::EndlessBodyServer), a tag that moves
// between HEAD and GET, an upload start without a Location, an upload completed with a 200 or
// without a Location and no blob behind it. Each is refused with a clear reason,
// and no request that would write follows a refused answer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/digest.h"
#include "clients/oci/media_types.h"
#include "clients/oci/registry_client.h"
#include "clients/oci/registry_error.h"
#include "oci/fake_transport.h"
#include "support/endless_body_server.h"

namespace spaceport::oci {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::FakeTransport;
using testing::Reply;

using testing::DigestOf;
using testing::Served;
using testing::TestConfig;

const std::string kConfig = R"({"architecture":"amd64","os":"linux","config":{"Env":["A=1"]}})";
const std::string kImageNoType =
    R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
    DigestOf(kConfig) + R"(","size":)" + std::to_string(kConfig.size()) + R"(},"layers":[]})";
const std::string kImage =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
    DigestOf(kConfig) + R"(","size":)" + std::to_string(kConfig.size()) + R"(},"layers":[]})";
const std::string kOtherImage =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
    DigestOf(kConfig) + R"(","size":)" + std::to_string(kConfig.size()) +
    R"(},"layers":[],"annotations":{"moved":"yes"}})";

class LyingRegistry : public testing::ScriptedRegistryTest {
 protected:
  void SetUp() override { Make(); }
};

// --- digests ------------------------------------------------------------------------------------

TEST_F(LyingRegistry, AManifestByDigestWhoseBytesAreOtherIsDataLossNamingBothDigests) {
  const std::string wanted = DigestOf(kImage);
  transport_.Expect("GET /v2/owner/app/manifests/" + wanted, Served(kOtherImage, kOciManifest));
  auto m = client_->GetManifest("owner/app", wanted);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(m.status().message(), HasSubstr(DigestOf(kOtherImage)));
  EXPECT_THAT(m.status().message(), HasSubstr(wanted));
  EXPECT_EQ(ConditionReasonFor(m.status()), "DigestMismatch");
  ExpectCleanScript();
}

TEST_F(LyingRegistry, ATagWhoseDockerContentDigestIsNotItsBytesIsDataLoss) {
  http::Response lie = Served(kImage, kOciManifest);
  lie.headers.Set("Docker-Content-Digest", DigestOf(kOtherImage));
  transport_.Expect("GET /v2/owner/app/manifests/v1", lie);
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(m.status().message(), HasSubstr("the registry says " + DigestOf(kOtherImage)));
  ExpectCleanScript();
}

TEST_F(LyingRegistry, AConfigBlobWhoseBytesAreNotItsDigestIsDataLoss) {
  const std::string digest = DigestOf(kConfig);
  transport_.Expect("GET /v2/owner/app/blobs/" + digest,
                    Reply(200, R"({"architecture":"amd64","os":"linux","config":{"Env":["EVIL=1"]}})"));
  auto blob = client_->GetBlob("owner/app", digest, static_cast<int64_t>(kConfig.size()));
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(blob.status().message(), HasSubstr("digest mismatch"));
  ExpectCleanScript();
}

// --- Content-Type ----------------------------------------------------------------------------------

struct ContentTypeCase {
  std::string name;
  std::string body;
  std::optional<std::string> content_type;  // nullopt: none sent
  bool accepted;
  std::string message;  // part of the error when refused
};

TEST_F(LyingRegistry, AContentTypeThatContradictsOrCannotTellTheKindIsRefused) {
  const std::string ambiguous =
      R"({"schemaVersion":2,"manifests":[],"config":{"digest":")" + DigestOf(kConfig) +
      R"(","size":1},"layers":[]})";
  const std::vector<ContentTypeCase> cases = {
      {"the right type is accepted", kImage, std::string(kOciManifest), true, ""},
      {"a generic type with a typed document is accepted", kImage, "application/json", true, ""},
      {"the type fills in for a document without mediaType", kImageNoType,
       std::string(kOciManifest), true, ""},
      {"an index type for an image document is a contradiction", kImage, std::string(kOciIndex),
       false, "served as \"application/vnd.oci.image.index.v1+json\" but says it is"},
      {"an index type for an untyped image document lists no manifests", kImageNoType,
       std::string(kOciIndex), false, "lists no `manifests`"},
      {"no type and an untyped document cannot be told", kImageNoType, std::nullopt, false,
       "no mediaType in the document and no Content-Type"},
      {"an HTML error page type and an untyped document cannot be told", kImageNoType,
       "text/html; charset=utf-8", false, "Content-Type \"text/html\""},
      {"an index and an image at once is ambiguous", ambiguous, std::string(kOciIndex), false,
       "both `manifests` and `config`/`layers`"},
  };
  for (const ContentTypeCase& c : cases) {
    SCOPED_TRACE(c.name);
    FakeTransport transport;
    auto client = RegistryClient::Create(TestConfig(), transport, clock_);
    ASSERT_TRUE(client.ok());
    http::Headers headers{{"Docker-Content-Digest", DigestOf(c.body)}};
    if (c.content_type) headers.Add("Content-Type", *c.content_type);
    transport.Expect("GET /v2/owner/app/manifests/v1", Reply(200, c.body, headers));
    auto m = (*client)->GetManifest("owner/app", "v1");
    EXPECT_EQ(m.ok(), c.accepted) << (m.ok() ? "accepted" : m.status().ToString());
    if (!c.accepted && !m.ok()) {
      EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
      EXPECT_THAT(m.status().message(), HasSubstr(c.message));
      EXPECT_THAT(m.status().message(), HasSubstr("GET manifest owner/app:v1"));
    }
    EXPECT_THAT(transport.mismatches(), IsEmpty());
  }
}

// --- an index without our platform --------------------------------------------------------------

TEST_F(LyingRegistry, AnIndexWithoutOurPlatformIsImageMissingAndNoChildIsRead) {
  const std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      DigestOf(kImage) + R"(","size":)" + std::to_string(kImage.size()) +
      R"(,"platform":{"architecture":"s390x","os":"linux"}}]})";
  transport_.Expect("GET /v2/owner/app/manifests/v1", Served(index, kOciIndex));
  auto resolved = client_->ResolveImage("owner/app", "v1", Platform{"linux", "amd64", ""});
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(resolved.status().message(), HasSubstr("no manifest for platform linux/amd64"));
  EXPECT_THAT(resolved.status().message(), HasSubstr("it offers: linux/s390x"));
  ExpectCleanScript();
}

// --- a tag that moves between HEAD and GET ------------------------------------------------------

TEST_F(LyingRegistry, ATagThatMovesBetweenHeadAndGetIsReportedByTheDigestOfWhatWasRead) {
  // HEAD says the tag is kImage; by the GET it is kOtherImage. The client never labels the bytes
  // it read with the digest HEAD gave: the manifest's digest is that of its own bytes, so a
  // caller comparing it with HEAD's sees the move instead of mixing two images.
  transport_.Expect("HEAD /v2/owner/app/manifests/v1",
                    Reply(200, "", {{"Content-Type", std::string(kOciManifest)},
                                    {"Docker-Content-Digest", DigestOf(kImage)}}))
      .Expect("GET /v2/owner/app/manifests/v1", Served(kOtherImage, kOciManifest));
  auto head = client_->HeadManifest("owner/app", "v1");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  auto got = client_->GetManifest("owner/app", "v1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(head->digest, DigestOf(kImage));
  EXPECT_EQ(got->digest, DigestOf(kOtherImage));
  EXPECT_NE(got->digest, head->digest);
  ExpectCleanScript();
}

TEST_F(LyingRegistry, AMovedTagReadByTheDigestHeadGaveIsRefusedWhenTheBytesAreOther) {
  // The way to read exactly what HEAD named: GET by that digest. A registry that serves the moved
  // tag's bytes there is caught by the digest check.
  transport_.Expect("GET /v2/owner/app/manifests/" + DigestOf(kImage),
                    Served(kOtherImage, kOciManifest));
  auto got = client_->GetManifest("owner/app", DigestOf(kImage));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
  ExpectCleanScript();
}

// --- uploads without a Location -------------------------------------------------------------

struct UploadStartCase {
  std::string name;
  http::Response answer;
  StatusCode code;
  std::string message;
};

TEST_F(LyingRegistry, AnUploadStartWithoutASessionIsRefusedAndNothingIsPut) {
  const std::vector<UploadStartCase> cases = {
      {"200 to the POST", Reply(200), StatusCode::kFailedPrecondition,
       "answered 200 to the upload start"},
      {"204 to the POST", Reply(204), StatusCode::kFailedPrecondition,
       "answered 204 to the upload start"},
      {"202 without Location", Reply(202), StatusCode::kFailedPrecondition,
       "202 without an upload Location"},
      {"202 with an empty Location", Reply(202, "", {{"Location", "  "}}),
       StatusCode::kFailedPrecondition, "202 without an upload Location"},
      {"201 without a digest", Reply(201), StatusCode::kDataLoss,
       "completed an upload that is not ours"},
      {"201 for another digest",
       Reply(201, "", {{"Docker-Content-Digest", DigestOf("other")}, {"Location", "/v2/x"}}),
       StatusCode::kDataLoss, "completed an upload that is not ours"},
  };
  for (const UploadStartCase& c : cases) {
    SCOPED_TRACE(c.name);
    FakeTransport transport;
    auto client = RegistryClient::Create(TestConfig(), transport, clock_);
    ASSERT_TRUE(client.ok());
    transport.Expect("POST /v2/owner/app/blobs/uploads/", c.answer);
    auto pushed = (*client)->PushBlob("owner/app", kConfig, kOciConfig);
    ASSERT_FALSE(pushed.ok());
    EXPECT_EQ(pushed.status().code(), c.code) << pushed.status().ToString();
    EXPECT_THAT(pushed.status().message(), HasSubstr(c.message));
    EXPECT_THAT(pushed.status().message(), HasSubstr("upload blob " + DigestOf(kConfig)));
    EXPECT_THAT(transport.mismatches(), IsEmpty());  // no PUT after the POST
    EXPECT_EQ(transport.requests().size(), 1u);
  }
}

struct UploadEndCase {
  std::string name;
  http::Response answer;            // to the PUT that completes the upload
  std::optional<http::Response> head;  // to the HEAD that checks the blob, when one is expected
  bool pushed;
  std::string message;              // of the failure, when not pushed
};

// The completion of an upload (the PUT) is 201 with a Location. Any other success is taken only
// once a HEAD shows the blob there, whole.
TEST_F(LyingRegistry, AnUploadCompletedWithoutTheSpecsAnswerCountsOnlyWhenTheBlobIsThere) {
  const std::string digest = DigestOf(kConfig);
  const std::string size = std::to_string(kConfig.size());
  const std::vector<UploadEndCase> cases = {
      {"201 with a Location: no HEAD", Reply(201, "", {{"Location", "/v2/owner/app/blobs/" + digest}}),
       std::nullopt, true, ""},
      {"201 with our digest only: no HEAD", Reply(201, "", {{"Docker-Content-Digest", digest}}),
       std::nullopt, true, ""},
      {"200 without a Location, blob absent", Reply(200), Reply(404), false,
       "answered 200 without a Location to the upload's completion (the distribution spec asks "
       "for 201 with one) and does not hold the blob"},
      {"204 without a Location, blob absent", Reply(204), Reply(404), false,
       "answered 204 without a Location"},
      {"a bare 201, blob absent", Reply(201), Reply(404), false, "does not hold the blob"},
      {"200 without a Location, a shorter blob there", Reply(200),
       Reply(200, "", {{"Content-Length", "3"}}), false, "holds 3 bytes, not " + size},
      {"200 without a Location, the check itself is refused", Reply(200), Reply(403), false,
       "answered 200 without a Location"},
      {"200 without a Location, the blob there whole", Reply(200),
       Reply(200, "", {{"Content-Length", size}}), true, ""},
  };
  for (const UploadEndCase& c : cases) {
    SCOPED_TRACE(c.name);
    FakeTransport transport;
    auto client = RegistryClient::Create(TestConfig(), transport, clock_);
    ASSERT_TRUE(client.ok());
    transport.Expect("POST /v2/owner/app/blobs/uploads/",
                     Reply(202, "", {{"Location", "/v2/owner/app/blobs/uploads/u"}}))
        .Expect("PUT /v2/owner/app/blobs/uploads/u?digest=*", c.answer);
    if (c.head) transport.Expect("HEAD /v2/owner/app/blobs/" + digest, *c.head);
    auto pushed = (*client)->PushBlob("owner/app", kConfig, kOciConfig);
    EXPECT_EQ(pushed.ok(), c.pushed) << (pushed.ok() ? "pushed" : pushed.status().ToString());
    if (!pushed.ok()) {
      EXPECT_THAT(pushed.status().message(), HasSubstr(c.message));
      EXPECT_THAT(pushed.status().message(), HasSubstr("upload blob " + digest));
    }
    EXPECT_THAT(transport.mismatches(), IsEmpty());
    EXPECT_EQ(transport.remaining(), 0u);
  }
}

// --- bounded reads (real loopback HTTP) ---------------------------------------------------------

constexpr uint64_t kMiB = 1024 * 1024;

std::unique_ptr<RegistryClient> LoopbackClient(const support::EndlessBodyServer& server) {
  RegistryConfig config;
  config.host = "registry.test";
  config.endpoint = server.base_url();
  config.insecure = true;
  auto client = RegistryClient::Create(config, RealClock::Instance());
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

TEST(LyingRegistryLoopback, AManifestThatNeverEndsIsRefusedAtFourMiBWithBoundedMemory) {
  support::EndlessBodyServer server(
      {.content_type = std::string(kOciManifest), .prefix = R"({"schemaVersion":2,"x":")",
       .filler = "a"});
  auto client = LoopbackClient(server);
  ASSERT_NE(client, nullptr);
  const int64_t rss_before = support::RssKib();
  auto m = client->GetManifest("owner/app", "v1");
  const int64_t rss_growth_kib = support::RssKib() - rss_before;
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << m.status().ToString();
  EXPECT_THAT(m.status().message(), HasSubstr("exceeds 4194304 bytes"));
  EXPECT_NE(ConditionReasonFor(m.status()), "RateLimited");
  EXPECT_LT(server.bytes_sent(), 64 * kMiB);
  EXPECT_LT(rss_growth_kib, 64 * 1024) << "RSS grew by " << rss_growth_kib << " KiB";
  std::printf("[ figure ] endless manifest: server wrote %llu bytes, RSS +%lld KiB\n",
              static_cast<unsigned long long>(server.bytes_sent()),
              static_cast<long long>(rss_growth_kib));
}

TEST(LyingRegistryLoopback, AManifestWhoseLengthIsOverTheLimitIsRefusedUnread) {
  support::EndlessBodyServer server({.content_type = std::string(kOciManifest),
                                     .content_length = 5 * kMiB,
                                     .prefix = R"({"schemaVersion":2,"x":")",
                                     .filler = "a"});
  auto client = LoopbackClient(server);
  ASSERT_NE(client, nullptr);
  auto m = client->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(m.status().message(), HasSubstr("exceeds 4194304 bytes"));
}

TEST(LyingRegistryLoopback, ATagListThatNeverEndsIsRefusedWithBoundedMemory) {
  support::EndlessBodyServer server(
      {.content_type = "application/json", .prefix = R"({"name":"owner/app","tags":[)",
       .filler = R"("v1",)"});
  auto client = LoopbackClient(server);
  ASSERT_NE(client, nullptr);
  const int64_t rss_before = support::RssKib();
  auto tags = client->ListTags("owner/app");
  const int64_t rss_growth_kib = support::RssKib() - rss_before;
  ASSERT_FALSE(tags.ok());
  EXPECT_EQ(tags.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(tags.status().message(), HasSubstr("list tags of owner/app"));
  EXPECT_LT(server.bytes_sent(), 64 * kMiB);
  EXPECT_LT(rss_growth_kib, 64 * 1024) << "RSS grew by " << rss_growth_kib << " KiB";
}

}  // namespace
}  // namespace spaceport::oci
