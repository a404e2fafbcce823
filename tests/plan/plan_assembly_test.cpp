// Whole-plan properties: determinism, numbering, AddInvalid's attribution of diagnostics to
// documents, and the names of states and action kinds.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "plan/plan_builders.h"
#include "plan/planner.h"

namespace spaceport::plan {
namespace {

using namespace testing;  // NOLINT: the builders are the vocabulary of this file

// A varied plan: builds, wrappers, commits, a stalled and a warn deployment.
std::pair<std::vector<spec::SpaceDeployment>, observe::Observation> VariedInput() {
  std::vector<spec::SpaceDeployment> desired;
  observe::Observation world = InSyncWorld(Deployment());
  for (int i = 0; i < 12; ++i) {
    std::string name = "app" + std::to_string(i);
    auto d = Deployment({WithName(name), WithSpace({WithId("o/" + name)})});
    if (i % 3 == 0) d.image.version = "v1.1.0";
    if (i % 4 == 0) d.image.build.emplace().command = spec::CommandBuild{{"make"}, {60, "1m"}, {}};
    if (i % 5 == 0) d.drift_policy = spec::DriftPolicy::kWarn;
    PutSpace(world, d, d.spaces[0], "v1.0.0");
    if (i % 2 == 0) world.spaces["o/" + name].stage = "PAUSED";
    desired.push_back(d);
  }
  return {desired, world};
}

TEST(MakePlan, IsDeterministicAndIndependentOfInputOrder) {
  auto [desired, world] = VariedInput();
  Plan first = MakePlan(desired, world);
  EXPECT_EQ(first, MakePlan(desired, world));
  std::reverse(desired.begin(), desired.end());
  EXPECT_EQ(first, MakePlan(desired, world));
  EXPECT_FALSE(first.actions.empty());
}

TEST(MakePlan, NumbersActionsOneToNWithDependenciesPointingBackwards) {
  auto [desired, world] = VariedInput();
  Plan plan = MakePlan(desired, world);
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    EXPECT_EQ(plan.actions[i].id, static_cast<int>(i + 1));
    for (int dep : plan.actions[i].depends_on) {
      EXPECT_GE(dep, 1);
      EXPECT_LT(dep, plan.actions[i].id);
      EXPECT_EQ(plan.actions[dep - 1].deployment, plan.actions[i].deployment);
    }
  }
  EXPECT_TRUE(std::is_sorted(plan.deployments.begin(), plan.deployments.end(),
                             [](const auto& a, const auto& b) { return a.key < b.key; }));
}

TEST(MakePlan, RecordsWhereEachDeploymentWasDeclared) {
  auto d = Deployment();
  d.position = {"gitops/apps.yaml", 40, 1};
  Plan plan = MakePlan({d}, InSyncWorld(d));
  ASSERT_EQ(plan.deployments.size(), 1u);
  EXPECT_EQ(plan.deployments[0].file, "gitops/apps.yaml:40");
  EXPECT_EQ(plan.deployments[0].resolved_digest, BaseDigest("v1.0.0"));
}

spec::Diagnostic Error(std::string file, int line, std::string field, std::string message) {
  return {spec::Severity::kError, {std::move(file), line, 3}, std::move(field), std::move(message)};
}

TEST(AddInvalid, GivesEachInvalidDocumentTheErrorsWithinItsLines) {
  spec::LoadResult loaded;
  auto valid = Deployment();
  valid.position = {"a.yaml", 10, 1};
  loaded.deployments.push_back(valid);
  loaded.invalid.push_back({{"a.yaml", 1, 1}, "first", "default/first"});
  loaded.invalid.push_back({{"a.yaml", 20, 1}, "", "a.yaml#2"});
  loaded.invalid.push_back({{"b.yaml", 1, 1}, "other", "default/other"});
  loaded.diagnostics = {
      Error("a.yaml", 0, "", "file-level problem"),
      Error("a.yaml", 4, "spec.image.version", "bad tag"),
      Error("a.yaml", 12, "spec.port", "belongs to the valid document"),
      Error("a.yaml", 22, "metadata.name", "missing"),
      Error("a.yaml", 30, "spec.spaces[0].id", "\"x\" is not OWNER/NAME"),
      Error("b.yaml", 2, "kind", "unknown"),
      {spec::Severity::kNote, {"a.yaml", 25, 1}, "", "notes are not errors"},
  };
  Plan plan;
  AddInvalid(loaded, plan);
  ASSERT_EQ(plan.invalid.size(), 3u);
  EXPECT_EQ(plan.invalid[0].key, "default/first");
  EXPECT_EQ(plan.invalid[0].position, "a.yaml:1:1");
  EXPECT_EQ(plan.invalid[0].errors,
            (std::vector<std::string>{"a.yaml: file-level problem",
                                      "a.yaml:4:3: spec.image.version: bad tag"}));
  EXPECT_EQ(plan.invalid[1].key, "a.yaml#2");
  EXPECT_EQ(plan.invalid[1].errors,
            (std::vector<std::string>{"a.yaml:22:3: metadata.name: missing",
                                      "a.yaml:30:3: spec.spaces[0].id: \"x\" is not OWNER/NAME"}));
  EXPECT_EQ(plan.invalid[2].errors, (std::vector<std::string>{"b.yaml:2:3: kind: unknown"}));
}

TEST(AddInvalid, AppendsToAPlanThatAlreadyHasDeployments) {
  spec::LoadResult loaded;
  loaded.invalid.push_back({{"x.yaml", 1, 1}, "", "x.yaml#0"});
  loaded.diagnostics = {Error("x.yaml", 2, "spec", "broken")};
  auto d = Deployment();
  Plan plan = MakePlan({d}, InSyncWorld(d));
  AddInvalid(loaded, plan);
  EXPECT_EQ(plan.deployments.size(), 1u);
  ASSERT_EQ(plan.invalid.size(), 1u);
  EXPECT_EQ(plan.invalid[0].errors, (std::vector<std::string>{"x.yaml:2:3: spec: broken"}));
}

TEST(PlanNames, EveryActionKindAndStateHasItsOwnName) {
  std::set<std::string> names;
  for (int k = 0; k <= static_cast<int>(ActionKind::kAwaitRunning); ++k)
    names.insert(to_string(static_cast<ActionKind>(k)));
  EXPECT_EQ(names.size(), 11u);
  EXPECT_EQ(names.count("Unknown"), 0u);
  EXPECT_STREQ(to_string(ActionKind::kCommitSpaceFiles), "CommitSpaceFiles");
  EXPECT_STREQ(to_string(DeploymentState::kInSync), "InSync");
  EXPECT_STREQ(to_string(DeploymentState::kProgressing), "Progressing");
  EXPECT_STREQ(to_string(DeploymentState::kDrifted), "Drifted");
  EXPECT_STREQ(to_string(DeploymentState::kStalled), "Stalled");
  EXPECT_STREQ(to_string(DeploymentState::kSuspended), "Suspended");
}

}  // namespace
}  // namespace spaceport::plan
