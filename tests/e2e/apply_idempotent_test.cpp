// A second `spaceport apply` on a converged Space writes nothing (no Hub write request at all, so
// nothing restarts) and costs only a few reads; `plan` then finds nothing to do. The request
// counts are printed for the note (aim: at most 3 per Space — info with runtime and sha,
// variables, secrets — with files fetched only when the sha changed).
#include <gtest/gtest.h>

#include <iostream>

#include "e2e/e2e_fixture.h"

namespace spaceport::e2e {
namespace {

class SecondApply : public E2eTest {};

std::string Routes(const std::map<std::string, int64_t>& routes) {
  std::string out;
  for (const auto& [route, n] : routes) out += "  " + route + " x" + std::to_string(n) + "\n";
  return out;
}

TEST_F(SecondApply, MakesZeroWritesInAFewReadsAndLeavesPlanEmpty) {
  ResetStats();
  const auto desired = Deploy();
  ASSERT_FALSE(HasFailure());
  const Json first = Stats();
  const Json before = SpaceState();

  ResetStats();
  TimedResult again = Apply(desired);
  const Json stats = Stats();
  EXPECT_EQ(again.exit_code, 0) << Describe(again);
  std::optional<ApplySummary> summary = ParseApplySummary(again.out);
  ASSERT_TRUE(summary) << "no `apply: N writes, M actions, K failed` last line\n"
                       << Describe(again);
  EXPECT_EQ(summary->writes, 0) << Describe(again);
  EXPECT_EQ(summary->failed, 0) << Describe(again);
  EXPECT_TRUE(WriteRequests(stats).empty()) << "Hub writes during a no-op apply:\n"
                                            << Routes(WriteRequests(stats));

  const int64_t per_space = RequestsForSpace(stats, kSpace);
  std::cout << "[e2e] first deploy: " << RequestsForSpace(first, kSpace) << " Hub requests for "
            << kSpace << ", " << TotalRequests(first) << " in all\n"
            << RouteBreakdown(first) << "[e2e] no-op apply: " << per_space << " Hub requests for "
            << kSpace << ", " << TotalRequests(stats) << " in all, in " << again.seconds << " s\n"
            << RouteBreakdown(stats);
  RecordProperty("first_deploy_hub_requests_per_space",
                 static_cast<int>(RequestsForSpace(first, kSpace)));
  RecordProperty("noop_apply_hub_requests_per_space", static_cast<int>(per_space));
  EXPECT_GT(per_space, 0) << "the no-op apply did not observe the Space";
  EXPECT_LE(per_space, 4) << RouteBreakdown(stats);

  // The emulator agrees that nothing moved: same head, same commits, the secret not rewritten.
  const Json after = SpaceState();
  EXPECT_EQ(Field(after, {"sha"}), Field(before, {"sha"}));
  EXPECT_EQ(Field(after, {"commits"}), Field(before, {"commits"}));
  EXPECT_EQ(Field(after, {"secrets", "API_KEY", "updatedAt"}),
            Field(before, {"secrets", "API_KEY", "updatedAt"}));
  EXPECT_EQ(RuntimeStage(after), "RUNNING");

  // A third apply: by now the file cache holds the head's files, whatever the second one did.
  ResetStats();
  TimedResult third = Apply(desired);
  const Json third_stats = Stats();
  EXPECT_EQ(third.exit_code, 0) << Describe(third);
  EXPECT_TRUE(WriteRequests(third_stats).empty()) << Routes(WriteRequests(third_stats));
  std::cout << "[e2e] third apply: " << RequestsForSpace(third_stats, kSpace)
            << " Hub requests for " << kSpace << "\n"
            << RouteBreakdown(third_stats);
  RecordProperty("third_apply_hub_requests_per_space",
                 static_cast<int>(RequestsForSpace(third_stats, kSpace)));
  EXPECT_LE(RequestsForSpace(third_stats, kSpace), 4) << RouteBreakdown(third_stats);

  TimedResult planned = Plan(desired);
  EXPECT_EQ(planned.exit_code, 0) << Describe(planned);
}

}  // namespace
}  // namespace spaceport::e2e
