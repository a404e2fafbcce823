// RegistryClient content operations against a scripted transport (no auth): manifests and their
// verification, platform resolution, tag pagination, blob reads, uploads, mounts, manifest PUTs.
#include "clients/oci/registry_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/digest.h"
#include "clients/oci/media_types.h"
#include "clients/oci/registry_error.h"
#include "oci/fake_transport.h"

namespace spaceport::oci {
namespace {

using ::testing::ElementsAre;
using testing::FakeTransport;
using ::testing::IsEmpty;
using testing::Reply;

using testing::DigestOf;
using testing::Served;
std::string Hex(const std::string& digest) { return digest.substr(7); }

const std::string kConfig = R"({"architecture":"arm64","os":"linux","config":{"Env":["A=1"]}})";
const std::string kImage =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
    DigestOf(kConfig) + R"(","size":)" + std::to_string(kConfig.size()) +
    R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:)" +
    std::string(64, '1') + R"(","size":1000}]})";
const std::string kIndex =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
    R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
    std::string(64, '9') +
    R"(","size":9,"platform":{"architecture":"unknown","os":"unknown"}},)"
    R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
    DigestOf(kImage) + R"(","size":)" + std::to_string(kImage.size()) +
    R"(,"platform":{"architecture":"arm64","os":"linux"}}]})";

class RegistryClientTest : public testing::ScriptedRegistryTest {
 protected:
  void SetUp() override { Make(); }
};

TEST_F(RegistryClientTest, ManifestRequestsAcceptAllFourManifestTypes) {
  transport_.Expect("GET /v2/owner/app/manifests/v1", Served(kImage, kOciManifest));
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(transport_.requests()[0].headers.Get("Accept"), std::string(kManifestAccept));
  EXPECT_EQ(m->digest, DigestOf(kImage));
  EXPECT_EQ(m->bytes, kImage);
}

TEST_F(RegistryClientTest, ResolveImagePicksThePlatformChildByDigestSkippingTheAttestation) {
  transport_.Expect("GET /v2/owner/app/manifests/v1-multi", Served(kIndex, kOciIndex))
      .Expect("GET /v2/owner/app/manifests/" + DigestOf(kImage), Served(kImage, kOciManifest));
  auto r = client_->ResolveImage("owner/app", "v1-multi", *Platform::Parse("arm64"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectCleanScript();
  EXPECT_TRUE(r->top.IsIndex());
  EXPECT_EQ(r->image.digest, DigestOf(kImage));
  ASSERT_TRUE(r->chosen.has_value());
  EXPECT_EQ(r->chosen->platform->architecture, "arm64");
}

TEST_F(RegistryClientTest, ATamperedChildIsDataLossAndNothingMoreIsRequested) {
  std::string tampered = kImage;
  tampered[tampered.size() - 2] = ' ';
  transport_.Expect("GET /v2/owner/app/manifests/v1-multi", Served(kIndex, kOciIndex))
      .Expect("GET /v2/owner/app/manifests/" + DigestOf(kImage),
              Served(tampered, kOciManifest, false));
  auto r = client_->ResolveImage("owner/app", "v1-multi", *Platform::Parse("arm64"));
  ASSERT_FALSE(r.ok());
  ExpectCleanScript();
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ConditionReasonFor(r.status()), reason::kDigestMismatch);
  EXPECT_EQ(transport_.requests().size(), 2u);
}

TEST_F(RegistryClientTest, ADockerContentDigestThatDisagreesWithTheBytesIsDataLoss) {
  http::Response lying = Served(kImage, kOciManifest, false);
  lying.headers.Set("Docker-Content-Digest", "sha256:" + std::string(64, 'f'));
  transport_.Expect("GET /v2/owner/app/manifests/v1", lying);
  auto m = client_->GetManifest("owner/app", "v1");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(m.status().message().find("digest mismatch"), std::string::npos);
}

TEST_F(RegistryClientTest, AMissingPlatformIsImageMissingWithTheOfferedPlatforms) {
  transport_.Expect("GET /v2/owner/app/manifests/v1-multi", Served(kIndex, kOciIndex));
  auto r = client_->ResolveImage("owner/app", "v1-multi", *Platform::Parse("amd64"));
  ASSERT_FALSE(r.ok());
  ExpectCleanScript();
  EXPECT_EQ(ConditionReasonFor(r.status()), reason::kImageMissing);
  EXPECT_NE(r.status().message().find("offers: linux/arm64"), std::string::npos)
      << r.status().message();
}

TEST_F(RegistryClientTest, AManifestOverTheSizeCapIsRefused) {
  RegistryClientOptions small;
  small.max_manifest_bytes = 64;
  Make(small);
  transport_.Expect("GET /v2/owner/app/manifests/v1", Served(kImage, kOciManifest));
  auto m = client_->GetManifest("owner/app", "v1");
  // An invalid answer, not a rate limit (kResourceExhausted would report RateLimited).
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport_.last().max_response_bytes, 64u) << "the transport is told the cap";
}

