// The status's wrappers and Spaces after a pass (runtime/status_from_pass.h), as a table of
// cases. The two "…FromTheTypedResult" tests would have failed on the code this replaced, which rebuilt
// the wrapper tag by hand ("hf-arm/v7-…", so arm/v7's digest never reached the status) and stored
// the display text "commit <12 chars>" as the Space's commit.
#include "runtime/status_from_pass.h"

#include <gtest/gtest.h>

namespace spaceport::runtime {
namespace {

spec::SpaceDeployment Deployment() {
  spec::SpaceDeployment d;
  d.name = "demo";
  d.namespace_ = "team";
  d.image.repository = "ghcr.io/acme/app";
  d.wrapper.platforms = {"amd64", "arm/v7"};
  spec::SpaceSpec s;
  s.id = "acme/demo";
  d.spaces.push_back(s);
  return d;
}

act::ActionOutcome Outcome(plan::ActionKind kind, const std::string& target) {
  act::ActionOutcome o;
  o.kind = kind;
  o.target = target;
  o.wrote = true;
  return o;
}

TEST(WrapperStatuses, EveryPlatformGetsTheDigestPublishedThisPassFromTheTypedResult) {
  act::ActionOutcome amd = Outcome(plan::ActionKind::kPublishWrapper, "ghcr.io/acme/app:hf-amd64-v1.0.0");
  amd.digest = "sha256:aaa";
  amd.result = "sha256:aaa, already published";
  act::ActionOutcome arm = Outcome(plan::ActionKind::kPublishWrapper, "ghcr.io/acme/app:hf-arm-v7-v1.0.0");
  arm.digest = "sha256:bbb";
  auto wrappers = WrapperStatuses(Deployment(), "v1.0.0", {}, {amd, arm});
  ASSERT_EQ(wrappers.size(), 2u);
  EXPECT_EQ(wrappers[0].tag, "ghcr.io/acme/app:hf-amd64-v1.0.0");
  EXPECT_EQ(wrappers[0].digest, "sha256:aaa");
  EXPECT_EQ(wrappers[1].platform, "arm/v7");
  EXPECT_EQ(wrappers[1].tag, "ghcr.io/acme/app:hf-arm-v7-v1.0.0");
  EXPECT_EQ(wrappers[1].digest, "sha256:bbb");
}

TEST(WrapperStatuses, WithoutAnActionTheObservedTagsDigestIsShownAndASkippedActionChangesNothing) {
  observe::Observation seen;
  seen.repositories["ghcr.io/acme/app"].tags["hf-arm-v7-v1.0.0"].digest = "sha256:old";
  act::ActionOutcome skipped = Outcome(plan::ActionKind::kPublishWrapper, "ghcr.io/acme/app:hf-arm-v7-v1.0.0");
  skipped.skipped = true;
  skipped.digest = "sha256:never";
  auto wrappers = WrapperStatuses(Deployment(), "v1.0.0", seen, {skipped});
  EXPECT_EQ(wrappers[0].digest, "");
  EXPECT_EQ(wrappers[1].digest, "sha256:old");
  EXPECT_TRUE(WrapperStatuses(Deployment(), "", seen, {}).empty());
}

TEST(SpaceStatuses, ACommitMadeThisPassIsTheFullCommitIdFromTheTypedResult) {
  observe::Observation seen;
  seen.spaces["acme/demo"].exists = true;
  seen.spaces["acme/demo"].sha = "1111111111111111111111111111111111111111";
  seen.spaces["acme/demo"].stage = "RUNNING";
  seen.spaces["acme/demo"].dockerfile = "FROM ghcr.io/acme/app:hf-amd64-v1.0.0@sha256:abc123\n";
  act::ActionOutcome commit = Outcome(plan::ActionKind::kCommitSpaceFiles, "acme/demo");
  commit.commit = "2222222222222222222222222222222222222222";
  commit.result = "commit 222222222222";
  act::ActionOutcome running = Outcome(plan::ActionKind::kAwaitRunning, "acme/demo");
  running.stage = "BUILDING";
  running.result = "BUILDING, waiting";
  auto spaces = SpaceStatuses(Deployment(), "https://huggingface.co/", seen, {commit, running});
  ASSERT_EQ(spaces.size(), 1u);
  EXPECT_EQ(spaces[0].commit, "2222222222222222222222222222222222222222");
  EXPECT_EQ(spaces[0].stage, "BUILDING");
  EXPECT_EQ(spaces[0].deployed_digest, "sha256:abc123");
  EXPECT_EQ(spaces[0].url, "https://huggingface.co/spaces/acme/demo");
}

TEST(SpaceStatuses, ASpaceNotObservedYetIsAbsentOrEmptyAndAFailedCommitIsNotShown) {
  observe::Observation seen;
  seen.spaces["acme/demo"].exists = false;
  act::ActionOutcome failed = Outcome(plan::ActionKind::kCommitSpaceFiles, "acme/demo");
  failed.status = Status(StatusCode::kConflict, "parent moved");
  failed.commit = "3333333333333333333333333333333333333333";
  auto spaces = SpaceStatuses(Deployment(), "https://hub.test", seen, {failed});
  EXPECT_EQ(spaces[0].stage, "ABSENT");
  EXPECT_EQ(spaces[0].commit, "");
}

}  // namespace
}  // namespace spaceport::runtime
