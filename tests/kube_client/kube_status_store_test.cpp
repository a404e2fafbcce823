// Kubernetes mode's status and object loading in process (runtime/kube_status_store.h,
// runtime/kube_source.h) over support::FakeKubeApi: a status is written only when it changed,
// another writer's change is noticed, empty strings are left out, and objects load through the
// file loader with diagnostics naming the object and the field.
#include "runtime/kube_status_store.h"

#include <gtest/gtest.h>

#include "runtime/kube_source.h"
#include "support/fake_kube_api.h"

namespace spaceport::runtime {
namespace {

const std::string kObjectPath = "/apis/spaceport.dev/v1alpha1/namespaces/team/spacedeployments/demo";

Json Deployment(const std::string& name, const std::string& space, const std::string& version = "v1.0.0") {
  Result<Json> j = Json::Parse(R"({"apiVersion":"spaceport.dev/v1alpha1","kind":"SpaceDeployment",
    "metadata":{"name":")" + name + R"(","namespace":"team","uid":"u-)" + name + R"(","generation":3,
                "managedFields":[{"manager":"kubectl"}]},
    "spec":{"image":{"repository":"ghcr.io/acme/app","version":")" + version + R"("},
            "spaces":[{"id":")" + space + R"("}]},
    "status":{"anything":"the loader must not see"}})");
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return *j;
}

TEST(KubeLoadObjects, ObjectsLoadWithTheirGenerationAndUidAndErrorsNameTheObjectAndField) {
  Json broken = Deployment("broken", "acme/b");
  broken.Find("spec")->Find("image")->Erase("version");
  Json policy = Json::Object();
  policy.Set("semver", ">=1.0.0 <<2");
  broken.Find("spec")->Find("image")->Set("policy", policy);
  spec::LoadResult loaded = LoadObjects({Deployment("demo", "acme/demo"), broken});
  ASSERT_EQ(loaded.deployments.size(), 1u);
  EXPECT_EQ(loaded.deployments[0].generation, 3);
  EXPECT_EQ(loaded.deployments[0].uid, "u-demo");
  EXPECT_EQ(loaded.deployments[0].position.file, "spacedeployments/team/demo");
  ASSERT_EQ(loaded.invalid.size(), 1u);
  EXPECT_EQ(loaded.invalid[0].key, "team/broken");
  ASSERT_FALSE(loaded.diagnostics.empty());
  const spec::Diagnostic& d = loaded.diagnostics[0];
  EXPECT_EQ(d.position.file, "spacedeployments/team/broken");
  EXPECT_EQ(d.position.line, 0);
  EXPECT_EQ(d.field, "spec.image.policy.semver");
}

TEST(KubeLoadObjects, ASpaceClaimedByTwoObjectsIsAnErrorOnBoth) {
  spec::LoadResult loaded = LoadObjects({Deployment("a", "acme/same"), Deployment("b", "acme/same")});
  EXPECT_TRUE(loaded.deployments.empty());
  EXPECT_EQ(loaded.invalid.size(), 2u);
}

TEST(KubeSpecSide, OnlyGenerationLabelsAndAnnotationsCountNotStatus) {
  Json a = Deployment("demo", "acme/demo");
  Json b = a;
  b.Set("status", Json::Object());
  b.Find("metadata")->Set("resourceVersion", "999");
  EXPECT_EQ(SpecSideOf(a), SpecSideOf(b));
  Json annotations = Json::Object();
  annotations.Set("spaceport.dev/requestedAt", "now");
  b.Find("metadata")->Set("annotations", annotations);
  EXPECT_NE(SpecSideOf(a), SpecSideOf(b));
}

class KubeStatusStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Json object = Deployment("demo", "acme/demo");
    object.Erase("status");
    object.Find("metadata")->Set("resourceVersion", "50");
    api_.Put(kObjectPath, object);
    ASSERT_TRUE(source_.Start(nullptr).ok());
  }
  void TearDown() override { source_.Stop(); }

  DeploymentStatus MakeStatus(const std::string& ready) {
    DeploymentStatus s;
    s.key = "team/demo";
    SetCondition(s, {"Ready", ready, ready == "True" ? "Succeeded" : "Progressing", "m", ""}, clock_.Now());
    s.resolved_version = "v1.0.0";
    RecordReconcile(s, {FormatRfc3339(clock_.Now()), "success", "InSync", "Succeeded", "", "", 0.1, 0, 0, 0});
    s.last_reconcile_time = FormatRfc3339(clock_.Now());
    return s;
  }

  support::FakeKubeApi api_;
  FakeClock clock_;
  kube::KubeClient client_{api_.config(), api_, clock_};
  static KubeSourceOptions Team() {
    KubeSourceOptions o;
    o.namespaces = {"team"};
    return o;
  }
  KubeSource source_{client_, Team()};
  spec::SpaceDeployment deployment_ = [] {
    spec::SpaceDeployment d;
    d.name = "demo";
    d.namespace_ = "team";
    d.generation = 3;
    return d;
  }();
};

