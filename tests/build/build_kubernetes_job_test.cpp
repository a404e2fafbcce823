// KubernetesJobBuilder over support::FakeKubeApi (an in-memory apiserver: jobs, pods, pod logs):
// the Job it creates (name, labels, rendered args, volumes, security), one Job per build however
// often it is started or looked for, the mapping of the Job's status, the log tail of a failed
// build, errors that say which verb was refused, no token or secret in any message, the cleanup
// of finished Jobs once the tag is visible, and what happens to such a build without --kube.
#include "act/build_kubernetes_job.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "act/builds_in_flight.h"
#include "act/executor.h"
#include "plan/planner.h"
#include "spec/loader.h"
#include "support/fake_kube_api.h"

namespace spaceport::build_testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kBuildId = "sp-0123456789ab";
constexpr const char* kJob = "spaceport-build-sp-0123456789ab";
constexpr const char* kJobPath = "/apis/batch/v1/namespaces/team/jobs/spaceport-build-sp-0123456789ab";
constexpr const char* kJobs = "/apis/batch/v1/namespaces/team/jobs";
constexpr const char* kPods = "/api/v1/namespaces/team/pods";
constexpr const char* kSecretValue = "c2VjcmV0LXB1c2gtdG9rZW4tOWYz";  // in the cluster, never read

// The deployment as a user writes it, through the real loader (so defaults are the loader's).
spec::SpaceDeployment Deployment(const std::string& job_yaml) {
  const spec::LoadResult loaded = spec::LoadText(R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: app, namespace: team}
spec:
  image:
    repository: ghcr.io/alice/app
    version: v1.2.0
    build:
      kubernetesJob: )" + job_yaml + R"(
  spaces: [{id: alice/app}]
)",
                                                 "app.yaml");
  EXPECT_TRUE(loaded.diagnostics.empty()) << loaded.diagnostics.at(0).ToString();
  return loaded.deployments.empty() ? spec::SpaceDeployment{} : loaded.deployments.at(0);
}

act::BuildRequest Request(const std::string& job_yaml =
                              R"({context: "git://github.com/alice/app#refs/tags/{{ .Version }}"})") {
  act::BuildRequest request = act::RequestFor(Deployment(job_yaml), "v1.2.0");
  request.build_id = kBuildId;  // a fixed id, so paths can be written out
  return request;
}

struct Fixture {
  FakeClock clock;
  support::FakeKubeApi api;
  kube::KubeClient client{api.config(), api, clock};
  act::KubernetesJobBuilder builder{client, clock};

  Json Stored() const { return api.Object(kJobPath).value_or(Json()); }
  // What the Job controller would write: `status` merged into the stored Job.
  void SetStatus(const std::string& status) {
    Json job = Stored();
    job.Set("status", *Json::Parse(status));
    api.Put(kJobPath, std::move(job));
  }
  void AddPod(const std::string& name, const std::string& created, const std::string& log) {
    api.Put(std::string(kPods) + "/" + name,
            *Json::Parse(R"({"metadata": {"name": ")" + name + R"(", "namespace": "team",
                "creationTimestamp": ")" + created + R"(", "labels": {"job-name": ")" + kJob + R"("}}})"));
    if (!log.empty()) api.SetLog(std::string(kPods) + "/" + name, log);
  }
};

std::string Strings(const Json* array) {
  std::string out;
  for (size_t i = 0; array != nullptr && i < array->size(); ++i) out += array->At(i).AsString() + "\n";
  return out;
}

const Json& Container(const Json& job) {
  return job.Find("spec")->Find("template")->Find("spec")->Find("containers")->At(0);
}

