// `spaceport plan -o html` (report/render_html.cpp): one self-contained page that runs nothing —
// every value escaped, no script at all, a CSP admitting only the inlined stylesheet by its hash.
#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/digest.h"
#include "report/console_assets.h"
#include "report/render.h"
#include "report/plan_fixtures.h"

namespace spaceport::report {
namespace {

std::string Between(const std::string& text, const std::string& from, const std::string& to) {
  const size_t a = text.find(from);
  if (a == std::string::npos) return "";
  const size_t b = text.find(to, a + from.size());
  return b == std::string::npos ? "" : text.substr(a + from.size(), b - a - from.size());
}

TEST(RenderHtml, HostileValuesAreEscapedAndNothingCanRun) {
  plan::Plan plan = testing::HostilePlan();
  plan.drift.push_back({"default/x", "space:acme/x", "variables.GREETING",
                        "<img src=x onerror=alert(1)></script><script>alert(2)</script>", "\"quoted\" & 'single'"});
  const std::string html = RenderHtml(plan);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(html.find("&quot;quoted&quot; &amp; 'single'"), std::string::npos);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("</html>\n"), std::string::npos);
}

TEST(RenderHtml, InlinesTheConsoleStylesheetAndAdmitsOnlyItByHash) {
  const std::string html = RenderHtml(testing::MixedPlan());
  const std::string css = Between(html, "<style>", "</style>");
  ASSERT_FALSE(css.empty());
  EXPECT_EQ(css, std::string(console::FindAsset("console.css")->bytes));
  const std::string policy = Between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  std::string raw;
  const std::string hex = Sha256Hex(css);
  for (size_t i = 0; i < hex.size(); i += 2) raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  EXPECT_NE(policy.find("style-src 'sha256-" + Base64Encode(raw) + "'"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("script-src"), std::string::npos) << "no script may run at all: default-src 'none'";
}

TEST(RenderHtml, ShowsCountsDeploymentsDriftAndActions) {
  const plan::Plan plan = testing::MixedPlan();
  const std::string html = RenderHtml(plan);
  EXPECT_NE(html.find(DescribeCounts(Summarize(plan))), std::string::npos);
  for (const plan::DeploymentPlan& d : plan.deployments) EXPECT_NE(html.find(d.key), std::string::npos) << d.key;
  EXPECT_NE(html.find("<h2>Drift</h2>"), std::string::npos);
  EXPECT_NE(html.find("<h2>Actions</h2>"), std::string::npos);
  const std::string in_sync = RenderHtml(testing::InSyncPlan());
  EXPECT_NE(in_sync.find("No drift"), std::string::npos);
  EXPECT_NE(in_sync.find("Nothing to do."), std::string::npos);
}

}  // namespace
}  // namespace spaceport::report