TEST_F(RegistryClientTest, HeadManifestReportsTheRegistrysDigestAndMissingTagsAsImageMissing) {
  transport_
      .Expect("HEAD /v2/owner/app/manifests/v1",
              Reply(200, "",
                    {{"Docker-Content-Digest", DigestOf(kImage)},
                     {"Content-Type", std::string(kOciManifest)},
                     {"Content-Length", std::to_string(kImage.size())}}))
      .Expect("HEAD /v2/owner/app/manifests/v9", Reply(404));
  auto d = client_->HeadManifest("owner/app", "v1");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->digest, DigestOf(kImage));
  EXPECT_EQ(d->media_type, kOciManifest);
  EXPECT_EQ(d->size, static_cast<int64_t>(kImage.size()));
  auto missing = client_->HeadManifest("owner/app", "v9");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ConditionReasonFor(missing.status()), reason::kImageMissing);
  ExpectCleanScript();
}

TEST_F(RegistryClientTest, TagsAreCollectedAcrossLinkPagesAndSorted) {
  transport_
      .Expect("GET /v2/owner/app/tags/list?n=1000",
              Reply(200, R"({"name":"owner/app","tags":["v2","v1"]})",
                    {{"Link", R"(</v2/owner/app/tags/list?last=v2&n=2>; rel="next")"}}))
      .Expect(
          "GET /v2/owner/app/tags/list?last=v2&n=2",
          Reply(200, R"({"name":"owner/app","tags":["v3"]})",
                {{"Link",
                  R"(<https://registry.test/v2/owner/app/tags/list?last=v3&n=2>; rel="next")"}}))
      .Expect("GET /v2/owner/app/tags/list?last=v3&n=2",
              Reply(200, R"({"name":"owner/app","tags":["a0"]})"));
  auto tags = client_->ListTags("owner/app");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  ExpectCleanScript();
  EXPECT_THAT(*tags, ElementsAre("a0", "v1", "v2", "v3"));
}

TEST_F(RegistryClientTest, ARegistryThatIgnoresNReturnsEverythingOnOnePage) {
  // distribution 2.8: no Link, unsorted, more tags than n.
  transport_.Expect("GET /v2/owner/app/tags/list?n=2",
                    Reply(200, R"({"name":"owner/app","tags":["v3","v1","hf-amd64-v1","v2"]})"));
  RegistryClientOptions options;
  options.tag_page_size = 2;
  Make(options);
  auto tags = client_->ListTags("owner/app");
  ASSERT_TRUE(tags.ok());
  ExpectCleanScript();
  EXPECT_THAT(*tags, ElementsAre("hf-amd64-v1", "v1", "v2", "v3"));
}

TEST_F(RegistryClientTest, ARegistryThatIgnoresLastAndRepeatsThePageStopsWhenNothingIsNew) {
  http::Response same =
      Reply(200, R"({"name":"owner/app","tags":["v1","v2"]})",
            {{"Link", R"(</v2/owner/app/tags/list?last=v2&n=1000>; rel="next")"}});
  transport_.Expect("GET /v2/owner/app/tags/list?n=1000", same)
      .Expect("GET /v2/owner/app/tags/list?last=v2&n=1000", same);
  auto tags = client_->ListTags("owner/app");
  ASSERT_TRUE(tags.ok());
  ExpectCleanScript();
  EXPECT_THAT(*tags, ElementsAre("v1", "v2"));
}

