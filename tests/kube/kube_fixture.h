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
