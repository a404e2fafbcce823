// RBAC proven, not assumed: the controller runs with a service account token (TokenRequest) bound to
// exactly the verbs docs/kubernetes.md lists, and converges; with `secrets get` taken away, the
// object says Forbidden (naming the resource) instead of crashing or looping hot.
#include <gtest/gtest.h>

#include "kube/kube_fixture.h"

namespace spaceport::kube_e2e {
namespace {

std::string Role(const std::string& ns, bool secrets) { return RbacYaml(ns, {.secrets = secrets}); }

class KubeRbac : public KubeRunTest {};

TEST_F(KubeRbac, TheDocumentedVerbsAreEnoughToConvergeWithLeaderElection) {
  ASSERT_TRUE(ApplyYaml(Role(ns_, /*secrets=*/true)));
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));
  ASSERT_NO_FATAL_FAILURE(StartAsServiceAccount());
  EXPECT_TRUE(WaitObjectReady()) << Object().Dump(2) << e2e::RunTest::Tail(ControllerLog(), 30);
  EXPECT_TRUE(WaitUntil(
      [&] { return Kubectl({"describe", "spd", "demo"}).output.find("DeploySucceeded") != std::string::npos; },
      std::chrono::seconds(10)));
  EXPECT_EQ(ControllerLog().find("forbidden"), std::string::npos) << ControllerLog();
}

TEST_F(KubeRbac, AMissingVerbIsAForbiddenConditionNamingItNotACrashOrAHotLoop) {
  ASSERT_TRUE(ApplyYaml(Role(ns_, /*secrets=*/false)));
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));
  ASSERT_NO_FATAL_FAILURE(StartAsServiceAccount());
  ASSERT_TRUE(WaitObject("demo", [](const Json& o) { return Condition(o, "Stalled", "reason") == "Forbidden"; }))
      << Object().Dump(2) << e2e::RunTest::Tail(ControllerLog(), 30);
  const std::string message = Condition(Object(), "Ready", "message");
  EXPECT_NE(message.find("secrets"), std::string::npos) << message;
  EXPECT_NE(message.find("forbidden"), std::string::npos) << message;
  EXPECT_FALSE(SpaceExists(e2e::kSpace));
  // Stalled waits for the interval (10 minutes): no more passes in the next few seconds.
  const double passes = ReconcileCount();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(ReconcileCount(), passes);
  EXPECT_TRUE(controller_->Running());
}

}  // namespace
}  // namespace spaceport::kube_e2e
