// KubeRunTest: the world of RunTest (a real registry, the hub-emulator program, a notification
// receiver) plus the shared real kube-apiserver (support::KubeApiServer) with the CRD installed
// and a namespace of the test's own, for end-to-end tests of `spaceport run --kube`.
//
// Objects are applied with the real kubectl; the controller is the real binary; what the tests
// read back comes from the apiserver (kubectl get -o json) and the emulator's counters.
//
//   TEST_F(KubeRunTest, Converges) {
//     ASSERT_TRUE(ApplyYaml(KubeDeployment()));
//     ASSERT_NO_FATAL_FAILURE(StartKubeController());
//     EXPECT_TRUE(WaitObjectReady("demo"));
//   }
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "e2e/run_fixture.h"
#include "support/kube_apiserver.h"

namespace spaceport::kube_e2e {

using e2e::Fill;

struct RbacOptions {
  bool secrets = true;       // secrets get (secretKeyRef)
  bool job_builder = false;  // the rows build.kubernetesJob adds
};

// A Role with the rules docs/kubernetes-mode.md documents, bound to the ServiceAccount
// `spaceport` of namespace `ns` (the Helm chart grants the same list).
inline std::string RbacYaml(const std::string& ns, const RbacOptions& options = {}) {
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
  if (options.secrets) yaml += "  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get]\n";
  if (options.job_builder) {
    yaml += R"(  - apiGroups: [batch]
    resources: [jobs]
    verbs: [create, get, delete]
  - apiGroups: [""]
    resources: [pods]
    verbs: [list]
  - apiGroups: [""]
    resources: [pods/log]
    verbs: [get]
)";
  }
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

class KubeRunTest : public e2e::RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    if (HasFatalFailure()) return;
    auto api = support::KubeApiServer::Shared();
    ASSERT_TRUE(api.ok()) << api.status().ToString();
    api_ = *api;
    static std::atomic<int> counter{0};
    ns_ = "t" + std::to_string(::getpid() % 100000) + "-" + std::to_string(++counter);
    Status created = api_->CreateNamespace(ns_);
    ASSERT_TRUE(created.ok()) << created.ToString();
    // Several replicas must fingerprint secrets alike (docs/kubernetes.md).
    setenv("SPACEPORT_FINGERPRINT_KEY", "kube-e2e-fingerprint-key", 1);
  }

  // DemoDeployment in the test's namespace, its secret from a Kubernetes Secret.
  std::string KubeDeployment(const e2e::DemoOptions& options = {}, const std::string& name = "demo") const {
    std::string yaml = e2e::DemoDeployment(options);
    yaml = Replace(yaml, "  name: demo\n  namespace: e2e\n", "  name: " + name + "\n  namespace: " + ns_ + "\n");
    yaml = Replace(yaml, "          fromEnv: DEMO_API_KEY\n",
                   "          secretKeyRef: {name: demo-secrets, key: api-key}\n");
    return yaml;
  }
  static std::string Replace(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "fixture text changed: " << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  }

  std::string SecretYaml(const std::string& value = e2e::kSecretValue) const {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: demo-secrets\n  namespace: " + ns_ +
           "\nstringData:\n  api-key: " + value + "\n";
  }

  bool ApplyYaml(const std::string& yaml) {
    support::CommandResult r = api_->Apply(yaml);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.exit_code == 0;
  }
  support::CommandResult Kubectl(std::vector<std::string> args) const {
    args.push_back("-n");
    args.push_back(ns_);
    return api_->Kubectl(args);
  }

  std::vector<std::string> KubeFlags(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> flags = {"--kube", "--kubeconfig", api_->kubeconfig(), "--namespace", ns_};
    flags.insert(flags.end(), extra.begin(), extra.end());
    return flags;
  }
  void StartKubeController(const std::vector<std::string>& extra = {}) {
    StartControllerOn(KubeFlags(extra));
  }

  // A kubeconfig with a bound token (TokenRequest) of a service account of the namespace
  // (`spaceport`: the one RbacYaml makes).
  std::string ServiceAccountKubeconfig(const std::string& account = "spaceport") {
    support::CommandResult token = Kubectl({"create", "token", account, "--duration=1h"});
    EXPECT_EQ(token.exit_code, 0) << token.output;
    return api_->KubeconfigFor(account + "-" + ns_, support::LastLine(token.output));
  }
  // The controller as that service account, with leader election (its Lease in the namespace).
  void StartAsServiceAccount() {
    StartControllerOn({"--kube", "--kubeconfig", ServiceAccountKubeconfig(), "--namespace", ns_,
                       "--leader-elect", "--leader-election-namespace", ns_});
  }

  // The object as the apiserver serves it (kubectl get -o json); null when absent.
  Json Object(const std::string& name = "demo") const {
    support::CommandResult r = Kubectl({"get", "spacedeployment", name, "-o", "json"});
    if (r.exit_code != 0) return Json();
    Result<Json> doc = Json::Parse(r.output);
    return doc.ok() ? *doc : Json();
  }
  static std::string Condition(const Json& object, const std::string& type, const std::string& field) {
    const Json* status = object.Find("status");
    const Json* c = status ? e2e::FindStatusCondition(*status, type) : nullptr;
    return c ? c->GetString(field) : "";
  }
  bool WaitObject(const std::string& name, const std::function<bool(const Json&)>& condition,
                  std::chrono::seconds limit = e2e::kConverge) {
    return WaitUntil([&] { return condition(Object(name)); }, limit);
  }
  bool WaitObjectReady(const std::string& name = "demo") {
    return WaitObject(name, [](const Json& o) { return Condition(o, "Ready", "status") == "True"; });
  }

  support::KubeApiServer* api_ = nullptr;
  std::string ns_;
};

}  // namespace spaceport::kube_e2e
