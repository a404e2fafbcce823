// Golden tests for the three plan renderings. Each fixture of plan_fixtures.h is rendered as text,
// Markdown and JSON and compared byte for byte with tests/report/golden/FIXTURE.{txt,md,json}.
// SPACEPORT_UPDATE_GOLDEN=1 rewrites the files instead (then read the diff before committing).
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "base/json.h"
#include "report/plan_fixtures.h"
#include "report/render.h"

namespace spaceport::report {
namespace {

struct GoldenCase {
  std::string fixture;  // file stem under golden/
  std::function<plan::Plan()> make;
  std::string extension;  // txt, md, json
  std::function<std::string(const plan::Plan&)> render;
};

// Names the case in test listings (ctest shows GetParam() otherwise as raw bytes).
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.fixture + "." + c.extension; }

std::string GoldenPath(const GoldenCase& c) {
  return std::string(SPACEPORT_TEST_DATA) + "/report/golden/" + c.fixture + "." + c.extension;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool UpdateGolden() {
  const char* v = std::getenv("SPACEPORT_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

std::vector<GoldenCase> Cases() {
  const std::vector<std::pair<std::string, std::function<plan::Plan()>>> fixtures = {
      {"in_sync", testing::InSyncPlan},
      {"mixed", testing::MixedPlan},
      {"hostile", testing::HostilePlan},
      {"empty", testing::EmptyPlan}};
  const std::vector<std::pair<std::string, std::function<std::string(const plan::Plan&)>>>
      renderers = {{"txt", RenderText}, {"md", RenderMarkdown}, {"json", RenderJson}};
  std::vector<GoldenCase> cases;
  for (const auto& [fixture, make] : fixtures)
    for (const auto& [ext, render] : renderers) cases.push_back({fixture, make, ext, render});
  return cases;
}

class RenderGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(RenderGolden, RenderingMatchesTheGoldenFile) {
  const GoldenCase& c = GetParam();
  const std::string rendered = c.render(c.make());
  const std::string path = GoldenPath(c);
  if (UpdateGolden()) {
    std::ofstream(path, std::ios::binary) << rendered;
    GTEST_SKIP() << "rewrote " << path;
  }
  const std::string golden = ReadFile(path);
  ASSERT_FALSE(golden.empty()) << path << " is missing; run with SPACEPORT_UPDATE_GOLDEN=1";
  EXPECT_EQ(rendered, golden) << "rendering differs from " << path;
}

TEST_P(RenderGolden, RenderingTheSamePlanTwiceGivesTheSameBytes) {
  const GoldenCase& c = GetParam();
  EXPECT_EQ(c.render(c.make()), c.render(c.make()));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RenderGolden, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& param_info) {
                           return param_info.param.fixture + "_" + param_info.param.extension;
                         });

class JsonGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(JsonGolden, GoldenJsonParsesAndHasEveryDocumentedKey) {
  const std::string text =
      ReadFile(std::string(SPACEPORT_TEST_DATA) + "/report/golden/" + GetParam() + ".json");
  Result<Json> doc = Json::Parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->GetString("apiVersion"), "spaceport.dev/v1alpha1");
  EXPECT_EQ(doc->GetString("kind"), "Plan");
  const Json* summary = doc->Find("summary");
  ASSERT_NE(summary, nullptr);
  for (const char* key : {"deployments", "inSync", "drifted", "actions", "driftItems", "invalid"})
    EXPECT_TRUE(summary->Find(key) != nullptr && summary->Find(key)->AsInt().has_value()) << key;
  for (const char* key : {"deployments", "drift", "actions", "invalid"}) {
    ASSERT_NE(doc->Find(key), nullptr) << key;
    EXPECT_TRUE(doc->Find(key)->is_array()) << key;
  }
  const Json& actions = *doc->Find("actions");
  for (size_t i = 0; i < actions.size(); ++i) {
    for (const char* key : {"id", "kind", "deployment", "target", "params", "dependsOn", "reason"})
      EXPECT_NE(actions.At(i).Find(key), nullptr) << "actions[" << i << "]." << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, JsonGolden,
                         ::testing::Values("in_sync", "mixed", "hostile", "empty"));

}  // namespace
}  // namespace spaceport::report
