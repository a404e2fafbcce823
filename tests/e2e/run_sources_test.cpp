// The desired state as `spaceport run` watches it in a directory: an edit to the YAML reaches
// the Space within seconds although the deployment's interval is 10 minutes (only inotify can
// have triggered it), and a broken document beside a valid one is reported with its file and
// line while the valid one converges.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

class RunSources : public RunTest {};

TEST_F(RunSources, AnEditedVariableReachesTheSpaceWithinTenSecondsThroughTheWatch) {
  const auto desired = WriteDeployment({}, "10m");
  // A full rescan only every 10 minutes too: the edit can only arrive through inotify.
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired, {"--rescan-interval", "10m"}));
  ASSERT_EQ(Field(SpaceState(), {"variables", "LOG_LEVEL", "value"}), "info");
  const std::string revision_before = StatusFile().GetString("revision");

  std::string yaml = support::ReadFile(desired / "demo.yaml");
  const size_t at = yaml.find("LOG_LEVEL: info");
  ASSERT_NE(at, std::string::npos) << yaml;
  yaml.replace(at, std::string("LOG_LEVEL: info").size(), "LOG_LEVEL: debug");
  ASSERT_TRUE(support::WriteFile(desired / "demo.yaml", yaml));

  EXPECT_TRUE(WaitUntil(
      [&] {
        return Field(SpaceState(), {"variables", "LOG_LEVEL", "value"}) == "debug";
      },
      std::chrono::seconds(10)))
      << "the edit did not reach the Space within 10 s\n"
      << SpaceState().Dump();
  ASSERT_TRUE(WaitConverged()) << StatusFile().Dump();
  const Json status = StatusFile();
  EXPECT_NE(status.GetString("revision"), revision_before)
      << "the status does not record the new desired-state revision";
  EXPECT_EQ(status.GetString("revision"), FetchJson("/api/v1/status").GetString("revision"));
  ExpectNoSecretsAnywhere();
  // An edited spec is a deploy, not drift.
  EXPECT_EQ(StopController(), 0);
  EXPECT_EQ(CountEvents("DriftFound"), 0) << EventList();
  EXPECT_EQ(CountEvents("DriftCorrected"), 0) << EventList();
}

// `spec.driftPolicy: sometimes` on line 10 of broken.yaml: not a policy (its only error).
constexpr char kBrokenDeployment[] = R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata:
  name: broken
  namespace: e2e
spec:
  image:
    repository: ghcr.io/acme/app
    version: v1.0.0
  driftPolicy: sometimes
  spaces:
    - id: acme/broken
)";

TEST_F(RunSources, AnInvalidDocumentIsListedWithItsLineWhileTheValidOneConverges) {
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_TRUE(support::WriteFile(desired / "broken.yaml", kBrokenDeployment));
  ASSERT_NO_FATAL_FAILURE(StartController(desired));

  ASSERT_TRUE(controller_->WaitReady(kConverge)) << "/readyz never answered 200";
  ASSERT_TRUE(WaitConverged()) << StatusFile().Dump();
  EXPECT_FALSE(SpaceExists("acme/broken"));

  const Json plan = FetchJson("/api/v1/drift");
  EXPECT_EQ(Field(plan, {"summary", "invalid"}), "1") << plan.Dump();
  const Json* invalid = plan.Find("invalid");
  ASSERT_TRUE(invalid && invalid->is_array() && invalid->size() == 1) << plan.Dump();
  const Json& broken = invalid->At(0);
  EXPECT_EQ(broken.GetString("key"), "e2e/broken") << broken.Dump();
  const std::string file = (desired / "broken.yaml").string();
  EXPECT_EQ(broken.GetString("position").rfind(file + ":1:", 0), 0u) << broken.Dump();
  const Json* errors = broken.Find("errors");
  ASSERT_TRUE(errors && errors->size() == 1) << broken.Dump();
  EXPECT_EQ(errors->At(0).AsString().rfind(file + ":10:", 0), 0u) << broken.Dump();
  EXPECT_NE(errors->At(0).AsString().find("driftPolicy"), std::string::npos) << broken.Dump();

  // The valid deployment is in the same report, in sync.
  const Json* deployments = plan.Find("deployments");
  ASSERT_TRUE(deployments && deployments->size() == 1) << plan.Dump();
  EXPECT_EQ(deployments->At(0).GetString("key"), kDeploymentKey);
  EXPECT_EQ(ReadyStatus(), "True");
  const Json list = FetchJson("/api/v1/status");
  const Json* items = list.Find("items");
  ASSERT_TRUE(items && items->size() == 1) << list.Dump();
  EXPECT_EQ(items->At(0).GetString("key"), kDeploymentKey);
  EXPECT_NE(ControllerLog().find("broken.yaml:10"), std::string::npos)
      << "the log does not point at the broken line";
}

}  // namespace
}  // namespace spaceport::e2e