TEST(KubernetesJobBuilder, StartCreatesOneJobNamedByTheBuildIdWithKanikosRenderedArgsAndLabels) {
  Fixture f;
  auto handle = f.builder.Start(Request());
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(handle->backend, "kubernetesJob");
  EXPECT_EQ(handle->id, std::string("team/") + kJob);
  EXPECT_EQ(handle->url, std::string("kubectl -n team logs job/") + kJob);
  EXPECT_THAT(f.api.Paths(kJobs), ElementsAre(kJobPath));

  const Json job = f.Stored();
  const Json& meta = *job.Find("metadata");
  EXPECT_EQ(meta.GetString("namespace"), "team");
  EXPECT_EQ(meta.Find("labels")->GetString("spaceport.dev/build-id"), kBuildId);
  EXPECT_EQ(meta.Find("labels")->GetString("spaceport.dev/image"), "ghcr.io_alice_app_v1.2.0");
  EXPECT_EQ(meta.Find("labels")->GetString("app.kubernetes.io/managed-by"), "spaceport");
  EXPECT_EQ(meta.Find("annotations")->GetString("spaceport.dev/image"), "ghcr.io/alice/app:v1.2.0");
  EXPECT_EQ(meta.Find("annotations")->GetString("spaceport.dev/deployment"), "team/app");

  const Json& spec = *job.Find("spec");
  EXPECT_EQ(spec.Find("backoffLimit")->Dump(), "0");
  EXPECT_EQ(spec.Find("activeDeadlineSeconds")->Dump(), "3600");
  EXPECT_EQ(spec.Find("ttlSecondsAfterFinished")->Dump(), "86400");
  const Json& pod = *spec.Find("template")->Find("spec");
  EXPECT_EQ(pod.GetString("restartPolicy"), "Never");
  EXPECT_EQ(spec.Find("template")->Find("metadata")->Find("labels")->GetString("spaceport.dev/build-id"),
            kBuildId);
  const Json& container = Container(job);
  EXPECT_EQ(container.GetString("image"), "gcr.io/kaniko-project/executor:v1.23.2");
  EXPECT_EQ(Strings(container.Find("args")),
            "--context=git://github.com/alice/app#refs/tags/v1.2.0\n--dockerfile=Dockerfile\n"
            "--destination=ghcr.io/alice/app:v1.2.0\n");
  std::string env;
  for (size_t i = 0; i < container.Find("env")->size(); ++i) {
    const Json& e = container.Find("env")->At(i);
    env += e.GetString("name") + "=" + e.GetString("value") + "\n";
  }
  EXPECT_EQ(env, "IMAGE=ghcr.io/alice/app:v1.2.0\nVERSION=v1.2.0\nREPOSITORY=ghcr.io/alice/app\n"
                 "BUILD_ID=sp-0123456789ab\n");
  // No pushSecret, no volumes; no serviceAccountName, no API token; kaniko's root user.
  EXPECT_EQ(pod.Find("volumes"), nullptr);
  EXPECT_EQ(pod.Find("automountServiceAccountToken")->Dump(), "false");
  EXPECT_EQ(pod.Find("securityContext")->Find("seccompProfile")->GetString("type"), "RuntimeDefault");
  EXPECT_EQ(container.Find("securityContext"), nullptr);
  EXPECT_EQ(f.api.Count("POST", kJobs), 1);
}

