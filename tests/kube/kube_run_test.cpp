// `spaceport run --kube` end to end against a real kube-apiserver: objects applied with kubectl
// converge, kubectl shows and waits on their status, edits reach the Space, Events tell the
// story, an invalid object says why without stopping the others, and a steady state writes no
// status.
#include <gtest/gtest.h>

#include <algorithm>

#include "kube/kube_fixture.h"

namespace spaceport::kube_e2e {
namespace {

using e2e::DemoOptions;

int64_t Generation(const Json& object) {
  const Json* meta = object.Find("metadata");
  const Json* g = meta ? meta->Find("generation") : nullptr;
  return g ? g->AsInt().value_or(-1) : -1;
}

int64_t ObservedGeneration(const Json& object) {
  const Json* status = object.Find("status");
  const Json* g = status ? status->Find("observedGeneration") : nullptr;
  return g ? g->AsInt().value_or(-1) : -1;
}

std::string ResourceVersion(const Json& object) {
  const Json* meta = object.Find("metadata");
  return meta ? meta->GetString("resourceVersion") : "";
}

class KubeRun : public KubeRunTest {};

TEST_F(KubeRun, AnAppliedObjectConvergesAndKubectlGetWaitAndDescribeShowIt) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));
  ASSERT_NO_FATAL_FAILURE(StartKubeController());

  support::CommandResult wait = Kubectl({"wait", "--for=condition=Ready", "spd/demo", "--timeout=90s"});
  ASSERT_EQ(wait.exit_code, 0) << wait.output << Object().Dump(2);
  EXPECT_EQ(e2e::RuntimeStage(SpaceState()), "RUNNING");

  const Json object = Object();
  EXPECT_EQ(ObservedGeneration(object), Generation(object));
  EXPECT_EQ(object.Find("status")->GetString("resolvedVersion"), "v1.0.0");
  EXPECT_EQ(Condition(object, "Stalled", "status"), "");      // only while true
  EXPECT_EQ(Condition(object, "Reconciling", "status"), "");  // only while true

  // The Space got the secret's value from the Kubernetes Secret (compared by fingerprint).
  const Json space = SpaceState();
  EXPECT_NE(space.Dump().find("API_KEY"), std::string::npos) << space.Dump(2);

  // kubectl get shows the printer columns.
  support::CommandResult get = Kubectl({"get", "spd"});
  ASSERT_EQ(get.exit_code, 0) << get.output;
  for (const char* column : {"READY", "STATUS", "VERSION", "SPACES", "AGE"})
    EXPECT_NE(get.output.find(column), std::string::npos) << get.output;
  EXPECT_NE(get.output.find("True"), std::string::npos) << get.output;
  EXPECT_NE(get.output.find("v1.0.0"), std::string::npos) << get.output;
  EXPECT_NE(get.output.find(e2e::kSpace), std::string::npos) << get.output;

  // kubectl describe shows the Events.
  EXPECT_TRUE(WaitUntil(
      [&] { return Kubectl({"describe", "spd", "demo"}).output.find("DeploySucceeded") != std::string::npos; },
      std::chrono::seconds(10)))
      << Kubectl({"describe", "spd", "demo"}).output;

  // The secret value never reaches the object, the Events or the log.
  EXPECT_EQ(object.Dump().find(e2e::kSecretValue), std::string::npos);
  EXPECT_EQ(Kubectl({"get", "events", "-o", "json"}).output.find(e2e::kSecretValue), std::string::npos);
  EXPECT_EQ(ControllerLog().find(e2e::kSecretValue), std::string::npos);
}

