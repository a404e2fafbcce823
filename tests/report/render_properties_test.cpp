// Properties every rendering must keep, whatever the plan: counts that agree, tables that stay
// tables, values that survive JSON intact, ids that the text cross-references.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/json.h"
#include "report/diagnostics.h"
#include "report/plan_fixtures.h"
#include "report/render.h"

namespace spaceport::report {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Pipes that delimit cells: not preceded by a backslash.
int CellDelimiters(const std::string& row) {
  int n = 0;
  for (size_t i = 0; i < row.size(); ++i)
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++n;
  return n;
}

TEST(Summarize, CountsDriftedDeploymentsOnceEachAndInSyncByState) {
  const PlanSummary s = Summarize(testing::MixedPlan());
  EXPECT_EQ(s.deployments, 4);
  EXPECT_EQ(s.in_sync, 0);
  EXPECT_EQ(s.drifted, 3);  // chat-ui, grok2api, stalled; paused has no drift items
  EXPECT_EQ(s.actions, 5);
  EXPECT_EQ(s.drift_items, 7);
  EXPECT_EQ(s.invalid, 0);
}

TEST(RenderText, EndsWithTheSummaryLineInSingularAndPlural) {
  EXPECT_NE(RenderText(testing::MixedPlan())
                .find("\nPlan: 5 actions, 7 drift items in 3 deployments; 0 invalid\n"),
            std::string::npos);
  EXPECT_EQ(RenderText(testing::EmptyPlan()),
            "Plan: 0 actions, 0 drift items in 0 deployments; 0 invalid\n");
  plan::Plan one = testing::MixedPlan();
  one.actions.resize(1);
  one.drift.resize(1);
  EXPECT_NE(RenderText(one).find("Plan: 1 action, 1 drift item in 1 deployment; 0 invalid"),
            std::string::npos);
}

TEST(RenderText, EveryActionIsNumberedAndNamesWhatItWaitsFor) {
  const std::string text = RenderText(testing::MixedPlan());
  for (const char* want :
       {"#1 PublishWrapper ", "#2 CommitSpaceFiles your-username/grok2api-space (after #1)",
        "#5 AwaitRunning your-username/grok2api-space (after #2, #3, #4)"})
    EXPECT_NE(text.find(want), std::string::npos) << want;
}

TEST(RenderText, DriftReadsObservedArrowDesired) {
  EXPECT_NE(RenderText(testing::MixedPlan()).find("    ~ hardware: cpu-upgrade → cpu-basic\n"),
            std::string::npos);
}

TEST(RenderText, InvalidDocumentsAreListedWithEveryError) {
  const std::string text = RenderText(testing::HostilePlan());
  EXPECT_NE(text.find("deploy/bad.yaml#2: Invalid at deploy/bad.yaml:14:1\n"), std::string::npos);
  EXPECT_NE(text.find("  deploy/bad.yaml:20:7: spec.spaces[0].hardware:"), std::string::npos);
}

TEST(RenderMarkdown, APipeInAValueNeverSplitsATableCell) {
  for (const plan::Plan& p : {testing::MixedPlan(), testing::HostilePlan()}) {
    const std::string md = RenderMarkdown(p);
    int table_rows = 0;
    bool in_drift_table = false;
    for (const std::string& line : Lines(md)) {
      if (line.rfind("| Target | Field |", 0) == 0) in_drift_table = true;
      if (line.empty()) in_drift_table = false;
      if (!in_drift_table) continue;
      ++table_rows;
      EXPECT_EQ(CellDelimiters(line), 5) << line;  // | Target | Field | Observed | Desired |
    }
    EXPECT_GT(table_rows, 0);
  }
}

TEST(RenderMarkdown, InvalidDocumentsAreFoldedIntoDetails) {
  const std::string md = RenderMarkdown(testing::HostilePlan());
  const size_t details = md.find("<details>\n<summary>2 invalid documents</summary>");
  ASSERT_NE(details, std::string::npos);
  EXPECT_NE(md.find("</details>", details), std::string::npos);
}

TEST(RenderMarkdown, AStateIsNotRepeatedAsItsOwnReason) {
  const std::string md = RenderMarkdown(testing::MixedPlan());
  EXPECT_EQ(md.find("Drifted (Drifted)"), std::string::npos);
  EXPECT_NE(md.find("### `default/chat-ui`: Drifted\n"), std::string::npos);
}

TEST(RenderMarkdown, HtmlInValuesNeverReachesTheCommentAsMarkup) {
  const std::string md = RenderMarkdown(testing::HostilePlan());
  EXPECT_EQ(md.find("<b>"), std::string::npos);
  EXPECT_NE(md.find("\\<b\\>html\\</b\\>"), std::string::npos);
}

TEST(RenderMarkdown, ADiffBlockFenceIsLongerThanAFenceInsideTheFile) {
  const std::string md = RenderMarkdown(testing::HostilePlan());
  EXPECT_NE(md.find("````diff\n"), std::string::npos);
}

TEST(RenderJson, StringsSurviveARoundTripByteForByte) {
  const plan::Plan p = testing::HostilePlan();
  Result<Json> doc = Json::Parse(RenderJson(p));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const Json& drift = *doc->Find("drift");
  ASSERT_EQ(drift.size(), p.drift.size());
  for (size_t i = 0; i < p.drift.size(); ++i) {
    EXPECT_EQ(drift.At(i).GetString("desired"), p.drift[i].desired);
    EXPECT_EQ(drift.At(i).GetString("observed"), p.drift[i].observed);
  }
}

TEST(RenderJson, DependsOnListsActionIdsAsNumbers) {
  Result<Json> doc = Json::Parse(RenderJson(testing::MixedPlan()));
  ASSERT_TRUE(doc.ok());
  const Json& last = doc->Find("actions")->At(4);
  ASSERT_EQ(last.Find("dependsOn")->size(), 3u);
  EXPECT_EQ(last.Find("dependsOn")->At(2).AsInt(), 4);
  EXPECT_EQ(last.Find("params")->GetString("healthPath"), "/health");
}

TEST(RenderJson, IsIndentedWithTwoSpacesAndEndsWithANewline) {
  const std::string json = RenderJson(testing::InSyncPlan());
  EXPECT_EQ(json.rfind("{\n  \"apiVersion\": \"spaceport.dev/v1alpha1\",\n", 0), 0u);
  EXPECT_EQ(json.back(), '\n');
}

spec::LoadResult LoadedWith(int valid, int invalid, int errors, int notes) {
  spec::LoadResult loaded;
  loaded.deployments.resize(static_cast<size_t>(valid));
  loaded.invalid.resize(static_cast<size_t>(invalid));
  for (int i = 0; i < errors; ++i)
    loaded.diagnostics.push_back({spec::Severity::kError, {}, "", ""});
  for (int i = 0; i < notes; ++i) loaded.diagnostics.push_back({spec::Severity::kNote, {}, "", ""});
  return loaded;
}

TEST(ValidationSummary, CountsDocumentsAndErrorsButNotNotes) {
  EXPECT_EQ(ValidationSummary(LoadedWith(2, 1, 4, 3)),
            "3 documents: 2 valid, 1 invalid (4 errors)");
  EXPECT_EQ(ValidationSummary(LoadedWith(1, 0, 0, 1)), "1 document: 1 valid, 0 invalid");
  EXPECT_EQ(ValidationSummary(LoadedWith(0, 1, 1, 0)), "1 document: 0 valid, 1 invalid (1 error)");
}

TEST(ValidationSummary, AnErrorOutsideAnyDocumentStillShows) {
  EXPECT_EQ(ValidationSummary(LoadedWith(0, 0, 1, 0)), "0 documents: 0 valid, 0 invalid (1 error)");
}

}  // namespace
}  // namespace spaceport::report