TEST(KubernetesJobBuilder, StartMountsThePushSecretAsKanikosDockerConfigAndSetsEveryField) {
  Fixture f;
  auto handle = f.builder.Start(Request(R"({image: "moby/buildkit:v0.13.0-rootless",
      args: ["build", "--output=type=image,name={{ .Image }},push=true", "--label=id={{.BuildID}}"],
      serviceAccountName: builder, pushSecret: ghcr-push, runAsUser: 1000,
      resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 4Gi}},
      activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 60})"));
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  const Json job = f.Stored();
  const Json& pod = *job.Find("spec")->Find("template")->Find("spec");
  const Json& container = Container(job);
  EXPECT_EQ(Strings(container.Find("args")),
            "build\n--output=type=image,name=ghcr.io/alice/app:v1.2.0,push=true\n"
            "--label=id=sp-0123456789ab\n");
  EXPECT_EQ(pod.Find("volumes")->Dump(),
            R"([{"name":"docker-config","secret":{"secretName":"ghcr-push",)"
            R"("items":[{"key":".dockerconfigjson","path":"config.json"}]}}])");
  EXPECT_EQ(container.Find("volumeMounts")->Dump(),
            R"([{"name":"docker-config","mountPath":"/kaniko/.docker","readOnly":true}])");
  EXPECT_THAT(container.Find("env")->Dump(), HasSubstr(R"({"name":"DOCKER_CONFIG","value":"/kaniko/.docker"})"));
  EXPECT_EQ(pod.GetString("serviceAccountName"), "builder");
  EXPECT_EQ(pod.Find("automountServiceAccountToken"), nullptr);
  EXPECT_EQ(container.Find("securityContext")->Dump(),
            R"({"runAsUser":1000,"runAsNonRoot":true,"allowPrivilegeEscalation":false,)"
            R"("capabilities":{"drop":["ALL"]}})");
  EXPECT_EQ(container.Find("resources")->Dump(),
            R"({"requests":{"cpu":"500m","memory":"1Gi"},"limits":{"memory":"4Gi"}})");
  EXPECT_EQ(job.Find("spec")->Find("activeDeadlineSeconds")->Dump(), "600");
  EXPECT_EQ(job.Find("spec")->Find("ttlSecondsAfterFinished")->Dump(), "60");
}

TEST(KubernetesJobBuilder, TheJobRunsInTheNamespaceItNamesElseInTheDeployments) {
  Fixture f;
  auto handle = f.builder.Start(Request(R"({context: "dir:///w", namespace: builds})"));
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(handle->id, std::string("builds/") + kJob);
  EXPECT_EQ(f.api.Paths("/apis/batch/v1/namespaces/builds/jobs/").size(), 1u);
  EXPECT_EQ(act::JobNamespace(Request()), "team");
}

TEST(KubernetesJobBuilder, ASecondStartOrAnotherProcessesFindReturnsTheSameJobAndCreatesNoOther) {
  Fixture f;
  auto first = f.builder.Start(Request());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = f.builder.Start(Request());  // 409 AlreadyExists → the existing Job
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->id, first->id);

  act::KubernetesJobBuilder restarted(f.client, f.clock);  // a new process knows nothing
  auto found = restarted.Find(Request());
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, first->id);
  EXPECT_EQ((*found)->url, first->url);
  EXPECT_THAT(f.api.Paths(kJobs), ElementsAre(kJobPath));
}

TEST(KubernetesJobBuilder, FindReturnsNothingWithoutAJobAndRefusesAJobThatIsNotThisBuilds) {
  Fixture f;
  auto none = f.builder.Find(Request());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());

  f.api.Put(kJobPath, *Json::Parse(R"({"metadata": {"name": "x", "labels": {"spaceport.dev/build-id": "sp-other"}}})"));
  auto foreign = f.builder.Find(Request());
  ASSERT_FALSE(foreign.ok());
  EXPECT_THAT(foreign.status().message(), HasSubstr("is not Spaceport's build of ghcr.io/alice/app:v1.2.0"));
  EXPECT_FALSE(f.builder.Start(Request()).ok()) << "never adopts a Job it did not make";
}

struct PollCase {
  std::string name;
  std::string status;  // the Job's .status
  act::BuildPhase phase;
  std::string message;
};

