// DeploymentStatus: condition transitions keep or move lastTransitionTime, history keeps the five
// newest, and the JSON form (docs/status.md) is pinned, complete and round-trips.
#include "runtime/deployment_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <ostream>
#include <sstream>

namespace spaceport::runtime {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Clock::TimePoint kT0 = FakeClock().Now();  // 2026-01-01T00:00:00Z

// --- Rfc3339 ---

TEST(Rfc3339, FormatsUtcToTheSecondDroppingFractions) {
  EXPECT_EQ(FormatRfc3339(kT0), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(kT0 + seconds(86400 + 3661) + std::chrono::milliseconds(999)),
            "2026-01-02T01:01:01Z");
  EXPECT_EQ(FormatRfc3339(std::chrono::system_clock::from_time_t(0)), "1970-01-01T00:00:00Z");
}

// --- conditions ---

struct ConditionCase {
  friend void PrintTo(const ConditionCase& c, std::ostream* os) { *os << c.name; }
  const char* name;
  std::vector<Condition> before;  // set at kT0, in order
  Condition set;                  // set 60 s later
  std::vector<Condition> after;   // the whole list afterwards
};

class SetConditionRules : public ::testing::TestWithParam<ConditionCase> {};

TEST_P(SetConditionRules, LastTransitionTimeMovesOnlyWhenTheStatusChanges) {
  DeploymentStatus s;
  for (const Condition& c : GetParam().before) SetCondition(s, c, kT0);
  SetCondition(s, GetParam().set, kT0 + seconds(60));
  EXPECT_EQ(s.conditions, GetParam().after);
}

constexpr char kAt0[] = "2026-01-01T00:00:00Z";
constexpr char kAt60[] = "2026-01-01T00:01:00Z";

INSTANTIATE_TEST_SUITE_P(
    Cases, SetConditionRules,
    ::testing::Values(
        ConditionCase{"a_new_condition_gets_the_current_time",
                      {},
                      {"Ready", "False", "ImageMissing", "tag v1 not found", "ignored"},
                      {{"Ready", "False", "ImageMissing", "tag v1 not found", kAt60}}},
        ConditionCase{"the_same_status_with_a_new_reason_keeps_the_old_time",
                      {{"Ready", "False", "ImageMissing", "tag v1 not found", ""}},
                      {"Ready", "False", "Building", "build 42 running", ""},
                      {{"Ready", "False", "Building", "build 42 running", kAt0}}},
        ConditionCase{"a_status_flip_moves_the_time",
                      {{"Ready", "False", "Building", "build 42 running", ""}},
                      {"Ready", "True", "Succeeded", "in sync", ""},
                      {{"Ready", "True", "Succeeded", "in sync", kAt60}}},
        ConditionCase{"other_conditions_keep_their_place_and_time",
                      {{"Ready", "False", "Building", "", ""},
                       {"Reconciling", "True", "Building", "", ""}},
                      {"Ready", "True", "Succeeded", "", ""},
                      {{"Ready", "True", "Succeeded", "", kAt60},
                       {"Reconciling", "True", "Building", "", kAt0}}}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(Conditions, RemoveDropsOnlyTheNamedTypeAndFindSeesWhatIsLeft) {
  DeploymentStatus s;
  SetCondition(s, {"Ready", "False", "AuthFailed", "401 from ghcr.io", ""}, kT0);
  SetCondition(s, {"Stalled", "True", "AuthFailed", "401 from ghcr.io", ""}, kT0);
  RemoveCondition(s, "Stalled");
  RemoveCondition(s, "Reconciling");  // absent: nothing happens
  ASSERT_EQ(s.conditions.size(), 1u);
  EXPECT_EQ(FindCondition(s, "Stalled"), nullptr);
  ASSERT_NE(FindCondition(s, "Ready"), nullptr);
  EXPECT_EQ(FindCondition(s, "Ready")->reason, "AuthFailed");
}

// --- history ---

TEST(History, KeepsTheFiveNewestReconcilesNewestFirst) {
  DeploymentStatus s;
  for (int i = 1; i <= 7; ++i) {
    ReconcileRecord r;
    r.time = FormatRfc3339(kT0 + seconds(i));
    RecordReconcile(s, r);
  }
  std::vector<std::string> times;
  for (const ReconcileRecord& r : s.history) times.push_back(r.time);
  EXPECT_THAT(times, ElementsAre("2026-01-01T00:00:07Z", "2026-01-01T00:00:06Z",
                                 "2026-01-01T00:00:05Z", "2026-01-01T00:00:04Z",
                                 "2026-01-01T00:00:03Z"));
}

// --- JSON ---

DeploymentStatus WithKey(std::string key) {
  DeploymentStatus s;
  s.key = std::move(key);
  return s;
}

DeploymentStatus FullStatus() {
  DeploymentStatus s;
  s.key = "default/tools";
  s.source = "deploy/tools.yaml:3";
  s.revision = "4f2a9c1e";
  s.spec_hash = "9b1d";
  s.suspended = false;
  SetCondition(s, {"Ready", "False", "Drifted", "1 field differs", ""}, kT0);
  SetCondition(s, {"Reconciling", "True", "SpaceBuilding", "acme/tools is BUILDING", ""}, kT0);
  s.resolved_version = "v1.2.0";
  s.resolved_digest = "sha256:aa";
  s.wrappers = {{"amd64", "ghcr.io/acme/tools:hf-amd64-v1.2.0", "sha256:bb"}};
  s.spaces = {{"acme/tools", "BUILDING", "sha256:bb", "c0ffee",
               "https://huggingface.co/spaces/acme/tools"}};
  s.drift = {{"default/tools", "space:acme/tools", "variables.LOG_LEVEL", "info", "debug"}};
  s.build_url = "https://github.com/acme/tools/actions/runs/7";
  s.deploying = "ghcr.io/acme/tools:v1.2.0@sha256:aa";
  s.deploying_since = "2026-01-01T00:00:00Z";
  RecordReconcile(s, {"2026-01-01T00:00:00Z", "requeue", "Progressing", "SpaceBuilding",
                      "waiting for acme/tools", "4f2a9c1e", 1.25, 2, 3, 0});
  s.last_reconcile_time = "2026-01-01T00:00:00Z";
  return s;
}

// The documented format (docs/status.md): field names, order and the identity fields.
constexpr char kFullStatusJson[] = R"({
  "apiVersion": "spaceport.dev/v1alpha1",
  "kind": "SpaceDeploymentStatus",
  "key": "default/tools",
  "source": "deploy/tools.yaml:3",
  "revision": "4f2a9c1e",
  "specHash": "9b1d",
  "suspended": false,
  "conditions": [
    {
      "type": "Ready",
      "status": "False",
      "reason": "Drifted",
      "message": "1 field differs",
      "lastTransitionTime": "2026-01-01T00:00:00Z"
    },
    {
      "type": "Reconciling",
      "status": "True",
      "reason": "SpaceBuilding",
      "message": "acme/tools is BUILDING",
      "lastTransitionTime": "2026-01-01T00:00:00Z"
    }
  ],
  "resolvedVersion": "v1.2.0",
  "resolvedDigest": "sha256:aa",
  "wrappers": [
    {
      "platform": "amd64",
      "tag": "ghcr.io/acme/tools:hf-amd64-v1.2.0",
      "digest": "sha256:bb"
    }
  ],
  "spaces": [
    {
      "space": "acme/tools",
      "stage": "BUILDING",
      "deployedDigest": "sha256:bb",
      "commit": "c0ffee",
      "url": "https://huggingface.co/spaces/acme/tools"
    }
  ],
  "drift": [
    {
      "target": "space:acme/tools",
      "field": "variables.LOG_LEVEL",
      "desired": "info",
      "observed": "debug"
    }
  ],
  "buildUrl": "https://github.com/acme/tools/actions/runs/7",
  "deploying": "ghcr.io/acme/tools:v1.2.0@sha256:aa",
  "deployingSince": "2026-01-01T00:00:00Z",
  "history": [
    {
      "time": "2026-01-01T00:00:00Z",
      "result": "requeue",
      "state": "Progressing",
      "reason": "SpaceBuilding",
      "message": "waiting for acme/tools",
      "revision": "4f2a9c1e",
      "seconds": 1.25,
      "writes": 2,
      "actions": 3,
      "failed": 0
    }
  ],
  "lastReconcileTime": "2026-01-01T00:00:00Z"
})";

TEST(StatusJson, AFullStatusIsWrittenInTheDocumentedShape) {
  EXPECT_EQ(ToJson(FullStatus()).Dump(2), kFullStatusJson);
}

// docs/status.md shows the same document; keep the page honest.
TEST(StatusJson, TheExampleInDocsStatusMdIsWhatToJsonWrites) {
  std::ifstream in(std::string(SPACEPORT_SOURCE_DIR) + "/docs/status.md");
  ASSERT_TRUE(in.is_open());
  std::stringstream text;
  text << in.rdbuf();
  const std::string page = text.str();
  const size_t start = page.find("```json\n");
  ASSERT_NE(start, std::string::npos);
  const size_t end = page.find("\n```", start);
  ASSERT_NE(end, std::string::npos);
  const std::string example = page.substr(start + 8, end - start - 8);
  EXPECT_EQ(example, ToJson(FullStatus()).Dump(2));
}

TEST(StatusJson, AnEmptyStatusStillHasEveryField) {
  DeploymentStatus s;
  s.key = "default/new";
  const Json j = ToJson(s);
  std::vector<std::string> names;
  for (const auto& [name, value] : j.Members()) names.push_back(name);
  EXPECT_THAT(names, ElementsAre("apiVersion", "kind", "key", "source", "revision", "specHash",
                                 "suspended", "conditions", "resolvedVersion", "resolvedDigest",
                                 "wrappers", "spaces", "drift", "buildUrl", "deploying",
                                 "deployingSince", "history", "lastReconcileTime"));
  EXPECT_TRUE(j.Find("conditions")->is_array());
  EXPECT_EQ(j.GetString("lastReconcileTime", "missing"), "");
}

TEST(StatusJson, ADocumentReadBackEqualsWhatWasWrittenIncludingEachDriftItemsDeployment) {
  for (const DeploymentStatus& original : {FullStatus(), WithKey("ns/empty")}) {
    auto parsed = Json::Parse(ToJson(original).Dump(2));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    auto back = StatusFromJson(*parsed);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, original) << original.key;
  }
}

