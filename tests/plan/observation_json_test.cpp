// Observation ⇄ JSON (observe/observation_json.h): lossless round trip, deterministic output,
// strict types with errors naming the JSON path, unknown fields ignored, and the example in
// docs/observation.md kept loadable.
#include "observe/observation_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace spaceport::observe {
namespace {

Observation Full() {
  Observation o;
  o.observed_at = "2025-06-01T12:00:00Z";
  TagInfo base;
  base.digest = "sha256:aaaa";
  base.media_type = "application/vnd.oci.image.index.v1+json";
  base.platforms = {
      {"amd64", "sha256:bbbb", {"PATH=/bin", "PORT=3000"}, {"3000/tcp"}, {{"a", "1"}}},
      {"arm/v7", "sha256:cccc", {}, {}, {}}};
  o.repositories["ghcr.io/o/app"].tags["v1.0.0"] = base;
  o.repositories["ghcr.io/o/app"].tags["latest"] = TagInfo{"sha256:aaaa", "", {}};
  o.repositories["localhost:5000/x"];  // observed, no tags at all
  SpaceObservation s;
  s.exists = true;
  s.sha = "0123456789abcdef0123456789abcdef01234567";
  s.dockerfile = "FROM x\n";
  s.readme = "---\nsdk: docker\n---\n\"quoted\" \\ back\n";
  s.stage = "RUNTIME_ERROR";
  s.error_message = "Exit code: 1";
  s.hardware = std::nullopt;
  s.requested_hardware = "cpu-basic";
  s.sleep_time_seconds = 3600;
  s.variables = {{"LOG_LEVEL", "info"}, {"EMPTY", ""}};
  s.secrets["API_KEY"].description = "spaceport:hmac-sha256=00";
  o.spaces["o/app"] = s;
  o.spaces["o/gone"] = SpaceObservation{};
  o.builds = {{"ghcr.io/o/app", "v1.1.0", "4242", "https://example.test/runs/4242", "in_progress"},
              {"ghcr.io/o/app", "v1.0.9", "77", "", "failed", "the Job failed: DeadlineExceeded"}};
  o.secret_fingerprints = {{"o/app/API_KEY", std::string(64, 'f')}};
  return o;
}

TEST(ObservationJson, RoundTripsEveryField) {
  Observation o = Full();
  std::string text = ObservationToJson(o).Dump(2);
  auto back = ParseObservation(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, o);
  EXPECT_EQ(ObservationToJson(*back).Dump(2), text);
}

TEST(ObservationJson, RoundTripsAnEmptyObservation) {
  auto back = ParseObservation(ObservationToJson(Observation{}).Dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, Observation{});
}

TEST(ObservationJson, WritesKeysInAFixedOrderWithMapsSorted) {
  Observation o;
  o.spaces["z/z"].exists = true;
  o.spaces["a/a"].exists = true;
  EXPECT_EQ(ObservationToJson(o).Dump(),
            R"({"apiVersion":"spaceport.dev/v1alpha1","kind":"Observation","observedAt":"",)"
            R"("repositories":{},"spaces":{"a/a":{"exists":true,"sha":"","stage":"",)"
            R"("variables":{},"secrets":{}},"z/z":{"exists":true,"sha":"","stage":"",)"
            R"("variables":{},"secrets":{}}},"builds":[],"secretFingerprints":{}})");
}

TEST(ObservationJson, AcceptsNullOrAbsentForOptionalFieldsAndIgnoresUnknownOnes) {
  auto o = ParseObservation(R"({
    "kind": "Observation", "future": {"anything": [1, 2]},
    "spaces": {"o/n": {"exists": true, "dockerfile": null, "hardware": null,
                       "sleepTimeSeconds": null, "runtime": {"extra": true}}}
  })");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  const SpaceObservation& s = o->spaces.at("o/n");
  EXPECT_TRUE(s.exists);
  EXPECT_EQ(s.dockerfile, std::nullopt);
  EXPECT_EQ(s.readme, std::nullopt);
  EXPECT_EQ(s.hardware, std::nullopt);
  EXPECT_EQ(s.sleep_time_seconds, std::nullopt);
}

