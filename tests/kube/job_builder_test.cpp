// build.kubernetesJob against the real kube-apiserver 1.20.2: the controller creates exactly one
// Job for a missing version (also after it is killed and started again), the object says
// Building, and once the Job has succeeded and the tag exists the wrapper and the Space follow;
// a failed Job stalls the deployment with BuildFailed and the Job's reason.
//
// This apiserver runs no kubelet, scheduler or Job controller, so no Pod ever runs and no Job
// ever finishes by itself. The tests play those parts openly, as a person with kubectl could:
// they push the image the Job would have built to the registry (support::ImageSeeder) and write
// the Job's status through its status subresource (kubectl patch --subresource=status), Complete
// or Failed. What is tested is Spaceport's side — the Job it asks for, how it finds it again,
// how it reads it, what it cleans up; a real kaniko run is not (docs/kubernetes-mode.md lists
// what cannot be tested here).
#include <gtest/gtest.h>

#include "act/build_kubernetes_job.h"
#include "kube/kube_fixture.h"

namespace spaceport::kube_e2e {
namespace {

constexpr const char* kVersion = "v2.0.0";  // the registry holds only v1.0.0 until a test pushes this

class KubeJobBuild : public KubeRunTest {
 protected:
  // DemoDeployment at kVersion with a Job build; passes every 2 s.
  std::string JobDeployment(const std::string& job_fields = "") const {
    std::string yaml = KubeDeployment(e2e::DemoOptions{.version = kVersion});
    yaml = Replace(yaml, "    version: v2.0.0\n",
                   "    version: v2.0.0\n"
                   "    build:\n"
                   "      kubernetesJob:\n"
                   "        context: \"git://github.com/acme/app#refs/tags/{{ .Version }}\"\n"
                   "        pushSecret: ghcr-push\n" +
                       job_fields);
    return e2e::WithInterval(yaml, "2s");
  }

