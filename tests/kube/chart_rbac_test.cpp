// RBAC proven with the chart itself: `helm install` of charts/spaceport into a namespace of the
// test, then the real controller run out of cluster with a bound token of the chart's own
// ServiceAccount (TokenRequest via `kubectl create token`) — exactly the Roles the chart made, with
// leader election in the release namespace — converges a SpaceDeployment whose secret comes from a
// Secret. (There is no kubelet here, so the chart's Deployment never runs a pod; the binary plays
// the pod's part with the pod's identity.) What the chart does not grant is refused: the same
// token cannot read a Secret of a namespace the release does not watch.
#include <gtest/gtest.h>

#include "kube/kube_fixture.h"

namespace spaceport::kube_e2e {
namespace {

using support::LastLine;

class ChartRbac : public KubeRunTest {
 protected:
  void SetUp() override {
    KubeRunTest::SetUp();
    if (HasFatalFailure()) return;
    support::CommandResult helm = support::RunCommand({"bash", std::string(SPACEPORT_SOURCE_DIR) + "/tests/chart/helm.sh"});
    ASSERT_EQ(helm.exit_code, 0) << helm.output;
    helm_ = LastLine(helm.output);
  }
  support::CommandResult Helm(const std::vector<std::string>& args) const {
    const std::string home = (dir_.path() / "helm-home").string();
    std::vector<std::string> argv = {"env", "HOME=" + home, "XDG_CACHE_HOME=" + home + "/cache",
                                     "XDG_CONFIG_HOME=" + home + "/config", "XDG_DATA_HOME=" + home + "/data",
                                     "KUBECONFIG=" + api_->kubeconfig(), helm_};
    argv.insert(argv.end(), args.begin(), args.end());
    return support::RunCommand(argv);
  }
  std::string helm_;
};

TEST_F(ChartRbac, TheChartsServiceAccountTokenConvergesADeploymentAndCannotReadUnwatchedSecrets) {
  support::CommandResult installed =
      Helm({"install", "sp", std::string(SPACEPORT_SOURCE_DIR) + "/charts/spaceport", "-n", ns_, "--set",
            "watch.namespaces={" + ns_ + "}", "--set", "serviceAccount.name=spaceport-chart", "--wait=false"});
  ASSERT_EQ(installed.exit_code, 0) << installed.output;

  const std::string kubeconfig = ServiceAccountKubeconfig("spaceport-chart");

  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));
  StartControllerOn({"--kube", "--kubeconfig", kubeconfig, "--namespace", ns_, "--leader-elect",
                     "--leader-election-namespace", ns_});
  EXPECT_TRUE(WaitObjectReady()) << Object().Dump(2) << e2e::RunTest::Tail(ControllerLog(), 30);
  EXPECT_EQ(ControllerLog().find("forbidden"), std::string::npos) << e2e::RunTest::Tail(ControllerLog(), 30);
  EXPECT_TRUE(WaitUntil(
      [&] { return Kubectl({"describe", "spd", "demo"}).output.find("DeploySucceeded") != std::string::npos; },
      std::chrono::seconds(10)));

  // Not granted: a Secret of a namespace the release does not watch.
  const std::string other = ns_ + "-other";
  ASSERT_TRUE(api_->CreateNamespace(other).ok());
  ASSERT_TRUE(ApplyYaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  namespace: " + other +
                        "\nstringData:\n  k: v\n"));
  support::CommandResult refused = support::RunCommand(
      {"kubectl", "--kubeconfig", kubeconfig, "--cache-dir", (dir_.path() / "kc-cache").string(), "get", "secret",
       "x", "-n", other});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("forbidden"), std::string::npos) << refused.output;

  EXPECT_EQ(StopController(), 0);
  support::CommandResult uninstalled = Helm({"uninstall", "sp", "-n", ns_});
  EXPECT_EQ(uninstalled.exit_code, 0) << uninstalled.output;
}

}  // namespace
}  // namespace spaceport::kube_e2e