TEST_F(KubeRun, AKubectlEditReachesTheSpaceAndASteadyStateWritesNoStatus) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(e2e::WithInterval(KubeDeployment(), "1s")));
  ASSERT_NO_FATAL_FAILURE(StartKubeController());
  ASSERT_TRUE(WaitObjectReady()) << Object().Dump(2) << Tail(ControllerLog(), 40);

  // Steady state: passes every second, and the object (whose resourceVersion every status write
  // moves) stays as it is.
  ASSERT_TRUE(WaitIdle());
  const std::string before = ResourceVersion(Object());
  const double passes_before = ReconcileCount();
  ASSERT_TRUE(WaitUntil([&] { return ReconcileCount() >= passes_before + 3; }, std::chrono::seconds(20)));
  EXPECT_EQ(ResourceVersion(Object()), before) << "a status write in steady state";

  // An edit (hardware) with kubectl patch reaches the Space, and the status follows the generation.
  const std::string patch =
      R"({"spec":{"spaces":[{"id":")" + std::string(e2e::kSpace) +
      R"(","create":true,"hardware":"cpu-upgrade","sleepTimeSeconds":3600,"variables":{"LOG_LEVEL":"info"},)"
      R"("secrets":{"API_KEY":{"secretKeyRef":{"name":"demo-secrets","key":"api-key"}}},"health":{"path":"/","timeoutSeconds":120}}]}})";
  support::CommandResult patched = Kubectl({"patch", "spd", "demo", "--type=merge", "-p", patch});
  ASSERT_EQ(patched.exit_code, 0) << patched.output;
  EXPECT_TRUE(WaitUntil([&] { return e2e::Field(SpaceState(), {"runtime", "hardware", "requested"}) == "cpu-upgrade" ||
                                     e2e::Field(SpaceState(), {"runtime", "hardware", "current"}) == "cpu-upgrade"; },
                        std::chrono::seconds(30)))
      << SpaceState().Dump(2);
  EXPECT_TRUE(WaitObject("demo", [](const Json& o) {
    return ObservedGeneration(o) == Generation(o) && Condition(o, "Ready", "status") == "True";
  })) << Object().Dump(2);
}

TEST_F(KubeRun, AnInvalidObjectShowsInvalidSpecWithItsFieldPathAndTheOthersStillConverge) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));
  // A semver range the schema cannot judge (only Spaceport parses ranges).
  std::string broken = KubeDeployment(DemoOptions{.space = "acme/other"}, "broken");
  broken = Replace(broken, "    version: v1.0.0\n", "    policy:\n      semver: \">=1.0.0 <<2\"\n");
  ASSERT_TRUE(ApplyYaml(broken));
  ASSERT_NO_FATAL_FAILURE(StartKubeController());

  EXPECT_TRUE(WaitObjectReady("demo")) << Object("demo").Dump(2);
  ASSERT_TRUE(WaitObject("broken", [](const Json& o) { return Condition(o, "Stalled", "reason") == "InvalidSpec"; }))
      << Object("broken").Dump(2);
  const Json object = Object("broken");
  EXPECT_EQ(Condition(object, "Ready", "status"), "False");
  EXPECT_EQ(Condition(object, "Ready", "reason"), "InvalidSpec");
  EXPECT_NE(Condition(object, "Ready", "message").find("spec.image.policy.semver"), std::string::npos)
      << Condition(object, "Ready", "message");
  EXPECT_TRUE(WaitUntil(
      [&] { return Kubectl({"describe", "spd", "broken"}).output.find("InvalidSpec") != std::string::npos; },
      std::chrono::seconds(10)));
  EXPECT_FALSE(SpaceExists("acme/other"));
}

TEST_F(KubeRun, AMissingSecretStallsNamingItAndCreatingItConverges) {
  ASSERT_TRUE(ApplyYaml(e2e::WithInterval(KubeDeployment(), "2s")));
  ASSERT_NO_FATAL_FAILURE(StartKubeController());
  ASSERT_TRUE(WaitObject("demo", [](const Json& o) { return Condition(o, "Stalled", "reason") == "SecretMissing"; }))
      << Object().Dump(2);
  EXPECT_NE(Condition(Object(), "Ready", "message").find("demo-secrets"), std::string::npos);
  EXPECT_FALSE(SpaceExists(e2e::kSpace));  // nothing changed on a partial view

  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  EXPECT_TRUE(WaitObjectReady()) << Object().Dump(2);
}

TEST_F(KubeRun, TheRequestedAtAnnotationTriggersAPassAndIsEchoedInStatus) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));  // interval: the default 10 minutes
  ASSERT_NO_FATAL_FAILURE(StartKubeController());
  ASSERT_TRUE(WaitObjectReady()) << Object().Dump(2);
  ASSERT_TRUE(WaitIdle());
  const double before = ReconcileCount();
  support::CommandResult annotated =
      Kubectl({"annotate", "--overwrite", "spd", "demo", "spaceport.dev/requestedAt=2026-12-04T16:00:00Z"});
  ASSERT_EQ(annotated.exit_code, 0) << annotated.output;
  EXPECT_TRUE(WaitUntil([&] { return ReconcileCount() > before; }, std::chrono::seconds(10)));
  EXPECT_TRUE(WaitObject("demo", [](const Json& o) {
    const Json* status = o.Find("status");
    return status && status->GetString("lastHandledReconcileAt") == "2026-12-04T16:00:00Z";
  })) << Object().Dump(2);
}

