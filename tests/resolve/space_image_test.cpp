// Space image (resolve/space_image.h): reading which wrapper, which version a Dockerfile runs.
#include "resolve/space_image.h"

#include <gtest/gtest.h>

namespace spaceport::resolve {
namespace {

TEST(ParseFromLine, ReadsTheImageOfTheLastFromInstruction) {
  EXPECT_EQ(ParseFromLine("FROM a:1\n"), "a:1");
  EXPECT_EQ(ParseFromLine("# FROM commented:out\nfrom  --platform=linux/amd64   b@sha256:x \n"),
            "b@sha256:x");
  EXPECT_EQ(ParseFromLine("FROM build:1 AS build\nRUN make\nFROM run:2\n"), "run:2");
  EXPECT_EQ(ParseFromLine("ARG BASE\nFROM ${BASE}\r\n"), "${BASE}");
  EXPECT_EQ(ParseFromLine("RUN echo FROM x\n"), std::nullopt);
  EXPECT_EQ(ParseFromLine(""), std::nullopt);
}

TEST(RunningVersion, ReadsTheVersionOfAWrapperOfTheSameRepository) {
  const std::string repo = "ghcr.io/o/app";
  auto df = [](const std::string& ref) { return "# managed\nFROM " + ref + "\n"; };
  EXPECT_EQ(RunningVersion(df(repo + ":hf-amd64-v1.2.0@sha256:abc"), repo), "v1.2.0");
  EXPECT_EQ(RunningVersion(df(repo + ":hf-amd64-v1.2.0"), repo), "v1.2.0");
  EXPECT_EQ(RunningVersion(df(repo + ":hf-arm-v7-v1.0.0-rc.1@sha256:abc"), repo), "v1.0.0-rc.1");
  EXPECT_EQ(RunningVersion(df(repo + ":hf-mips-2.0@sha256:abc"), repo), "2.0");
  EXPECT_EQ(RunningVersion(df(repo + ":v1.2.0"), repo), std::nullopt);
  EXPECT_EQ(RunningVersion(df("ghcr.io/o/other:hf-amd64-v1.2.0"), repo), std::nullopt);
  EXPECT_EQ(RunningVersion(df(repo + "@sha256:abc"), repo), std::nullopt);
  EXPECT_EQ(RunningVersion(df("localhost:5000/app:hf-amd64-v3"), "localhost:5000/app"), "v3");
  EXPECT_EQ(RunningVersion(df("localhost:5000/app"), "localhost:5000/app"), std::nullopt);
  EXPECT_EQ(RunningVersion("", repo), std::nullopt);
}

}  // namespace
}  // namespace spaceport::resolve
