// runtime::UpstreamHealth: a host is Failing after three failures in a row (5xx, 429, no answer),
// `since` is the first of them, one success clears it; other answers (404, 409) are not failures.
#include <gtest/gtest.h>

#include <chrono>

#include "runtime/upstream_health.h"

namespace spaceport::runtime {
namespace {

using std::chrono::seconds;

const Clock::TimePoint kT0 = *ParseRfc3339("2026-12-04T12:00:00Z");

struct CodeCase {
  std::string code;
  bool failure;
};

class FailureCodes : public ::testing::TestWithParam<CodeCase> {};
TEST_P(FailureCodes, Classified) { EXPECT_EQ(IsUpstreamFailure(GetParam().code), GetParam().failure); }
INSTANTIATE_TEST_SUITE_P(Codes, FailureCodes,
                         ::testing::Values(CodeCase{"error", true}, CodeCase{"500", true},
                                           CodeCase{"503", true}, CodeCase{"429", true},
                                           CodeCase{"200", false}, CodeCase{"404", false},
                                           CodeCase{"409", false}, CodeCase{"401", false},
                                           CodeCase{"302", false}));

TEST(UpstreamHealth, TwoFailuresInARowAreNotYetAnOutage) {
  UpstreamHealth h;
  h.Record("hub:443", "503", kT0);
  h.Record("hub:443", "error", kT0 + seconds(1));
  ASSERT_EQ(h.Snapshot().size(), 1u);
  EXPECT_FALSE(h.Snapshot()[0].failing);
  EXPECT_EQ(h.Snapshot()[0].consecutive_failures, 2);
}

TEST(UpstreamHealth, ThreeFailuresInARowMakeItFailingSinceTheFirst) {
  UpstreamHealth h;
  h.Record("hub:443", "200", kT0);
  h.Record("hub:443", "503", kT0 + seconds(10));
  h.Record("hub:443", "429", kT0 + seconds(11));
  h.Record("hub:443", "error", kT0 + seconds(12));
  h.Record("hub:443", "503", kT0 + seconds(60));
  const UpstreamState s = h.Snapshot()[0];
  EXPECT_TRUE(s.failing);
  EXPECT_EQ(s.since, kT0 + seconds(10));
  EXPECT_EQ(s.last_code, "503");
  EXPECT_EQ(s.consecutive_failures, 4);
  EXPECT_EQ(s.failures_total, 4);
  EXPECT_EQ(s.exchanges_total, 5);
}

TEST(UpstreamHealth, OneSuccessClearsIt) {
  UpstreamHealth h;
  for (int i = 0; i < 5; ++i) h.Record("hub:443", "503", kT0 + seconds(i));
  h.Record("hub:443", "404", kT0 + seconds(30));
  const UpstreamState s = h.Snapshot()[0];
  EXPECT_FALSE(s.failing);
  EXPECT_EQ(s.since, kT0 + seconds(30));
  EXPECT_EQ(s.consecutive_failures, 0);
}

TEST(UpstreamHealth, HostsAreTrackedApart) {
  UpstreamHealth h;
  for (int i = 0; i < 3; ++i) h.Record("hub:443", "error", kT0 + seconds(i));
  h.Record("ghcr.io", "200", kT0);
  const Json json = UpstreamsJson(h.Snapshot());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json.At(0).GetString("host"), "hub:443");  // failing hosts first
  EXPECT_EQ(json.At(0).GetString("state"), "Failing");
  EXPECT_EQ(json.At(0).GetString("since"), "2026-12-04T12:00:00Z");
  EXPECT_EQ(json.At(0).GetString("lastCode"), "error");
  EXPECT_EQ(json.At(1).GetString("host"), "ghcr.io");
  EXPECT_EQ(json.At(1).GetString("state"), "Ok");
}

}  // namespace
}  // namespace spaceport::runtime
