#include "clients/oci/reference.h"

#include <gtest/gtest.h>

namespace spaceport::oci {
namespace {

TEST(Reference, ParsesHostPathTagAndDigest) {
  struct Case {
    std::string name;
    std::string input;
    std::string registry, repository, tag, digest;
  };
  const std::string d = "sha256:" + std::string(64, 'a');
  const Case cases[] = {
      {"a ghcr.io reference keeps host, nested path and tag", "ghcr.io/owner/app/sub:v1.0.0",
       "ghcr.io", "owner/app/sub", "v1.0.0", ""},
      {"a host with a port is a registry, not a tag", "127.0.0.1:5000/owner/app", "127.0.0.1:5000",
       "owner/app", "", ""},
      {"a port and a tag are told apart", "127.0.0.1:5000/owner/app:v2", "127.0.0.1:5000",
       "owner/app", "v2", ""},
      {"a digest reference has no tag", "ghcr.io/owner/app@" + d, "ghcr.io", "owner/app", "", d},
      {"tag and digest may both be given", "ghcr.io/owner/app:v1@" + d, "ghcr.io", "owner/app",
       "v1", d},
      {"upper-case owner names are lower-cased, the tag keeps its case", "GHCR.io/GdTiti/App:V1-RC",
       "ghcr.io", "gdtiti/app", "V1-RC", ""},
      {"a bare name goes to Docker Hub's library", "ubuntu:22.04", "docker.io", "library/ubuntu",
       "22.04", ""},
      {"a two-part name without a dot is a Docker Hub user", "owner/app", "docker.io", "owner/app",
       "", ""},
      {"localhost counts as a registry host", "localhost/app:x", "localhost", "app", "x", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto ref = Reference::Parse(c.input);
    ASSERT_TRUE(ref.ok()) << ref.status().ToString();
    EXPECT_EQ(ref->registry, c.registry);
    EXPECT_EQ(ref->repository, c.repository);
    EXPECT_EQ(ref->tag, c.tag);
    EXPECT_EQ(ref->digest, c.digest);
  }
}

TEST(Reference, RejectsMalformedReferences) {
  struct Case {
    std::string name;
    std::string input;
  };
  const Case cases[] = {
      {"an empty reference is refused", ""},
      {"a tag starting with a dot is refused", "ghcr.io/a/b:.v1"},
      {"a tag longer than 128 characters is refused", "ghcr.io/a/b:" + std::string(129, 'x')},
      {"a short sha256 digest is refused", "ghcr.io/a/b@sha256:abc"},
      {"a repository component ending in a separator is refused", "ghcr.io/a-/b"},
      {"an empty path component is refused", "ghcr.io/a//b"},
      {"spaces are refused", "ghcr.io/a b/c"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto ref = Reference::Parse(c.input);
    ASSERT_FALSE(ref.ok());
    EXPECT_EQ(ref.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(Reference, IdentifierPrefersTheDigestAndToStringRoundTrips) {
  const std::string d = "sha256:" + std::string(64, 'b');
  auto ref = Reference::Parse("ghcr.io/owner/app:v1@" + d);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->Identifier(), d);
  EXPECT_EQ(ref->ToString(), "ghcr.io/owner/app:v1@" + d);
  EXPECT_EQ(ref->Name(), "ghcr.io/owner/app");
}

TEST(Reference, GrammarHelpersAcceptWrapperTagsAndRejectUpperCaseNames) {
  EXPECT_TRUE(IsValidTag("hf-amd64-v1.0.0"));
  EXPECT_TRUE(IsValidRepositoryName("owner/app__x.y-z"));
  EXPECT_FALSE(IsValidRepositoryName("Owner/app"));
  EXPECT_FALSE(IsValidRepositoryName("owner/a___b"));
  EXPECT_TRUE(IsValidDigest("sha512:" + std::string(128, 'c')));
  EXPECT_FALSE(IsValidDigest("sha256:" + std::string(64, 'A')));
}

}  // namespace
}  // namespace spaceport::oci
