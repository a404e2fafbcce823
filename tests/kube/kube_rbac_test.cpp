// RBAC proven, not assumed: the controller runs with a service account token (TokenRequest) bound to
// exactly the verbs docs/kubernetes.md lists, and converges; with `secrets get` taken away, the
// object says Forbidden (naming the resource) instead of crashing or looping hot.
#include <gtest/gtest.h>

#include "kube/kube_fixture.h"

namespace spaceport::kube_e2e {
namespace {

// The rules docs/kubernetes.md documents (the Helm chart of the next issue uses the same list).
std::string Role(const std::string& ns, bool secrets) {
  std::string yaml = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: spaceport
  namespace: NS
rules:
  - apiGroups: [spaceport.dev]
    resources: [spacedeployments]
    verbs: [get, list, watch]
  - apiGroups: [spaceport.dev]
    resources: [spacedeployments/status]
    verbs: [get, update, patch]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch, get]
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, create, update]
)";
  if (secrets) yaml += "  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get]\n";
  yaml += R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: spaceport
  namespace: NS
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: spaceport}
subjects:
  - kind: ServiceAccount
    name: spaceport
    namespace: NS
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: spaceport
  namespace: NS
)";
  for (size_t at = yaml.find("NS"); at != std::string::npos; at = yaml.find("NS", at + ns.size()))
    yaml.replace(at, 2, ns);
  return yaml;
}

class KubeRbac : public KubeRunTest {
 protected:
  // A kubeconfig with a bound token of the namespace's `spaceport` service account.
  std::string ServiceAccountKubeconfig() {
    support::CommandResult token = Kubectl({"create", "token", "spaceport", "--duration=1h"});
    EXPECT_EQ(token.exit_code, 0) << token.output;
    std::string value = token.output;
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    return api_->KubeconfigFor("sa-" + ns_, value);
  }
  void StartAsServiceAccount() {
    StartControllerOn({"--kube", "--kubeconfig", ServiceAccountKubeconfig(), "--namespace", ns_,
                       "--leader-elect", "--leader-election-namespace", ns_});
  }
};

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