TEST_F(RegistryClientTest, MorePagesThanTheCapIsAnErrorNotAPartialList) {
  RegistryClientOptions options;
  options.max_tag_pages = 2;
  Make(options);
  transport_
      .Expect("GET /v2/owner/app/tags/list?n=1000",
              Reply(200, R"({"tags":["a"]})",
                    {{"Link", R"(</v2/owner/app/tags/list?last=a>; rel="next")"}}))
      .Expect("GET /v2/owner/app/tags/list?last=a",
              Reply(200, R"({"tags":["b"]})",
                    {{"Link", R"(</v2/owner/app/tags/list?last=b>; rel="next")"}}));
  auto tags = client_->ListTags("owner/app");
  ASSERT_FALSE(tags.ok());
  ExpectCleanScript();
  EXPECT_EQ(tags.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(RegistryClientTest, ATagLinkToAnotherOriginIsNotFollowed) {
  transport_.Expect(
      "GET /v2/owner/app/tags/list?n=1000",
      Reply(200, R"({"tags":["a"]})", {{"Link", R"(<https://elsewhere.test/v2/x>; rel="next")"}}));
  auto tags = client_->ListTags("owner/app");
  ASSERT_FALSE(tags.ok());
  ExpectCleanScript();
}

TEST_F(RegistryClientTest, AnEmptyRepositoryHasNoTagsAndAnUnknownOneIsNotFound) {
  transport_
      .Expect("GET /v2/owner/app/tags/list?n=1000",
              Reply(200, R"({"name":"owner/app","tags":null})"))
      .Expect(
          "GET /v2/owner/none/tags/list?n=1000",
          Reply(
              404,
              R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})"));
  auto empty = client_->ListTags("owner/app");
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(*empty, IsEmpty());
  EXPECT_EQ(client_->ListTags("owner/none").status().code(), StatusCode::kNotFound);
  ExpectCleanScript();
}

TEST_F(RegistryClientTest, ABlobIsVerifiedAgainstItsDigestAndSize) {
  const std::string digest = DigestOf(kConfig);
  transport_.Expect("GET /v2/owner/app/blobs/" + digest, Reply(200, kConfig))
      .Expect("GET /v2/owner/app/blobs/" + digest, Reply(200, kConfig + " "))
      .Expect("GET /v2/owner/app/blobs/" + digest, Reply(200, kConfig));
  auto good = client_->GetBlob("owner/app", digest);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, kConfig);
  EXPECT_EQ(client_->GetBlob("owner/app", digest).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(client_->GetBlob("owner/app", digest, 3).status().code(), StatusCode::kDataLoss);
  ExpectCleanScript();
}

TEST_F(RegistryClientTest, ABlobRedirectToStorageIsFollowedWithoutCredentials) {
  RegistryConfig config;
  config.host = "registry.test";
  config.credentials = Credentials{"ciuser", "s3cret", "test"};
  auto client = RegistryClient::Create(config, transport_, clock_);
  ASSERT_TRUE(client.ok());
  const std::string digest = DigestOf(kConfig);
  transport_
      .Expect("GET /v2/owner/app/blobs/" + digest,
              Reply(401, "", {{"WWW-Authenticate", R"(Basic realm="r")"}}))
      .Expect("GET /v2/owner/app/blobs/" + digest,
              Reply(307, "", {{"Location", "https://storage.test/blobs/x?sig=1"}}))
      .Expect("GET https://storage.test/blobs/x?sig=1", Reply(200, kConfig));
  auto blob = (*client)->GetBlob("owner/app", digest);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  ExpectCleanScript();
  EXPECT_TRUE(transport_.requests()[1].headers.Has("Authorization"));
  EXPECT_FALSE(transport_.requests()[2].headers.Has("Authorization"));
}

TEST_F(RegistryClientTest, StatBlobTellsPresentFromAbsent) {
  const std::string digest = DigestOf(kConfig);
  transport_
      .Expect("HEAD /v2/owner/app/blobs/" + digest, Reply(200, "", {{"Content-Length", "61"}}))
      .Expect("HEAD /v2/owner/app/blobs/" + digest, Reply(404));
  auto present = client_->StatBlob("owner/app", digest);
  ASSERT_TRUE(present.ok() && present->has_value());
  EXPECT_EQ((*present)->size, 61);
  auto absent = client_->StatBlob("owner/app", digest);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  ExpectCleanScript();
}

TEST_F(RegistryClientTest, UploadLocationsAreResolvedAndGetTheDigestAppendedCorrectly) {
  struct Case {
    std::string name;
    std::string location;
    std::string put_line;
  };
  const std::string bytes = "{\"a\":1}";
  const std::string encoded = "sha256%3A" + Hex(DigestOf(bytes));
  const Case cases[] = {
      {"a relative Location with a query gets &digest=",
       "/v2/owner/app/blobs/uploads/u1?_state=abc",
       "PUT /v2/owner/app/blobs/uploads/u1?_state=abc&digest=" + encoded},
      {"an absolute Location without a query gets ?digest=",
       "https://registry.test/v2/owner/app/blobs/uploads/u2",
       "PUT /v2/owner/app/blobs/uploads/u2?digest=" + encoded},
      {"a Location relative to the uploads path is resolved against it", "u3?_state=x",
       "PUT /v2/owner/app/blobs/uploads/u3?_state=x&digest=" + encoded},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeTransport t;
    RegistryConfig config;
    config.host = "registry.test";
    auto client = RegistryClient::Create(config, t, clock_);
    ASSERT_TRUE(client.ok());
    t.Expect("POST /v2/owner/app/blobs/uploads/", Reply(202, "", {{"Location", c.location}}))
        .Expect(c.put_line, Reply(201, "", {{"Docker-Content-Digest", DigestOf(bytes)}}));
    auto d = (*client)->PushBlob("owner/app", bytes, kOciConfig);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_THAT(t.mismatches(), IsEmpty());
    EXPECT_EQ(d->digest, DigestOf(bytes));
    EXPECT_EQ(d->size, static_cast<int64_t>(bytes.size()));
    EXPECT_EQ(d->media_type, kOciConfig);
    auto sent = t.requests();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].body, "") << "the POST carries no body";
    EXPECT_EQ(sent[1].body, bytes);
    EXPECT_EQ(sent[1].headers.Get("Content-Type"), "application/octet-stream");
  }
}