TEST(KubernetesJobBuilder, PollMapsTheJobsStatusToTheBuildPhase) {
  const std::vector<PollCase> cases = {
      {"a Job without status is queued", R"({})", act::BuildPhase::kQueued, "the Job has no pod yet"},
      {"an active pod is in progress", R"({"active": 1})", act::BuildPhase::kInProgress,
       "the Job's pod is running"},
      {"Complete is success", R"({"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]})",
       act::BuildPhase::kSucceeded, "the Job completed"},
      {"a succeeded count without a condition is success", R"({"succeeded": 1})",
       act::BuildPhase::kSucceeded, "the Job completed"},
      {"a Complete condition that is not True is not success",
       R"({"active": 1, "conditions": [{"type": "Complete", "status": "False"}]})",
       act::BuildPhase::kInProgress, "the Job's pod is running"},
      {"Failed carries the Job's reason and message",
       R"({"failed": 1, "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
           "message": "Job has reached the specified backoff limit"}]})",
       act::BuildPhase::kFailed,
       "the Job failed: BackoffLimitExceeded: Job has reached the specified backoff limit"},
      {"the deadline exceeded is a failure named DeadlineExceeded",
       R"({"conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded",
           "message": "Job was active longer than specified deadline"}]})",
       act::BuildPhase::kFailed, "the Job failed: DeadlineExceeded: Job was active longer than specified deadline"},
      {"a failed pod fails the build (backoffLimit 0)", R"({"failed": 1})", act::BuildPhase::kFailed,
       "the Job failed: its pod failed"},
  };
  for (const PollCase& c : cases) {
    Fixture f;
    auto handle = f.builder.Start(Request());
    ASSERT_TRUE(handle.ok()) << handle.status().ToString();
    f.SetStatus(c.status);
    auto state = f.builder.Poll(Request(), *handle);
    ASSERT_TRUE(state.ok()) << c.name << ": " << state.status().ToString();
    EXPECT_EQ(act::BuildPhaseName(state->phase), act::BuildPhaseName(c.phase)) << c.name;
    EXPECT_EQ(state->message, c.message) << c.name;
    EXPECT_EQ(state->url, std::string("kubectl -n team logs job/") + kJob) << c.name;
  }
}

TEST(KubernetesJobBuilder, AFailedBuildCarriesTheLast20LinesOfItsNewestPodsLog) {
  Fixture f;
  auto handle = f.builder.Start(Request());
  ASSERT_TRUE(handle.ok());
  f.SetStatus(R"({"failed": 1, "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]})");
  std::string log;
  for (int i = 1; i <= 30; ++i) log += "step " + std::to_string(i) + "\n";
  f.AddPod("build-old", "2026-01-01T00:00:00Z", "an older attempt\n");
  f.AddPod("build-new", "2026-01-01T00:05:00Z", log);
  auto state = f.builder.Poll(Request(), *handle);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const std::vector<std::string> lines = act::OutputLines(state->output_tail);
  ASSERT_EQ(lines.size(), 20u) << state->output_tail;
  EXPECT_EQ(lines.front(), "step 11");
  EXPECT_EQ(lines.back(), "step 30");
  bool asked = false;
  for (const auto& r : f.api.requests())
    asked = asked || r.path == std::string(kPods) + "/build-new/log?container=build&tailLines=20";
  EXPECT_TRUE(asked);
  EXPECT_EQ(f.api.Count("GET", std::string(kPods) + "/build-old/log"), 0);
}

TEST(KubernetesJobBuilder, ALogTheClusterDoesNotServeLeavesTheTailEmptyAndTheFailureStands) {
  for (const std::string how : {"no pod", "no node (400)", "pods forbidden (403)"}) {
    Fixture f;
    auto handle = f.builder.Start(Request());
    ASSERT_TRUE(handle.ok());
    f.SetStatus(R"({"failed": 1})");
    if (how != "no pod") f.AddPod("build-1", "2026-01-01T00:00:00Z", "");
    if (how == "pods forbidden (403)") f.api.Fail("GET", kPods, 403, "pods is forbidden");
    auto state = f.builder.Poll(Request(), *handle);
    ASSERT_TRUE(state.ok()) << how << ": " << state.status().ToString();
    EXPECT_EQ(state->phase, act::BuildPhase::kFailed) << how;
    EXPECT_EQ(state->output_tail, "") << how;
  }
}