struct BadCase {
  std::string json;
  std::string error;
};

TEST(ObservationJson, RejectsWrongTypesNamingTheJsonPath) {
  const std::vector<BadCase> cases = {
      {"[]", "observation: expected an object"},
      {R"({"kind":"Plan"})", R"(kind: expected "Observation", got "Plan")"},
      {R"({"apiVersion":"v2"})", R"(apiVersion: expected "spaceport.dev/v1alpha1", got "v2")"},
      {R"({"observedAt":5})", "observedAt: expected a string"},
      {R"({"repositories":[]})", "repositories: expected an object"},
      {R"({"repositories":{"ghcr.io/o/a":{"tags":{"v1":{"digest":1}}}}})",
       R"(repositories["ghcr.io/o/a"].tags["v1"].digest: expected a string)"},
      {R"({"repositories":{"r":{"tags":{"v1":{"platforms":[{"env":["A=1",2]}]}}}}})",
       R"(repositories["r"].tags["v1"].platforms[0].env[1]: expected a string)"},
      {R"({"repositories":{"r":{"tags":{"v1":{"platforms":[{"labels":{"k":true}}]}}}}})",
       R"(repositories["r"].tags["v1"].platforms[0].labels["k"]: expected a string)"},
      {R"({"repositories":{"r":{"tags":{"v1":"sha256:x"}}}})",
       R"(repositories["r"].tags["v1"]: expected an object)"},
      {R"({"spaces":{"o/n":{"exists":"yes"}}})", R"(spaces["o/n"].exists: expected a boolean)"},
      {R"({"spaces":{"o/n":{"dockerfile":3}}})",
       R"(spaces["o/n"].dockerfile: expected a string or null)"},
      {R"({"spaces":{"o/n":{"sleepTimeSeconds":1.5}}})",
       R"(spaces["o/n"].sleepTimeSeconds: expected an integer or null)"},
      {R"({"spaces":{"o/n":{"variables":{"A":1}}}})",
       R"(spaces["o/n"].variables["A"]: expected a string)"},
      {R"({"spaces":{"o/n":{"secrets":{"K":{"description":null}}}}})",
       R"(spaces["o/n"].secrets["K"].description: expected a string)"},
      {R"({"builds":[{"state":"queued"},{"id":7}]})", "builds[1].id: expected a string"},
      {R"({"builds":{}})", "builds: expected an array"},
      {R"({"secretFingerprints":{"o/n/K":null}})",
       R"(secretFingerprints["o/n/K"]: expected a string)"},
      {R"({"spaces":{"o/\"q\"":{"stage":0}}})", R"(spaces["o/\"q\""].stage: expected a string)"},
  };
  for (const auto& c : cases) {
    auto o = ParseObservation(c.json);
    ASSERT_FALSE(o.ok()) << c.json;
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_EQ(o.status().message(), c.error) << c.json;
  }
}

TEST(ObservationJson, ReportsMalformedJsonAsAnError) {
  auto o = ParseObservation("{\"spaces\": ");
  EXPECT_FALSE(o.ok());
}

// The example in docs/observation.md is the first ```json block; it must load and say what the
// document says it does.
TEST(ObservationJson, TheDocumentedExampleLoads) {
  std::ifstream in(std::string(SPACEPORT_SOURCE_DIR) + "/docs/observation.md");
  ASSERT_TRUE(in) << "docs/observation.md is missing";
  std::stringstream buf;
  buf << in.rdbuf();
  std::string doc = buf.str();
  size_t start = doc.find("```json\n");
  ASSERT_NE(start, std::string::npos);
  start += 8;
  size_t end = doc.find("```", start);
  auto o = ParseObservation(doc.substr(start, end - start));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->repositories.at("ghcr.io/o/app").tags.count("hf-amd64-v1.0.0"), 1u);
  EXPECT_EQ(o->spaces.at("o/app").stage, "RUNNING");
  EXPECT_EQ(o->builds.size(), 1u);
  EXPECT_EQ(o->secret_fingerprints.size(), 1u);
}

}  // namespace
}  // namespace spaceport::observe