TEST_F(RegistryClientTest, ARegistryThatCompletesTheUploadOnThePostNeedsNoPut) {
  const std::string bytes = "{}";
  transport_.Expect("POST /v2/owner/app/blobs/uploads/",
                    Reply(201, "", {{"Docker-Content-Digest", DigestOf(bytes)}}));
  ASSERT_TRUE(client_->PushBlob("owner/app", bytes).ok());
  ExpectCleanScript();
}

TEST_F(RegistryClientTest, AnUploadStoredUnderAnotherDigestIsDataLoss) {
  transport_
      .Expect("POST /v2/owner/app/blobs/uploads/",
              Reply(202, "", {{"Location", "/v2/owner/app/blobs/uploads/u"}}))
      .Expect("PUT /v2/owner/app/blobs/uploads/u?digest=*",
              Reply(201, "", {{"Docker-Content-Digest", "sha256:" + std::string(64, '0')}}));
  EXPECT_EQ(client_->PushBlob("owner/app", "{}").status().code(), StatusCode::kDataLoss);
}

TEST_F(RegistryClientTest, AStaleUploadSessionIsARegistryErrorNotAMissingImage) {
  transport_
      .Expect("POST /v2/owner/app/blobs/uploads/",
              Reply(202, "", {{"Location", "/v2/owner/app/blobs/uploads/u"}}))
      .Expect(
          "PUT /v2/owner/app/blobs/uploads/u?digest=*",
          Reply(404,
                R"({"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"blob upload invalid"}]})"));
  auto r = client_->PushBlob("owner/app", "{}");
  EXPECT_EQ(ConditionReasonFor(r.status()), reason::kRegistryError);
}

TEST_F(RegistryClientTest, AnUploadLocationOnAnotherHostGetsNoCredentials) {
  RegistryConfig config;
  config.host = "registry.test";
  config.credentials = Credentials{"ciuser", "s3cret", "test"};
  auto client = RegistryClient::Create(config, transport_, clock_);
  ASSERT_TRUE(client.ok());
  transport_
      .Expect("POST /v2/owner/app/blobs/uploads/",
              Reply(401, "", {{"WWW-Authenticate", R"(Basic realm="r")"}}))
      .Expect("POST /v2/owner/app/blobs/uploads/",
              Reply(202, "", {{"Location", "https://storage.test/upload/u"}}))
      .Expect("PUT https://storage.test/upload/u?digest=*",
              Reply(201, "", {{"Location", "/v2/owner/app/blobs/sha256:x"}}));
  ASSERT_TRUE((*client)->PushBlob("owner/app", "{}").ok());
  ExpectCleanScript();
  EXPECT_FALSE(transport_.requests()[2].headers.Has("Authorization"));
}

