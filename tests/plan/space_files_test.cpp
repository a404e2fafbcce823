// Space files (plan/space_files.h): the rendered Dockerfile and README, and that
// resolve/space_image.h reads the Dockerfile back.
#include "plan/space_files.h"

#include <gtest/gtest.h>

#include "plan/plan_builders.h"
#include "resolve/space_image.h"

namespace spaceport::plan {
namespace {

using namespace testing;  // NOLINT: the builders are the vocabulary of this file

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(RenderSpaceFiles, PinsTheWrapperByDigestInTheDockerfile) {
  auto d = Deployment();
  auto files = RenderSpaceFiles(d, d.spaces[0], "v1.0.0",
                                resolve::WrapperRef(d.image.repository, "amd64", "v1.0.0", kDigest));
  EXPECT_EQ(files.dockerfile,
            "# Managed by Spaceport (default/app): edits to this file are drift and will be "
            "corrected.\n"
            "# Image ghcr.io/o/app:v1.0.0, wrapper for amd64.\n"
            "FROM ghcr.io/o/app:hf-amd64-v1.0.0@" +
                kDigest + "\n");
}

TEST(RenderSpaceFiles, WritesTheMinimalFrontMatterWhenNoCardFieldIsSet) {
  auto d = Deployment();
  auto files = RenderSpaceFiles(d, d.spaces[0], "v1.0.0", "unused");
  EXPECT_EQ(files.readme,
            "---\n"
            "title: app\n"
            "sdk: docker\n"
            "app_port: 7860\n"
            "---\n"
            "\n"
            "# app\n"
            "\n"
            "This Space runs `ghcr.io/o/app:v1.0.0` and is managed by Spaceport (SpaceDeployment "
            "`default/app`).\n"
            "Changes made here by hand are reported as drift and corrected from Git.\n");
}

TEST(RenderSpaceFiles, WritesEveryCardFieldInTheFixedOrder) {
  auto d = Deployment({WithPort(8080)});
  spec::SpaceSpec& s = d.spaces[0];
  s.card.title = "Grok API";
  s.card.emoji = "🚀";
  s.card.color_from = "blue";
  s.card.color_to = "indigo";
  s.card.pinned = true;
  s.card.license = "mit";
  s.card.short_description = "Chat: fast & small";
  auto files = RenderSpaceFiles(d, s, "v2.0.0", "unused");
  EXPECT_EQ(files.readme.substr(0, files.readme.find("\n\n")),
            "---\n"
            "title: Grok API\n"
            "emoji: 🚀\n"
            "colorFrom: blue\n"
            "colorTo: indigo\n"
            "sdk: docker\n"
            "app_port: 8080\n"
            "pinned: true\n"
            "license: mit\n"
            "short_description: \"Chat: fast & small\"\n"
            "---");
  EXPECT_NE(files.readme.find("\n# Grok API\n"), std::string::npos);
}

TEST(RenderSpaceFiles, IsDeterministic) {
  auto d = Deployment();
  auto a = RenderSpaceFiles(d, d.spaces[0], "v1.0.0", "x");
  auto b = RenderSpaceFiles(d, d.spaces[0], "v1.0.0", "x");
  EXPECT_EQ(a.dockerfile, b.dockerfile);
  EXPECT_EQ(a.readme, b.readme);
}

struct QuotingCase {
  std::string value;
  bool quoted;
};

TEST(NeedsYamlQuoting, QuotesWhatPlainYamlWouldMisread) {
  const std::vector<QuotingCase> cases = {
      {"Grok API", false}, {"🚀", false},          {"mit", false},   {"a-b_c.d", false},
      {"", true},          {"true", true},        {"No", true},     {"null", true},
      {"~", true},         {"1.0", true},         {"42", true},     {".5", true},
      {"a: b", true},      {"a #b", true},        {"- item", true}, {"*ref", true},
      {"'q'", true},       {"\"q\"", true},       {" lead", true},  {"trail ", true},
      {"end:", true},      {"line\nbreak", true}, {"{x}", true},    {"@me", true},
  };
  for (const auto& c : cases) EXPECT_EQ(NeedsYamlQuoting(c.value), c.quoted) << c.value;
}

TEST(RenderFrontMatter, EscapesQuotesAndNewlinesInsideQuotedValues) {
  auto d = Deployment();
  d.spaces[0].card.title = "say \"hi\": now";
  d.spaces[0].card.short_description = "two\nlines";
  std::string fm = RenderFrontMatter(d, d.spaces[0]);
  EXPECT_NE(fm.find("title: \"say \\\"hi\\\": now\"\n"), std::string::npos) << fm;
  EXPECT_NE(fm.find("short_description: \"two\\nlines\"\n"), std::string::npos) << fm;
}

TEST(RunningVersion, ReadsBackWhatRenderSpaceFilesWrote) {
  auto d = Deployment({WithPlatforms({"arm/v7"})});
  auto files = RenderSpaceFiles(d, d.spaces[0], "v4.5.6",
                                resolve::WrapperRef(d.image.repository, "arm/v7", "v4.5.6", kDigest));
  EXPECT_EQ(resolve::RunningVersion(files.dockerfile, d.image.repository), "v4.5.6");
}

}  // namespace
}  // namespace spaceport::plan
