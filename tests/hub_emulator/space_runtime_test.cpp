// The stage machine on its own, with explicit times.
#include <gtest/gtest.h>

#include "emulators/hub/space_runtime.h"

namespace spaceport::hub_emulator {
namespace {

using std::chrono::seconds;

const std::string kSha(40, 'a');
const BuildTiming kTiming{seconds(10), seconds(5), false};

TEST(SpaceRuntime, ABuildMovesThroughItsStagesAtTheTimesTheyFallDue) {
  FakeClock clock;
  SpaceRuntime rt("cpu-basic");
  const Clock::TimePoint t0 = clock.Now();
  const int64_t build = rt.StartBuild(kSha, t0, kTiming, {"busybox"});
  rt.RecordCheck(build, true, {"--> Resolved busybox"}, t0);
  struct Step {
    int at_seconds;
    const char* stage;
    bool has_current_hardware;
  };
  for (const Step& s : {Step{0, "BUILDING", false}, Step{9, "BUILDING", false}, Step{10, "APP_STARTING", true},
                        Step{14, "APP_STARTING", true}, Step{15, "RUNNING", true}, Step{500, "RUNNING", true}}) {
    rt.Settle(t0 + seconds(s.at_seconds));
    EXPECT_EQ(rt.stage(), s.stage) << "at " << s.at_seconds << " s";
    EXPECT_EQ(rt.current_hardware().has_value(), s.has_current_hardware) << "at " << s.at_seconds << " s";
  }
  EXPECT_EQ(rt.sha(), kSha);
}

TEST(SpaceRuntime, TransitionsAreStampedWhenDueNotWhenObserved) {
  FakeClock clock;
  SpaceRuntime rt("cpu-basic");
  const Clock::TimePoint t0 = clock.Now();
  rt.RecordCheck(rt.StartBuild(kSha, t0, kTiming, {}), true, {}, t0);
  rt.Settle(t0 + seconds(3600));  // observed an hour later
  ASSERT_EQ(rt.stage(), "RUNNING");
  EXPECT_EQ(rt.run_log().front().at, t0 + seconds(10));
  EXPECT_EQ(rt.run_log().back().at, t0 + seconds(15));
}

TEST(SpaceRuntime, ABuildWhoseCheckHasNotReportedStaysBuildingAndStartsWhenItDoes) {
  FakeClock clock;
  SpaceRuntime rt("cpu-basic");
  const Clock::TimePoint t0 = clock.Now();
  const int64_t build = rt.StartBuild(kSha, t0, kTiming, {"busybox"});
  rt.Settle(t0 + seconds(60));
  EXPECT_EQ(rt.stage(), "BUILDING");
  rt.RecordCheck(build, true, {}, t0 + seconds(60));
  rt.Settle(t0 + seconds(64));
  EXPECT_EQ(rt.stage(), "APP_STARTING");
  rt.Settle(t0 + seconds(65));
  EXPECT_EQ(rt.stage(), "RUNNING");
}

TEST(SpaceRuntime, AFailedCheckEndsInBuildErrorWithTheCheckInTheLog) {
  FakeClock clock;
  SpaceRuntime rt("cpu-basic");
  const Clock::TimePoint t0 = clock.Now();
  rt.RecordCheck(rt.StartBuild(kSha, t0, kTiming, {"x"}), false, {"--> ERROR: failed to solve: x: not found"}, t0);
  rt.Settle(t0 + seconds(10));
  EXPECT_EQ(rt.stage(), "BUILD_ERROR");
  EXPECT_EQ(rt.ToJson("d").GetString("errorMessage"), "Build failed with exit code: 1");
  bool logged = false;
  for (const LogLine& l : rt.build_log()) logged |= l.text.find("x: not found") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST(SpaceRuntime, AResultForAnOlderBuildIsIgnored) {
  FakeClock clock;
  SpaceRuntime rt("cpu-basic");
  const Clock::TimePoint t0 = clock.Now();
  const int64_t old_build = rt.StartBuild(kSha, t0, kTiming, {});
  const int64_t new_build = rt.StartBuild(std::string(40, 'b'), t0, kTiming, {});
  rt.RecordCheck(old_build, false, {}, t0);
  rt.Settle(t0 + seconds(10));
  EXPECT_EQ(rt.stage(), "BUILDING") << "the new build has not reported";
  rt.RecordCheck(new_build, true, {}, t0);
  rt.Settle(t0 + seconds(15));
  EXPECT_EQ(rt.stage(), "RUNNING");
}

TEST(SpaceRuntime, RollingBuildsKeepServingUnderRunningStages) {
  FakeClock clock;
  SpaceRuntime rt("cpu-basic");
  const Clock::TimePoint t0 = clock.Now();
  const BuildTiming rolling{seconds(10), seconds(5), true};
  rt.RecordCheck(rt.StartBuild(kSha, t0, rolling, {}), true, {}, t0);
  rt.Settle(t0 + seconds(15));
  ASSERT_EQ(rt.stage(), "RUNNING") << "the first build is not rolling: nothing was serving";
  const Clock::TimePoint t1 = t0 + seconds(100);
  rt.RecordCheck(rt.StartBuild(kSha, t1, rolling, {}), true, {}, t1);
  EXPECT_EQ(rt.stage(), "RUNNING_BUILDING");
  EXPECT_EQ(rt.current_hardware(), "cpu-basic");
  rt.Settle(t1 + seconds(10));
  EXPECT_EQ(rt.stage(), "RUNNING_APP_STARTING");
  rt.Settle(t1 + seconds(15));
  EXPECT_EQ(rt.stage(), "RUNNING");
}

TEST(SpaceRuntime, GcTimeoutIsTheSleepTimeOr48HoursOnCpuBasicAndAbsentWhenNeverSleeping) {
  SpaceRuntime rt("cpu-basic");
  EXPECT_EQ(rt.ToJson("d").Find("gcTimeout")->AsInt(), 172800);
  rt.SetSleepTime(3600);
  EXPECT_EQ(rt.ToJson("d").Find("gcTimeout")->AsInt(), 3600);
  rt.SetSleepTime(-1);
  EXPECT_EQ(rt.ToJson("d").Find("gcTimeout"), nullptr);
  SpaceRuntime gpu("t4-small");
  EXPECT_EQ(gpu.ToJson("d").Find("gcTimeout"), nullptr);
}

TEST(SpaceRuntime, RuntimeJsonHasTheHubsShape) {
  SpaceRuntime rt("cpu-basic");
  rt.SetNoAppFile(kSha);
  EXPECT_EQ(rt.ToJson("alice-demo.hf.space").Dump(),
            R"({"stage":"NO_APP_FILE","hardware":{"current":null,"requested":"cpu-basic"},"storage":null,)"
            R"("gcTimeout":172800,"replicas":{"requested":1},"devMode":false,)"
            R"("domains":[{"domain":"alice-demo.hf.space","stage":"READY"}],)"
            R"("sha":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})");
}

}  // namespace
}  // namespace spaceport::hub_emulator