TEST_F(RegistryClientTest, AMountThatTheRegistryDeclinesIsReportedAndItsSessionCancelled) {
  const std::string digest = "sha256:" + std::string(64, 'a');
  transport_
      .Expect("POST /v2/owner/dst/blobs/uploads/?mount=*",
              Reply(202, "", {{"Location", "/v2/owner/dst/blobs/uploads/s1?_state=q"}}))
      .Expect("DELETE /v2/owner/dst/blobs/uploads/s1?_state=q", Reply(204));
  auto r = client_->MountBlob("owner/dst", digest, "owner/src");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectCleanScript();
  EXPECT_FALSE(r->mounted);
  EXPECT_TRUE(r->upload_cancelled);
}

TEST_F(RegistryClientTest, AMountedBlobNeedsNoUpload) {
  transport_.Expect("POST /v2/owner/dst/blobs/uploads/?mount=sha256%3A*", Reply(201));
  auto r = client_->MountBlob("owner/dst", "sha256:" + std::string(64, 'a'), "owner/src");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->mounted);
  ExpectCleanScript();
}

TEST_F(RegistryClientTest, PutManifestSendsTheMediaTypeAndChecksTheStoredDigest) {
  transport_
      .Expect("PUT /v2/owner/app/manifests/hf-amd64-v1",
              Reply(201, "", {{"Docker-Content-Digest", DigestOf(kImage)}}))
      .Expect("PUT /v2/owner/app/manifests/hf-amd64-v1",
              Reply(201, "", {{"Docker-Content-Digest", "sha256:" + std::string(64, '0')}}));
  auto d = client_->PutManifest("owner/app", "hf-amd64-v1", kImage, kOciManifest);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, DigestOf(kImage));
  EXPECT_EQ(transport_.requests()[0].headers.Get("Content-Type"), std::string(kOciManifest));
  EXPECT_EQ(transport_.requests()[0].body, kImage);
  auto mismatch = client_->PutManifest("owner/app", "hf-amd64-v1", kImage, kOciManifest);
  EXPECT_EQ(mismatch.status().code(), StatusCode::kDataLoss);
  ExpectCleanScript();
}

TEST_F(RegistryClientTest, PuttingByADigestThatIsNotTheBytesIsRefusedBeforeSending) {
  auto d =
      client_->PutManifest("owner/app", "sha256:" + std::string(64, '0'), kImage, kOciManifest);
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(RegistryClientTest, RateLimitsAreRetriedByTheHttpClientHonouringRetryAfter) {
  transport_
      .Expect("GET /v2/owner/app/manifests/v1",
              Reply(429, R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})",
                    {{"Retry-After", "2"}}))
      .Expect("GET /v2/owner/app/manifests/v1", Served(kImage, kOciManifest));
  ASSERT_TRUE(client_->GetManifest("owner/app", "v1").ok());
  ExpectCleanScript();
  EXPECT_EQ(clock_.slept(), std::chrono::seconds(2));
  EXPECT_EQ(client_->requests_sent(), 2);
}

TEST_F(RegistryClientTest, APersistentRateLimitIsRateLimited) {
  RegistryClientOptions options;
  options.http.max_attempts = 2;
  Make(options);
  http::Response limited = Reply(
      429,
      R"({"errors":[{"code":"TOOMANYREQUESTS","message":"retry-after: 10.3ms, allowed: 2000/minute"}]})");
  transport_.Expect("POST /v2/owner/app/blobs/uploads/", limited)
      .Expect("POST /v2/owner/app/blobs/uploads/", limited);
  auto r = client_->PushBlob("owner/app", "{}");
  ExpectCleanScript();
  EXPECT_EQ(ConditionReasonFor(r.status()), reason::kRateLimited);
  EXPECT_NE(r.status().message().find("retry after 11ms"), std::string::npos)
      << r.status().message();
}

TEST_F(RegistryClientTest, PlainHttpNeedsTheRegistryMarkedInsecure) {
  RegistryConfig config;
  config.host = "ghcr.io";
  config.endpoint = "http://127.0.0.1:5000";
  EXPECT_EQ(RegistryClient::Create(config, transport_, clock_).status().code(),
            StatusCode::kInvalidArgument);
  config.insecure = true;
  EXPECT_TRUE(RegistryClient::Create(config, transport_, clock_).ok());
  config.endpoint = "http://127.0.0.1:5000/prefix";
  EXPECT_FALSE(RegistryClient::Create(config, transport_, clock_).ok());
}

}  // namespace
}  // namespace spaceport::oci