TEST(StatusJson, ADocumentWithoutFieldsAddedLaterReadsThemAsEmpty) {
  auto doc = Json::Parse(
      R"({"apiVersion":"spaceport.dev/v1alpha1","kind":"SpaceDeploymentStatus","key":"a/b"})");
  ASSERT_TRUE(doc.ok());
  auto s = StatusFromJson(*doc);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, WithKey("a/b"));
}

struct BadDocument {
  friend void PrintTo(const BadDocument& c, std::ostream* os) { *os << c.name; }
  const char* name;
  std::string json;
  const char* message;  // expected substring
};

class StatusFromJsonRejects : public ::testing::TestWithParam<BadDocument> {};

TEST_P(StatusFromJsonRejects, NamingTheField) {
  auto doc = Json::Parse(GetParam().json);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  auto s = StatusFromJson(*doc);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr(GetParam().message));
}

const std::string kHead = R"("apiVersion":"spaceport.dev/v1alpha1","kind":"SpaceDeploymentStatus")";

INSTANTIATE_TEST_SUITE_P(
    Cases, StatusFromJsonRejects,
    ::testing::Values(
        BadDocument{"a_spacedeployment_is_not_a_status",
                    R"({"apiVersion":"spaceport.dev/v1alpha1","kind":"SpaceDeployment",)"
                    R"("key":"a/b"})",
                    R"(field "kind" must be "SpaceDeploymentStatus" (got "SpaceDeployment"))"},
        BadDocument{"another_api_version_is_refused",
                    R"({"apiVersion":"v1","kind":"SpaceDeploymentStatus","key":"a/b"})",
                    R"(field "apiVersion" must be "spaceport.dev/v1alpha1" (got "v1"))"},
        BadDocument{"a_document_without_kind_is_refused",
                    R"({"apiVersion":"spaceport.dev/v1alpha1","key":"a/b"})",
                    R"(field "kind" must be "SpaceDeploymentStatus" (got absent))"},
        BadDocument{"an_array_is_not_a_status", "[]", "not a JSON object"},
        BadDocument{"a_key_without_a_namespace_is_refused", "{" + kHead + R"(,"key":"tools"})",
                    R"(field "key" must be "namespace/name")"},
        BadDocument{"a_key_of_the_wrong_type_is_named", "{" + kHead + R"(,"key":7})",
                    R"(field "key" must be a string)"},
        BadDocument{"suspended_must_be_a_boolean",
                    "{" + kHead + R"(,"key":"a/b","suspended":"yes"})",
                    R"(field "suspended" must be true or false)"},
        BadDocument{"a_history_item_field_is_named_with_its_index",
                    "{" + kHead +
                        R"(,"key":"a/b","history":[{"seconds":1},{"seconds":"slow"}]})",
                    R"(field "history[1].seconds" must be a number)"},
        BadDocument{"a_negative_write_count_is_refused",
                    "{" + kHead + R"(,"key":"a/b","history":[{"writes":-1}]})",
                    R"(field "history[0].writes" must be a non-negative integer)"},
        BadDocument{"a_condition_that_is_not_an_object_is_named",
                    "{" + kHead + R"(,"key":"a/b","conditions":["Ready"]})",
                    "conditions[0] must be an object"},
        BadDocument{"drift_that_is_not_an_array_is_named",
                    "{" + kHead + R"(,"key":"a/b","drift":{}})",
                    R"(field "drift" must be an array)"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace spaceport::runtime