TEST_F(KubeStatusStoreTest, TheSameStatusIsWrittenOnceThoughHistoryAndTimesMove) {
  KubeStatusStore store(client_, source_);
  DeploymentStatus pass = MakeStatus("True");
  ASSERT_TRUE(store.Write(pass, deployment_).ok());
  clock_.Advance(std::chrono::minutes(10));  // the next pass: same conditions, one more record
  RecordReconcile(pass, {FormatRfc3339(clock_.Now()), "success", "InSync", "Succeeded", "", "", 0.2, 0, 0, 0});
  pass.last_reconcile_time = FormatRfc3339(clock_.Now());
  ASSERT_TRUE(store.Write(pass, deployment_).ok());
  EXPECT_EQ(api_.Count("PATCH", kObjectPath + "/status"), 1);
  EXPECT_EQ(store.stats().writes, 1);
  EXPECT_EQ(store.stats().unchanged, 1);
  auto stored = api_.Object(kObjectPath);
  const Json* status = stored->Find("status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->Find("observedGeneration")->AsInt(), 3);
  EXPECT_EQ(status->Find("buildUrl"), nullptr) << "empty strings are left out";
  EXPECT_EQ(status->GetString("resolvedVersion"), "v1.0.0");
}

TEST_F(KubeStatusStoreTest, AChangedConditionIsWritten) {
  KubeStatusStore store(client_, source_);
  ASSERT_TRUE(store.Write(MakeStatus("False"), deployment_).ok());
  ASSERT_TRUE(store.Write(MakeStatus("True"), deployment_).ok());
  EXPECT_EQ(api_.Count("PATCH", kObjectPath + "/status"), 2);
}

TEST_F(KubeStatusStoreTest, ReadAllContinuesFromTheStatusOnTheObjects) {
  {
    KubeStatusStore store(client_, source_);
    ASSERT_TRUE(store.Write(MakeStatus("True"), deployment_).ok());
  }
  KubeSource fresh(client_, Team());
  ASSERT_TRUE(fresh.Start(nullptr).ok());
  KubeStatusStore store(client_, fresh);
  StoredStatuses all = store.ReadAll();
  fresh.Stop();
  ASSERT_EQ(all.statuses.size(), 1u) << (all.problems.empty() ? "" : all.problems[0]);
  EXPECT_EQ(all.statuses[0].key, "team/demo");
  EXPECT_EQ(all.statuses[0].resolved_version, "v1.0.0");
  ASSERT_EQ(all.statuses[0].history.size(), 1u);
}

TEST_F(KubeStatusStoreTest, AFailedWriteIsReturnedAndRetriedNextTime) {
  KubeStatusStore store(client_, source_);
  api_.Fail("PATCH", kObjectPath + "/status", 403,
            "spacedeployments.spaceport.dev \"demo\" is forbidden: cannot patch resource \"spacedeployments/status\"", 1);
  spaceport::Status first = store.Write(MakeStatus("True"), deployment_);
  EXPECT_EQ(first.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(first.message().find("spacedeployments/status"), std::string::npos);
  ASSERT_TRUE(store.Write(MakeStatus("True"), deployment_).ok());
  EXPECT_EQ(store.stats().writes, 1);
}

}  // namespace
}  // namespace spaceport::runtime