TEST(KubernetesJobBuilder, AJobDeletedBeforeItFinishedIsAFailedBuild) {
  Fixture f;
  auto handle = f.builder.Start(Request());
  ASSERT_TRUE(handle.ok());
  ASSERT_TRUE(f.client.Delete(kJobPath).ok());
  auto state = f.builder.Poll(Request(), *handle);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->phase, act::BuildPhase::kFailed);
  EXPECT_THAT(state->message, HasSubstr("is gone"));
}

TEST(KubernetesJobBuilder, AForbiddenVerbGivesPermissionDeniedNamingTheVerbAndResource) {
  struct Case {
    std::string method, verb;
  };
  for (const Case& c : {Case{"POST", "create"}, Case{"GET", "get"}}) {
    Fixture f;
    f.api.Fail(c.method, kJobs, 403,
               "jobs.batch is forbidden: User \"system:serviceaccount:team:spaceport\" cannot " + c.verb +
                   " resource \"jobs\" in API group \"batch\" in the namespace \"team\"");
    const Status status = c.verb == "create" ? f.builder.Start(Request()).status()
                                             : f.builder.Find(Request()).status();
    EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << c.verb;
    EXPECT_THAT(status.message(), HasSubstr("cannot " + c.verb + " resource \"jobs\"")) << c.verb;
    EXPECT_THAT(status.message(), HasSubstr(c.verb == "create" ? "cannot start the build of ghcr.io/alice/app:v1.2.0"
                                                               : "cannot look for the build Job team/"))
        << status.message();
  }
}