TEST_F(KubeRun, AStatusAnotherWriterChangedIsPutBackAtTheNextPass) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));
  ASSERT_NO_FATAL_FAILURE(StartKubeController());
  ASSERT_TRUE(WaitObjectReady()) << Object().Dump(2);
  ASSERT_TRUE(WaitIdle());
  // Another writer rewrites the status (a merge patch cannot conflict; level-triggered, the
  // controller compares with what the object holds now, not with what it wrote last).
  support::CommandResult tampered = Kubectl(
      {"patch", "spd", "demo", "--subresource=status", "--type=merge", "-p",
       R"({"status":{"resolvedVersion":"v9.9.9","conditions":[{"type":"Ready","status":"False","reason":"Tampered","message":"x","lastTransitionTime":"2026-01-01T00:00:00Z"}]}})"});
  ASSERT_EQ(tampered.exit_code, 0) << tampered.output;
  ASSERT_EQ(Condition(Object(), "Ready", "reason"), "Tampered");
  ASSERT_EQ(Kubectl({"annotate", "--overwrite", "spd", "demo", "spaceport.dev/requestedAt=now-1"}).exit_code, 0);
  EXPECT_TRUE(WaitObject("demo", [](const Json& o) {
    const Json* status = o.Find("status");
    return Condition(o, "Ready", "status") == "True" && status && status->GetString("resolvedVersion") == "v1.0.0";
  })) << Object().Dump(2);
}

TEST_F(KubeRun, ADeletedObjectLeavesItsSpaceAsItIs) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));
  ASSERT_NO_FATAL_FAILURE(StartKubeController());
  ASSERT_TRUE(WaitObjectReady()) << Object().Dump(2);
  ASSERT_EQ(Kubectl({"delete", "spd", "demo"}).exit_code, 0);
  EXPECT_TRUE(WaitUntil([&] { return MetricValue("spaceport_deployment_ready", {{"deployment", ns_ + "/demo"}}) == std::nullopt; },
                        std::chrono::seconds(10)));
  EXPECT_TRUE(SpaceExists(e2e::kSpace));
  EXPECT_EQ(e2e::RuntimeStage(SpaceState()), "RUNNING");
}

}  // namespace
}  // namespace spaceport::kube_e2e

namespace spaceport::kube_e2e {
namespace {

// Watch event → Space commit: 20 edits of the README title with kubectl patch, each timed from
// kubectl's return (the object is stored, the watch event is on its way) to the commit seen at
// the emulator. Prints median and p90; the bound is generous (a loaded 2-core machine).
TEST_F(KubeRun, TwentyEditsReachTheSpaceAsCommitsWithinSecondsEach) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(KubeDeployment()));  // interval 10 minutes: only the watch triggers passes
  ASSERT_NO_FATAL_FAILURE(StartKubeController());
  ASSERT_TRUE(WaitObjectReady()) << Object().Dump(2);
  std::vector<double> seconds;
  for (int i = 0; i < 20; ++i) {
    const std::string title = "edit " + std::to_string(i);
    support::CommandResult patched = Kubectl(
        {"patch", "spd", "demo", "--type=json", "-p",
         R"([{"op":"add","path":"/spec/spaces/0/card","value":{"title":")" + title + R"("}}])"});
    ASSERT_EQ(patched.exit_code, 0) << patched.output;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(WaitUntil([&] { return e2e::Field(SpaceState(), {"files", "README.md"}).find("title: " + title) != std::string::npos; },
                          std::chrono::seconds(30)))
        << e2e::Field(SpaceState(), {"files", "README.md"});
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  std::cout << "[latency] watch event -> Space commit over 20 edits: median " << seconds[10] << " s, p90 "
            << seconds[18] << " s, max " << seconds[19] << " s\n";
  EXPECT_LT(seconds[10], 5.0);
}

}  // namespace
}  // namespace spaceport::kube_e2e
