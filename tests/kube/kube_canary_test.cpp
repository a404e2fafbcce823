// Kubernetes mode under the canary (issue 13, "Secrets never leak"; e2e/canary_run_test.cpp covers
// file and git mode). Three credentials exist only in Kubernetes mode: the value of the Kubernetes
// Secret a Space secret comes from, the service account's bearer token the controller talks to
// the apiserver with, and the fingerprint key replicas share. The controller runs as that service
// account with leader election, deploys a Space whose secret comes from the cluster, reports an
// invalid object, follows a rotation of the Secret and corrects a drift. Then everything it let
// out is searched for each credential: its log, every endpoint it serves, the SpaceDeployments
// with their status, the Events, the Lease, and its command line.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <string>
#include <vector>

#include "base/digest.h"
#include "e2e/canary_world.h"
#include "kube/kube_fixture.h"

namespace spaceport::kube_e2e {
namespace {

using e2e::DemoOptions;
using e2e::kCanary;

// The rotated value, and the fingerprint key: other canaries, searched as is.
constexpr char kRotatedCanary[] = "hf_RoTaTeD4k8sCaNaRy91zQ";
constexpr char kFingerprintCanary[] = "fpkey-CaNaRy-5d1e0c7b";

class KubeCanary : public KubeRunTest {};

TEST_F(KubeCanary, NoKubernetesCredentialAppearsInAnythingTheControllerLetsOut) {
  setenv("SPACEPORT_FINGERPRINT_KEY", kFingerprintCanary, 1);
  ASSERT_TRUE(ApplyYaml(RbacYaml(ns_, {.secrets = true})));
  ASSERT_TRUE(ApplyYaml(SecretYaml(kCanary)));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));
  std::string broken = KubeDeployment(DemoOptions{.space = "acme/other"}, "broken");
  broken = Replace(broken, "    version: v1.0.0\n", "    policy:\n      semver: \">=1.0.0 <<2\"\n");
  ASSERT_TRUE(ApplyYaml(broken));

  support::CommandResult created = Kubectl({"create", "token", "spaceport", "--duration=1h"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string token = support::LastLine(created.output);
  ASSERT_GT(token.size(), 100u) << "not a bound token: " << token;
  const std::string kubeconfig = api_->KubeconfigFor("spaceport-" + ns_, token);
  ASSERT_NO_FATAL_FAILURE(StartControllerOn({"--kube", "--kubeconfig", kubeconfig, "--namespace", ns_,
                                             "--leader-elect", "--leader-election-namespace", ns_}));
  ASSERT_TRUE(WaitObjectReady()) << Object().Dump(2) << e2e::RunTest::Tail(ControllerLog(), 30);
  ASSERT_TRUE(WaitObject("broken", [](const Json& o) { return Condition(o, "Stalled", "reason") == "InvalidSpec"; }))
      << Object("broken").Dump(2);
  const auto space_secret = [&] {
    const Json state = SpaceState();  // kept: Find() points into it
    const Json* secrets = state.Find("secrets");
    const Json* key = secrets ? secrets->Find("API_KEY") : nullptr;
    return key ? key->GetString("valueSha256") : "";
  };
  EXPECT_EQ(space_secret(), Sha256Hex(kCanary)) << "the Space did not get the Secret's value";

  // The Secret is rotated in the cluster. Secrets are not watched (the role may only get them) and
  // a value is cached 10 s (docs/kubernetes-mode.md): requested passes, one every 4 s, carry the
  // new value to the Space within that.
  ASSERT_TRUE(ApplyYaml(SecretYaml(kRotatedCanary)));
  int requests = 0;
  const auto request_pass = [&] {
    const std::string at = "2026-12-05T12:00:" + std::to_string(10 + ++requests) + "Z";
    EXPECT_EQ(Kubectl({"annotate", "--overwrite", "spd", "demo", "spaceport.dev/requestedAt=" + at}).exit_code, 0);
  };
  const auto rotated = [&] { return space_secret() == Sha256Hex(kRotatedCanary); };
  for (int i = 0; i < 6 && !rotated(); ++i) {
    request_pass();
    WaitUntil(rotated, std::chrono::seconds(4));
  }
  EXPECT_TRUE(rotated()) << SpaceState().Dump(2) << e2e::RunTest::Tail(ControllerLog(), 30);

  // A hand-made drift, corrected at the next requested pass.
  ASSERT_TRUE(hub_->Control("POST", "/__emulator/spaces/" + std::string(e2e::kSpace) + "/hardware",
                            R"({"flavor":"cpu-upgrade"})")
                  .ok());
  request_pass();
  EXPECT_TRUE(WaitUntil(
      [&] { return e2e::Field(SpaceState(), {"runtime", "hardware", "requested"}) == "cpu-basic"; },
      std::chrono::seconds(30)))
      << SpaceState().Dump(2) << e2e::RunTest::Tail(ControllerLog(), 30);

  std::map<std::string, std::string> places;
  for (const std::string& path : std::vector<std::string>{"/healthz", "/readyz", "/metrics", "/api/v1/drift", "/api/v1/drift?format=markdown",
        "/api/v1/drift?format=text", "/api/v1/status", "/api/v1/budget", "/api/v1/console", "/api/v1/fleet",
        "/api/v1/timeline", "/api/v1/deployments/" + ns_ + "/demo", "/api/v1/deployments/" + ns_ + "/broken"}) {
    const http::Response r = Fetch(path);
    std::string head;
    for (const auto& [name, value] : r.headers.items()) head += name + ": " + value + "\n";
    places["GET " + path] = head + "\n" + r.body;
  }
  for (const std::string kind : {"spacedeployments", "events", "leases"}) {
    support::CommandResult got = Kubectl({"get", kind, "-o", "json"});
    EXPECT_EQ(got.exit_code, 0) << kind << ": " << got.output;
    places["kubectl get " + kind] = got.output;
  }
  EXPECT_NE(places["kubectl get leases"].find("holderIdentity"), std::string::npos) << places["kubectl get leases"];
  places["/proc/PID/cmdline of the controller"] =
      support::ReadFile("/proc/" + std::to_string(controller_->pid()) + "/cmdline");
  places["controller log"] = ControllerLog();
  ASSERT_FALSE(places["controller log"].empty());

  // The bound token is a JWT: searched whole and by its signature (the part no other token shares).
  const std::string signature = token.substr(token.rfind('.') + 1);
  const std::map<std::string, std::string> credentials = {
      {"rotated Secret value", kRotatedCanary},
      {"fingerprint key", kFingerprintCanary},
      {"service account token", token},
      {"service account token's signature", signature},
  };
  // The search finds what is there: the kubeconfig holds the token, the Secret's YAML the canary.
  ASSERT_NE(support::ReadFile(kubeconfig).find(token), std::string::npos);
  ASSERT_NE(e2e::FindCanary(SecretYaml(kCanary)), "");
  for (const auto& [place, text] : places) {
    const std::string found = e2e::FindCanary(text);
    EXPECT_EQ(found, "") << "the Secret's first value is in " << place << ": " << found;
    for (const auto& [what, value] : credentials)
      EXPECT_EQ(text.find(value), std::string::npos) << "the " << what << " is in " << place;
  }
  std::cout << "[canary] kubernetes mode: searched " << places.size() << " places for "
            << credentials.size() + 1 << " credentials\n";
}

}  // namespace
}  // namespace spaceport::kube_e2e