TEST(KubernetesJobBuilder, NoTokenOrSecretValueReachesAnyMessageAndThePushSecretIsNeverRead) {
  Fixture f;
  f.api.Put("/api/v1/namespaces/team/secrets/ghcr-push",
            *Json::Parse(std::string(R"({"metadata": {"name": "ghcr-push"}, "type": "kubernetes.io/dockerconfigjson",
                "data": {".dockerconfigjson": ")") + kSecretValue + R"("}})"));
  const act::BuildRequest request = Request(R"({context: "dir:///w", pushSecret: ghcr-push})");
  std::vector<std::string> messages;
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok());
  messages.push_back(handle->id + handle->url);
  f.SetStatus(R"({"conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded"}]})");
  auto state = f.builder.Poll(request, *handle);
  ASSERT_TRUE(state.ok());
  messages.push_back(state->message + state->output_tail);
  f.api.Fail("GET", kJobs, 403, "forbidden");
  f.api.Fail("POST", kJobs, 403, "forbidden");
  messages.push_back(f.builder.Find(request).status().ToString());
  messages.push_back(f.builder.Poll(request, *handle).status().ToString());
  messages.push_back(f.builder.Start(Request(R"({context: "dir:///x", pushSecret: ghcr-push})")).status().ToString());
  for (const std::string& m : messages) {
    EXPECT_THAT(m, Not(HasSubstr(kSecretValue)));
    EXPECT_THAT(m, Not(HasSubstr("fake-kube-token")));
  }
  EXPECT_EQ(f.api.Count("GET", "/api/v1/namespaces/team/secrets"), 0);
  EXPECT_THAT(f.Stored().Dump(), Not(HasSubstr(kSecretValue)));
}

TEST(KubernetesJobBuilder, JobNamesAreDnsLabelsAndLabelValuesStayWithin63Characters) {
  EXPECT_EQ(*act::JobName("sp-0123456789ab"), "spaceport-build-sp-0123456789ab");
  EXPECT_FALSE(act::JobName("").ok());
  EXPECT_FALSE(act::JobName("SP_1").ok());
  EXPECT_FALSE(act::JobName(std::string(48, 'a')).ok());  // 16 + 48 > 63
  EXPECT_EQ(act::LabelValue("ghcr.io/alice/app:v1.2.0"), "ghcr.io_alice_app_v1.2.0");
  EXPECT_EQ(act::LabelValue("_x/"), "x");
  const std::string long_image = "registry.example.com/" + std::string(60, 'a') + ":v1";
  const std::string value = act::LabelValue(long_image);
  EXPECT_EQ(value.size(), 63u);
  EXPECT_NE(value, act::LabelValue("registry.example.com/" + std::string(60, 'a') + ":v2"));
}

TEST(KubernetesJobBuilder, CleanupDeletesASucceededJobOnceItsTtlHasPassedAndThenAsksNoMore) {
  Fixture f;
  const act::BuildRequest request = Request(R"({context: "dir:///w", ttlSecondsAfterFinished: 600})");
  ASSERT_TRUE(f.builder.Start(request).ok());
  f.SetStatus(R"({"succeeded": 1, "completionTime": "2026-01-01T00:00:00Z",
      "conditions": [{"type": "Complete", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}]})");
  ASSERT_TRUE(f.builder.Cleanup(request).ok());
  EXPECT_TRUE(f.api.Object(kJobPath).has_value()) << "deleted before its TTL";
  f.clock.Advance(std::chrono::seconds(601));
  ASSERT_TRUE(f.builder.Cleanup(request).ok());
  EXPECT_FALSE(f.api.Object(kJobPath).has_value());
  EXPECT_EQ(f.api.Count("DELETE", std::string(kJobPath) + "?propagationPolicy=Background"), 1);
  const size_t before = f.api.requests().size();
  ASSERT_TRUE(f.builder.Cleanup(request).ok());
  EXPECT_EQ(f.api.requests().size(), before) << "a cleaned build is not looked at again";
}

TEST(KubernetesJobBuilder, CleanupLeavesARunningJobAloneAndCountsAnUndatedFinishFromWhenItSawIt) {
  Fixture f;
  const act::BuildRequest request = Request(R"({context: "dir:///w", ttlSecondsAfterFinished: 60})");
  ASSERT_TRUE(f.builder.Start(request).ok());
  f.SetStatus(R"({"active": 1})");
  f.clock.Advance(std::chrono::hours(2));
  ASSERT_TRUE(f.builder.Cleanup(request).ok());
  EXPECT_TRUE(f.api.Object(kJobPath).has_value()) << "a running Job was deleted";
  f.SetStatus(R"({"succeeded": 1})");  // no time in the status
  ASSERT_TRUE(f.builder.Cleanup(request).ok());
  EXPECT_TRUE(f.api.Object(kJobPath).has_value());
  f.clock.Advance(std::chrono::seconds(61));
  ASSERT_TRUE(f.builder.Cleanup(request).ok());
  EXPECT_FALSE(f.api.Object(kJobPath).has_value());
}

TEST(KubernetesJobBuilder, CleanupOfAJobThatIsGoneOrNotOursDeletesNothing) {
  Fixture f;
  ASSERT_TRUE(f.builder.Cleanup(Request()).ok());
  f.api.Put(kJobPath, *Json::Parse(R"({"metadata": {"name": "x", "labels": {"spaceport.dev/build-id": "sp-other"}},
      "status": {"succeeded": 1}})"));
  act::KubernetesJobBuilder other(f.client, f.clock);
  ASSERT_TRUE(other.Cleanup(Request(R"({context: "dir:///w", ttlSecondsAfterFinished: 0})")).ok());
  EXPECT_TRUE(f.api.Object(kJobPath).has_value());
  EXPECT_EQ(f.api.Count("DELETE", kJobs), 0);
}

// The observation side: while the tag is missing the Job is a build in flight; once the tag
// exists, the builder is told and removes the finished Job.
TEST(KubernetesJobBuilder, ObserveBuildsFollowsTheJobWhileTheTagIsMissingAndCleansUpOnceItExists) {
  Fixture f;
  spec::SpaceDeployment d = Deployment(R"({context: "dir:///w", ttlSecondsAfterFinished: 0})");
  const act::BuildRequest request = act::RequestFor(d, "v1.2.0");
  auto handle = f.builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  const std::string path = "/apis/batch/v1/namespaces/team/jobs/" + *act::JobName(request.build_id);
  Json job = *f.api.Object(path);
  job.Set("status", *Json::Parse(R"({"succeeded": 1})"));
  f.api.Put(path, job);
  const std::map<std::string, act::Builder*> builders = {{"kubernetesJob", &f.builder}};

  observe::Observation missing;
  missing.repositories["ghcr.io/alice/app"] = {};
  act::BuildLookupProblems problems = act::ObserveBuilds({d}, builders, missing);
  EXPECT_THAT(problems.failures, IsEmpty());
  ASSERT_EQ(missing.builds.size(), 1u);
  EXPECT_EQ(missing.builds[0].state, "succeeded");
  EXPECT_EQ(missing.builds[0].id, handle->id);
  EXPECT_TRUE(f.api.Object(path).has_value()) << "deleted while the tag is missing";

  observe::Observation built;
  built.repositories["ghcr.io/alice/app"].tags["v1.2.0"].digest = "sha256:00";
  problems = act::ObserveBuilds({d}, builders, built);
  EXPECT_THAT(built.builds, IsEmpty());
  EXPECT_THAT(problems.notes, IsEmpty());
  EXPECT_THAT(problems.failures, IsEmpty());
  EXPECT_FALSE(f.api.Object(path).has_value());
}

TEST(KubernetesJobBuilder, AForbiddenLookupIsReportedAsPermissionDeniedForTheStatusToSayForbidden) {
  Fixture f;
  f.api.Fail("GET", kJobs, 403,
             "jobs.batch \"x\" is forbidden: User \"u\" cannot get resource \"jobs\" in API group \"batch\"");
  spec::SpaceDeployment d = Deployment(R"({context: "dir:///w"})");
  observe::Observation observation;
  observation.repositories["ghcr.io/alice/app"] = {};
  const act::BuildLookupProblems problems = act::ObserveBuilds({d}, {{"kubernetesJob", &f.builder}}, observation);
  ASSERT_EQ(problems.failures.size(), 1u);
  EXPECT_EQ(problems.failures[0].code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(problems.failures[0].message(),
              HasSubstr("build of ghcr.io/alice/app:v1.2.0: cannot look for it: cannot look for the build Job"));
  EXPECT_THAT(problems.failures[0].message(), HasSubstr("cannot get resource \"jobs\""));
}

// Without a Kubernetes client (plan, apply, run without --kube) there is no Job builder: the
// build action fails with the reason a person can act on, and the deployment stalls.
TEST(KubernetesJobBuilder, WithoutAKubernetesClientTheBuildStallsSayingItNeedsRunKube) {
  spec::SpaceDeployment d = Deployment(R"({context: "dir:///w"})");
  observe::Observation observation;
  observation.repositories["ghcr.io/alice/app"] = {};
  const plan::Plan plan = plan::MakePlan({d}, observation);
  act::ExecutorDeps deps;
  FakeClock clock;
  deps.clock = &clock;
  const act::ExecutionReport report = act::Executor(deps).Run(plan, {d});
  const act::ActionOutcome* build = nullptr;
  for (const act::ActionOutcome& o : report.outcomes)
    if (o.kind == plan::ActionKind::kBuildImage) build = &o;
  ASSERT_NE(build, nullptr);
  EXPECT_EQ(build->reason, "BuildFailed");
  EXPECT_EQ(build->status.message(), act::kKubernetesJobNeedsKube);
  EXPECT_EQ(build->status.message().rfind("build.kubernetesJob needs spaceport run --kube", 0), 0u);
}

}  // namespace
}  // namespace spaceport::build_testing
