// Which FROM images a build checks, and how image references are split for the registry.
#include <gtest/gtest.h>

#include <cctype>

#include "emulators/hub/dockerfile.h"
#include "emulators/hub/image_ref.h"

namespace spaceport::hub_emulator {
namespace {

struct FromCase {
  const char* name;
  const char* dockerfile;
  std::map<std::string, std::string> variables;
  std::vector<std::string> images;
  const char* error;  // substring, or "" for none
};

class FindBaseImagesTest : public ::testing::TestWithParam<FromCase> {};

TEST_P(FindBaseImagesTest, FindsTheImagesTheBuilderWouldPull) {
  const FromCase& c = GetParam();
  const BaseImages found = FindBaseImages(c.dockerfile, c.variables);
  EXPECT_EQ(found.images, c.images);
  if (std::string(c.error).empty()) {
    EXPECT_EQ(found.error, "");
  } else {
    EXPECT_NE(found.error.find(c.error), std::string::npos) << found.error;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FindBaseImagesTest,
    ::testing::Values(
        FromCase{"a plain FROM names one image", "FROM ghcr.io/acme/app@sha256:abc\n", {},
                 {"ghcr.io/acme/app@sha256:abc"}, ""},
        FromCase{"the keyword and --platform are understood in any case",
                 "# comment\nfrom --platform=linux/amd64 busybox:1.36 AS base\n", {}, {"busybox:1.36"}, ""},
        FromCase{"a continuation line is joined", "FROM \\\n  alpine:3.20\nRUN true\n", {}, {"alpine:3.20"}, ""},
        FromCase{"an ARG default is substituted", "ARG BASE=alpine:3\nFROM ${BASE}\n", {}, {"alpine:3"}, ""},
        FromCase{"a Space variable overrides the ARG default", "ARG BASE=alpine:3\nFROM $BASE\n",
                 {{"BASE", "ghcr.io/acme/app:v2"}}, {"ghcr.io/acme/app:v2"}, ""},
        FromCase{"the ${NAME:-word} form falls back to word", "ARG TAG\nFROM busybox:${TAG:-1.36}\n", {},
                 {"busybox:1.36"}, ""},
        FromCase{"earlier stages and scratch are not images",
                 "FROM golang:1.22 AS build\nFROM scratch\nFROM build\nFROM Build\n", {}, {"golang:1.22"}, ""},
        FromCase{"an ARG after the first FROM does not apply to it", "FROM busybox\nARG X=1\n", {},
                 {"busybox"}, ""},
        FromCase{"a Dockerfile without FROM is an error", "RUN echo hi\n", {}, {}, "no FROM instruction"},
        FromCase{"a FROM that substitutes to nothing is an error", "ARG BASE\nFROM ${BASE}\n", {}, {},
                 "should not be blank"}),
    [](const ::testing::TestParamInfo<FromCase>& param_info) {
      std::string n = param_info.param.name;
      for (char& ch : n) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return n;
    });

struct RefCase {
  const char* text;
  const char* host;
  const char* repository;
  const char* reference;
  const char* shown;
};

TEST(ImageRef, SplitsReferencesTheWayRegistriesAddressThem) {
  const RefCase cases[] = {
      {"busybox", "docker.io", "library/busybox", "latest", "docker.io/library/busybox:latest"},
      {"acme/app:v1", "docker.io", "acme/app", "v1", "docker.io/acme/app:v1"},
      {"ghcr.io/acme/app:v1", "ghcr.io", "acme/app", "v1", "ghcr.io/acme/app:v1"},
      {"127.0.0.1:5000/a/b@sha256:0123", "127.0.0.1:5000", "a/b", "sha256:0123",
       "127.0.0.1:5000/a/b@sha256:0123"},
      {"localhost/app:tag@sha256:beef", "localhost", "app", "sha256:beef", "localhost/app@sha256:beef"},
      {"index.docker.io/library/alpine:3", "docker.io", "library/alpine", "3", "docker.io/library/alpine:3"},
  };
  for (const RefCase& c : cases) {
    Result<ImageRef> ref = ImageRef::Parse(c.text);
    ASSERT_TRUE(ref.ok()) << c.text;
    EXPECT_EQ(ref->host, c.host) << c.text;
    EXPECT_EQ(ref->repository, c.repository) << c.text;
    EXPECT_EQ(ref->reference, c.reference) << c.text;
    EXPECT_EQ(ref->ToString(), c.shown) << c.text;
  }
  EXPECT_EQ(ImageRef::Parse("ghcr.io/a/b:v1")->ManifestPath(), "/v2/a/b/manifests/v1");
}

TEST(ImageRef, RefusesEmptyAndMalformedReferences) {
  EXPECT_FALSE(ImageRef::Parse("").ok());
  EXPECT_FALSE(ImageRef::Parse("a b").ok());
  EXPECT_FALSE(ImageRef::Parse("app@md5:00").ok());
}

}  // namespace
}  // namespace spaceport::hub_emulator
