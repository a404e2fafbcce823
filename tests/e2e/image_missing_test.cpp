// An image version that is not in the registry, and no `build:` section to make it: `apply`
// exits 2 naming ImageMissing, and the Space is not touched — a new one is not created, a
// running one keeps its files, settings and stage, and the Hub sees no write request.
#include <gtest/gtest.h>

#include "e2e/e2e_fixture.h"

namespace spaceport::e2e {
namespace {

class MissingImage : public E2eTest {};

TEST_F(MissingImage, ApplyExitsTwoAndDoesNotCreateTheSpace) {
  DemoOptions missing;
  missing.repository = "ghcr.io/acme/nothing-here";
  const auto desired = WriteDesired("missing", DemoDeployment(missing));
  ResetStats();

  TimedResult applied = Apply(desired);
  EXPECT_EQ(applied.exit_code, 2) << Describe(applied);
  EXPECT_NE((applied.out + applied.err).find("ImageMissing"), std::string::npos)
      << Describe(applied);
  EXPECT_FALSE(SpaceExists(kSpace)) << "apply created the Space without an image";
  EXPECT_TRUE(WriteRequests(Stats()).empty()) << RouteBreakdown(Stats());
}

TEST_F(MissingImage, ApplyExitsTwoAndLeavesARunningSpaceAsItWas) {
  Deploy();
  ASSERT_FALSE(HasFailure());
  const Json before = SpaceState();
  DemoOptions missing;
  missing.version = "v9.9.9";
  const auto desired = WriteDesired("missing", DemoDeployment(missing));
  ResetStats();

  TimedResult applied = Apply(desired);
  EXPECT_EQ(applied.exit_code, 2) << Describe(applied);
  EXPECT_NE((applied.out + applied.err).find("ImageMissing"), std::string::npos)
      << Describe(applied);
  EXPECT_TRUE(WriteRequests(Stats()).empty()) << RouteBreakdown(Stats());

  const Json after = SpaceState();
  EXPECT_EQ(Field(after, {"sha"}), Field(before, {"sha"}));
  EXPECT_EQ(Field(after, {"commits"}), Field(before, {"commits"}));
  EXPECT_EQ(DockerfileFrom(after), DockerfileFrom(before));
  EXPECT_EQ(Field(after, {"variables"}), Field(before, {"variables"}));
  EXPECT_EQ(Field(after, {"secrets"}), Field(before, {"secrets"}));
  EXPECT_EQ(RuntimeStage(after), "RUNNING");
}

}  // namespace
}  // namespace spaceport::e2e