  // The build Jobs of the namespace (by their label), as the apiserver stores them.
  std::vector<Json> Jobs() const {
    support::CommandResult r = Kubectl({"get", "jobs", "-l", std::string(act::kBuildIdLabel), "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    Result<Json> list = Json::Parse(r.output);
    std::vector<Json> out;
    const Json* items = list.ok() ? list->Find("items") : nullptr;
    for (size_t i = 0; items != nullptr && i < items->size(); ++i) out.push_back(items->At(i));
    return out;
  }
  bool WaitJobs(size_t count, std::chrono::seconds limit = std::chrono::seconds(60)) {
    return WaitUntil([&] { return Jobs().size() == count; }, limit);
  }

  // Plays the Job controller: writes the Job's status through the status subresource.
  void SetJobStatus(const std::string& name, const std::string& status_json) {
    support::CommandResult r = Kubectl({"patch", "job", name, "--subresource=status", "--type=merge",
                                        "-p", R"({"status":)" + status_json + "}"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  // Plays the builder: the image the Job would have pushed.
  void PushBuiltImage() {
    support::ImageSeeder seeder(dir_.path() / "built");
    auto pushed = seeder.Push(*registry_, "acme/app", kVersion, support::ImageSpec{});
    ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  }

  static std::string NameOf(const Json& object) { return object.Find("metadata")->GetString("name"); }
  static std::string UidOf(const Json& object) { return object.Find("metadata")->GetString("uid"); }
};

TEST_F(KubeJobBuild, OneJobBuildsAMissingVersionEvenAcrossARestartAndTheSpaceFollowsItsSuccess) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(JobDeployment("        ttlSecondsAfterFinished: 0\n")));
  ASSERT_NO_FATAL_FAILURE(StartKubeController());

  ASSERT_TRUE(WaitJobs(1)) << Object().Dump(2) << Tail(ControllerLog(), 40);
  ASSERT_TRUE(WaitObject("demo", [](const Json& o) { return Condition(o, "Ready", "reason") == "Building"; }))
      << Object().Dump(2);
  EXPECT_EQ(Condition(Object(), "Reconciling", "status"), "True");

  // The Job as the apiserver stored it.
  const Json job = Jobs().at(0);
  const std::string name = NameOf(job);
  EXPECT_EQ(name.rfind("spaceport-build-sp-", 0), 0u) << name;
  EXPECT_LE(name.size(), 63u);
  const Json& labels = *job.Find("metadata")->Find("labels");
  EXPECT_EQ("spaceport-build-" + labels.GetString("spaceport.dev/build-id"), name);
  EXPECT_EQ(labels.GetString("spaceport.dev/image"), "ghcr.io_acme_app_v2.0.0");
  EXPECT_EQ(job.Find("metadata")->Find("annotations")->GetString("spaceport.dev/deployment"), ns_ + "/demo");
  const Json& spec = *job.Find("spec");
  EXPECT_EQ(spec.Find("backoffLimit")->Dump(), "0");
  EXPECT_EQ(spec.Find("activeDeadlineSeconds")->Dump(), "3600");
  // 1.20 keeps ttlSecondsAfterFinished behind its alpha TTLAfterFinished gate and drops the field;
  // Spaceport's own cleanup (below) is what removes the Job on such a cluster.
  EXPECT_EQ(spec.Find("ttlSecondsAfterFinished"), nullptr) << spec.Dump(2);
  const Json& pod = *spec.Find("template")->Find("spec");
  EXPECT_EQ(pod.GetString("restartPolicy"), "Never");
  const Json& container = pod.Find("containers")->At(0);
  EXPECT_EQ(container.GetString("image"), "gcr.io/kaniko-project/executor:v1.23.2");
  EXPECT_EQ(container.Find("args")->Dump(),
            R"(["--context=git://github.com/acme/app#refs/tags/v2.0.0","--dockerfile=Dockerfile",)"
            R"("--destination=ghcr.io/acme/app:v2.0.0"])");
  EXPECT_EQ(pod.Find("volumes")->At(0).Find("secret")->GetString("secretName"), "ghcr-push");

  // Killed and started again: the new process finds the Job by its name and creates none.
  const std::string uid = UidOf(job);
  controller_->Kill();
  controller_.reset();
  ASSERT_NO_FATAL_FAILURE(StartKubeController());
  ASSERT_TRUE(WaitUntil([&] { return ReconcileCount() + ReconcileCount("requeue") >= 2; },
                        std::chrono::seconds(30)));
  ASSERT_EQ(Jobs().size(), 1u);
  EXPECT_EQ(UidOf(Jobs().at(0)), uid) << "the Job was created again";
  EXPECT_EQ(Condition(Object(), "Ready", "reason"), "Building");

  // The Job "succeeds": the test pushes the image and writes the status the Job controller would.
  ASSERT_NO_FATAL_FAILURE(PushBuiltImage());
  ASSERT_NO_FATAL_FAILURE(SetJobStatus(
      name, R"({"succeeded":1,"completionTime":"2026-01-01T00:00:00Z","conditions":[{"type":"Complete",)"
            R"("status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"}]})"));
  ASSERT_TRUE(WaitObjectReady()) << Object().Dump(2) << Tail(ControllerLog(), 40);
  const Json object = Object();
  EXPECT_EQ(object.Find("status")->GetString("resolvedVersion"), kVersion);
  EXPECT_EQ(e2e::RuntimeStage(SpaceState()), "RUNNING");
  EXPECT_NE(e2e::DockerfileFrom(SpaceState()).find("@sha256:"), std::string::npos);
  EXPECT_TRUE(WaitUntil(
      [&] { return Kubectl({"describe", "spd", "demo"}).output.find("BuildStarted") != std::string::npos; },
      std::chrono::seconds(10)));

  // The tag is visible and the TTL (0) has passed: Spaceport deletes the finished Job itself.
  EXPECT_TRUE(WaitJobs(0, std::chrono::seconds(30))) << Jobs().size();
  // Exactly one Job was ever made: a second create would have shown up as a new uid above, and
  // the controller never asked the apiserver again once the tag was there.
  EXPECT_EQ(ControllerLog().find("AlreadyExists"), std::string::npos);
}

TEST_F(KubeJobBuild, AFailedJobStallsTheDeploymentWithBuildFailedAndTheJobsReason) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(JobDeployment()));
  ASSERT_NO_FATAL_FAILURE(StartKubeController());
  ASSERT_TRUE(WaitJobs(1)) << Object().Dump(2) << Tail(ControllerLog(), 40);
  const std::string name = NameOf(Jobs().at(0));

  // The Pod the Job controller would have made: Spaceport lists it and asks for its log, which
  // this apiserver cannot serve (no node), so the tail stays empty and the failure stands.
  ASSERT_TRUE(ApplyYaml("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: " + ns_ + "\n"));
  ASSERT_TRUE(ApplyYaml("apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "-x7k2p\n  namespace: " + ns_ +
                        "\n  labels: {job-name: " + name + "}\nspec:\n  automountServiceAccountToken: false\n"
                        "  restartPolicy: Never\n  containers: [{name: build, image: gcr.io/kaniko-project/executor:v1.23.2}]\n"));
  ASSERT_NO_FATAL_FAILURE(SetJobStatus(
      name, R"({"failed":1,"conditions":[{"type":"Failed","status":"True","reason":"DeadlineExceeded",)"
            R"("message":"Job was active longer than specified deadline","lastTransitionTime":"2026-01-01T00:00:00Z"}]})"));

  ASSERT_TRUE(WaitObject("demo", [](const Json& o) { return Condition(o, "Stalled", "reason") == "BuildFailed"; }))
      << Object().Dump(2) << Tail(ControllerLog(), 40);
  const std::string message = Condition(Object(), "Ready", "message");
  EXPECT_NE(message.find("DeadlineExceeded"), std::string::npos) << message;
  EXPECT_NE(message.find("Job was active longer than specified deadline"), std::string::npos) << message;
  EXPECT_NE(message.find("kubectl -n " + ns_ + " logs job/" + name), std::string::npos) << message;
  EXPECT_EQ(Condition(Object(), "Ready", "status"), "False");
  EXPECT_FALSE(SpaceExists(e2e::kSpace));

  // Stalled: the failed Job is kept (it is what says why) and no second one is started.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  ASSERT_EQ(Jobs().size(), 1u);
  EXPECT_EQ(NameOf(Jobs().at(0)), name);
  EXPECT_TRUE(controller_->Running());
}

// The RBAC rows docs/kubernetes-mode.md adds for the Job builder are enough: the controller runs
// as a service account bound to exactly the documented verbs, starts the Job, follows it, and
// deletes it once the tag is visible.
TEST_F(KubeJobBuild, TheDocumentedVerbsWithTheJobBuilderRowsAreEnoughForAJobBuild) {
  ASSERT_TRUE(ApplyYaml(RbacYaml(ns_, {.secrets = true, .job_builder = true})));
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(JobDeployment("        ttlSecondsAfterFinished: 0\n")));
  ASSERT_NO_FATAL_FAILURE(StartAsServiceAccount());
  ASSERT_TRUE(WaitJobs(1)) << Object().Dump(2) << Tail(ControllerLog(), 40);
  ASSERT_NO_FATAL_FAILURE(PushBuiltImage());
  ASSERT_NO_FATAL_FAILURE(SetJobStatus(NameOf(Jobs().at(0)),
                                       R"({"succeeded":1,"conditions":[{"type":"Complete","status":"True"}]})"));
  EXPECT_TRUE(WaitObjectReady()) << Object().Dump(2) << Tail(ControllerLog(), 40);
  EXPECT_TRUE(WaitJobs(0, std::chrono::seconds(30)));
  EXPECT_EQ(ControllerLog().find("forbidden"), std::string::npos) << Tail(ControllerLog(), 40);
}

// Without those rows the deployment says Forbidden, naming the resource, and builds nothing.
TEST_F(KubeJobBuild, WithoutTheJobBuilderRowsTheDeploymentStallsForbiddenNamingJobs) {
  ASSERT_TRUE(ApplyYaml(RbacYaml(ns_, {.secrets = true, .job_builder = false})));
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(JobDeployment()));
  ASSERT_NO_FATAL_FAILURE(StartAsServiceAccount());
  ASSERT_TRUE(WaitObject("demo", [](const Json& o) { return Condition(o, "Stalled", "reason") == "Forbidden"; }))
      << Object().Dump(2) << Tail(ControllerLog(), 30);
  const std::string message = Condition(Object(), "Ready", "message");
  EXPECT_NE(message.find("\"jobs\""), std::string::npos) << message;
  EXPECT_NE(message.find("forbidden"), std::string::npos) << message;
  EXPECT_TRUE(Jobs().empty());
  EXPECT_TRUE(controller_->Running());
}

// Without a cluster there is no Job builder: plan says so, and apply fails with the same words
// instead of pretending to build.
TEST_F(KubeJobBuild, WithoutKubeItsPlanAndApplySayBuildKubernetesJobNeedsSpaceportRunKube) {
  std::string yaml = e2e::DemoDeployment(e2e::DemoOptions{.version = kVersion});
  yaml = Replace(yaml, "    version: v2.0.0\n",
                 "    version: v2.0.0\n    build:\n      kubernetesJob: {context: \"dir:///workspace\"}\n");
  const auto desired = WriteDesired("desired", yaml);
  const std::string needs = std::string(act::kKubernetesJobNeedsKube);

  e2e::TimedResult planned = Plan(desired);
  EXPECT_NE(planned.err.find("note: e2e/demo: " + needs), std::string::npos) << e2e::Describe(planned);
  EXPECT_NE(planned.out.find("BuildImage"), std::string::npos) << e2e::Describe(planned);

  e2e::TimedResult applied = Apply(desired);
  EXPECT_NE(applied.exit_code, 0) << e2e::Describe(applied);
  EXPECT_NE(applied.err.find("(BuildFailed): " + needs), std::string::npos) << e2e::Describe(applied);
  EXPECT_FALSE(SpaceExists(e2e::kSpace));
}

}  // namespace
}  // namespace spaceport::kube_e2e
