// The registry observer against the real registry (Debian's docker-registry on loopback), reached
// through a controller-config style mapping ghcr.io → http://127.0.0.1:PORT, and the planner's
// verdict on what it saw: the loop `observe → plan → publish → observe → plan` converges.

#include "observe/registry_observer.h"

#include <gtest/gtest.h>

#include <memory>

#include "act/wrapper_publisher.h"
#include "base/clock.h"
#include "plan/planner.h"
#include "resolve/wrapper.h"
#include "spec/loader.h"
#include "support/image_seeder.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"

namespace spaceport::observe {
namespace {

struct Lab {
  support::TempDir dir{"observer"};
  std::unique_ptr<support::RegistryProcess> open;
  std::unique_ptr<support::RegistryProcess> basic;
  std::map<std::string, support::SeededImage> seeded;
};
Lab* lab = nullptr;

class RegistryObserver : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lab = new Lab();
    auto open = support::RegistryProcess::Start({});
    ASSERT_TRUE(open.ok()) << open.status().ToString();
    lab->open = std::move(*open);
    support::RegistryProcess::Options basic_options;
    basic_options.auth = support::RegistryAuth::kHtpasswd;
    auto basic = support::RegistryProcess::Start(basic_options);
    ASSERT_TRUE(basic.ok()) << basic.status().ToString();
    lab->basic = std::move(*basic);

    support::ImageSeeder seeder(lab->dir.path());
    auto seed = [&](support::RegistryProcess& r, const std::string& repo, const std::string& tag,
                    support::ImageSpec spec) {
      auto image = seeder.Push(r, repo, tag, spec);
      ASSERT_TRUE(image.ok()) << image.status().ToString();
      lab->seeded[repo + ":" + tag] = *image;
    };
    seed(*lab->open, "acme/app", "v1.0.0", {});
    support::ImageSpec multi;
    multi.architectures = {"amd64", "arm64"};
    multi.with_attestation = true;
    seed(*lab->open, "acme/multi", "v1.0.0", multi);
    for (const char* tag : {"v1.0.0", "v1.2.0", "v2.0.0", "latest"}) {
      support::ImageSpec s;
      s.seed = static_cast<uint64_t>(std::string(tag).size()) + 11;
      seed(*lab->open, "acme/policy", tag, s);
    }
    seed(*lab->basic, "acme/private", "v1.0.0", {});
  }
  static void TearDownTestSuite() {
    delete lab;
    lab = nullptr;
  }
  void TearDown() override {
    if (HasFailure() && lab->open) std::cerr << lab->open->Log();
  }

  // ghcr.io is served by the open registry, quay.io by the one with htpasswd (no credentials).
  static std::unique_ptr<oci::Registries> Mapped() {
    oci::RegistryConfig ghcr;
    ghcr.host = "ghcr.io";
    ghcr.endpoint = lab->open->endpoint();
    ghcr.insecure = true;
    oci::RegistryConfig quay;
    quay.host = "quay.io";
    quay.endpoint = lab->basic->endpoint();
    quay.insecure = true;
    oci::Registries::Options options;
    options.env = [](const std::string&) { return std::optional<std::string>(); };
    return std::make_unique<oci::Registries>(std::vector<oci::RegistryConfig>{ghcr, quay},
                                             RealClock::Instance(), options);
  }

  static std::vector<spec::SpaceDeployment> Load(const std::string& yaml) {
    spec::LoadResult loaded = spec::LoadText(yaml, "test.yaml");
    for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.ToString();
    return loaded.deployments;
  }

  static std::string Deployment(const std::string& name, const std::string& image_lines,
                                const std::string& platforms = "[amd64]") {
    return "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata: {name: " + name +
           "}\nspec:\n  image:\n" + image_lines + "  wrapper: {platforms: " + platforms +
           "}\n  spaces: [{id: acme/" + name + "}]\n---\n";
  }
};

int CountActions(const plan::Plan& p, plan::ActionKind kind) {
  int n = 0;
  for (const auto& a : p.actions) n += a.kind == kind;
  return n;
}

TEST_F(RegistryObserver, AnExactVersionIsObservedWithItsDigestAndAMissingWrapperIsPlanned) {
  auto desired = Load(Deployment("app", "    repository: ghcr.io/acme/app\n    version: v1.0.0\n"));
  auto registries = Mapped();
  Observation seen;
  RegistryObservation r = ObserveRegistries(desired, *registries, seen);
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].status.ToString();
  const Repository& repo = seen.repositories.at("ghcr.io/acme/app");
  EXPECT_EQ(repo.tags.at("v1.0.0").digest, lab->seeded.at("acme/app:v1.0.0").digest);
  EXPECT_EQ(repo.tags.count("hf-amd64-v1.0.0"), 0u);
  EXPECT_LE(r.requests, 3);  // manifest, wrapper manifest 404 (+ the /v2/ probe)

  plan::Plan p = plan::MakePlan(desired, seen);
  EXPECT_EQ(CountActions(p, plan::ActionKind::kPublishWrapper), 1);
}

TEST_F(RegistryObserver, AfterPublishingTheWrapperIsObservedUpToDateAndNotPlannedAgain) {
  auto desired = Load(Deployment("app2", "    repository: ghcr.io/acme/app\n    version: v1.0.0\n"));
  auto registries = Mapped();
  auto client = registries->For("ghcr.io");
  ASSERT_TRUE(client.ok());
  auto published = act::PublishWrapper(**client, {"ghcr.io/acme/app", "v1.0.0", "amd64",
                                                  desired[0].wrapper, ""});
  ASSERT_TRUE(published.ok()) << published.status().ToString();

  Observation seen;
  RegistryObservation r = ObserveRegistries(desired, *registries, seen);
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].status.ToString();
  const TagInfo& wrapper = seen.repositories.at("ghcr.io/acme/app").tags.at("hf-amd64-v1.0.0");
  EXPECT_EQ(wrapper.digest, published->digest);
  ASSERT_EQ(wrapper.platforms.size(), 1u);
  EXPECT_EQ(wrapper.platforms[0].labels.at(std::string(resolve::kLabelBaseDigest)),
            lab->seeded.at("acme/app:v1.0.0").digest);
  EXPECT_NE(std::find(wrapper.platforms[0].exposed_ports.begin(),
                      wrapper.platforms[0].exposed_ports.end(), "7860/tcp"),
            wrapper.platforms[0].exposed_ports.end());

  plan::Plan p = plan::MakePlan(desired, seen);
  EXPECT_EQ(CountActions(p, plan::ActionKind::kPublishWrapper), 0);
  for (const auto& d : p.drift) EXPECT_NE(d.target.rfind("ghcr.io/", 0), 0u) << d.field;
}

TEST_F(RegistryObserver, WithAManifestCacheARepeatedObservationOnlyAsksForDigestsAndSeesTheSame) {
  auto desired = Load(Deployment("cached", "    repository: ghcr.io/acme/app\n    version: v1.0.0\n"));
  auto registries = Mapped();
  auto client = registries->For("ghcr.io");
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(act::PublishWrapper(**client, {"ghcr.io/acme/app", "v1.0.0", "amd64",
                                             desired[0].wrapper, ""}).ok());
  Observation uncached;
  ASSERT_TRUE(ObserveRegistries(desired, *registries, uncached).problems.empty());

  ManifestCache cache;
  Observation first;
  RegistryObservation cold = ObserveRegistries(desired, *registries, first, {.manifests = &cache});
  ASSERT_TRUE(cold.problems.empty()) << cold.problems[0].status.ToString();
  EXPECT_EQ(cache.size(), 2u);  // the image and its wrapper
  Observation second;
  RegistryObservation warm = ObserveRegistries(desired, *registries, second, {.manifests = &cache});
  ASSERT_TRUE(warm.problems.empty()) << warm.problems[0].status.ToString();
  EXPECT_EQ(warm.requests, 2);  // HEAD of the tag, HEAD of the wrapper tag
  EXPECT_LT(warm.requests, cold.requests);
  EXPECT_EQ(second.repositories, uncached.repositories);
  EXPECT_EQ(first.repositories, uncached.repositories);
}

TEST_F(RegistryObserver, WithAManifestCacheATagMovedToNewContentIsReadAgain) {
  auto desired = Load(Deployment("moved", "    repository: ghcr.io/acme/moving\n    version: v1.0.0\n"));
  auto registries = Mapped();
  support::ImageSeeder seeder(lab->dir.path() / "moving");
  support::ImageSpec one;
  one.seed = 101;
  auto first_image = seeder.Push(*lab->open, "acme/moving", "v1.0.0", one);
  ASSERT_TRUE(first_image.ok()) << first_image.status().ToString();
  ManifestCache cache;
  Observation before;
  ASSERT_TRUE(ObserveRegistries(desired, *registries, before, {.manifests = &cache}).problems.empty());
  EXPECT_EQ(before.repositories.at("ghcr.io/acme/moving").tags.at("v1.0.0").digest, first_image->digest);

  support::ImageSpec two;
  two.seed = 202;
  auto second_image = seeder.Push(*lab->open, "acme/moving", "v1.0.0", two);
  ASSERT_TRUE(second_image.ok()) << second_image.status().ToString();
  ASSERT_NE(second_image->digest, first_image->digest);
  Observation after;
  ASSERT_TRUE(ObserveRegistries(desired, *registries, after, {.manifests = &cache}).problems.empty());
  EXPECT_EQ(after.repositories.at("ghcr.io/acme/moving").tags.at("v1.0.0").digest, second_image->digest);
}

TEST_F(RegistryObserver, AnIndexIsObservedWithOneDigestPerRunnablePlatform) {
  auto desired = Load(Deployment("multi", "    repository: ghcr.io/acme/multi\n    version: v1.0.0\n",
                                 "[amd64, arm64]"));
  auto registries = Mapped();
  Observation seen;
  RegistryObservation r = ObserveRegistries(desired, *registries, seen);
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].status.ToString();
  const TagInfo& tag = seen.repositories.at("ghcr.io/acme/multi").tags.at("v1.0.0");
  ASSERT_EQ(tag.platforms.size(), 2u);  // the attestation entry is skipped
  const auto& seeded = lab->seeded.at("acme/multi:v1.0.0");
  EXPECT_EQ(resolve::BasePlatformDigest(tag, "amd64"), seeded.platform_digests.at("amd64"));
  EXPECT_EQ(resolve::BasePlatformDigest(tag, "arm64"), seeded.platform_digests.at("arm64"));
  plan::Plan p = plan::MakePlan(desired, seen);
  EXPECT_EQ(CountActions(p, plan::ActionKind::kPublishWrapper), 2);
}

TEST_F(RegistryObserver, ASemverPolicyListsTagsAndResolvesTheNewestMatchOnly) {
  auto desired =
      Load(Deployment("policy", "    repository: ghcr.io/acme/policy\n    policy: {semver: \">=1.0.0 <2.0.0\"}\n"));
  auto registries = Mapped();
  Observation seen;
  RegistryObservation r = ObserveRegistries(desired, *registries, seen);
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].status.ToString();
  const Repository& repo = seen.repositories.at("ghcr.io/acme/policy");
  EXPECT_EQ(repo.tags.size(), 4u);                          // every tag listed
  EXPECT_EQ(repo.tags.at("v1.2.0").digest, lab->seeded.at("acme/policy:v1.2.0").digest);
  EXPECT_TRUE(repo.tags.at("v2.0.0").digest.empty());      // listed, not fetched
  EXPECT_TRUE(repo.tags.at("v1.0.0").digest.empty());
  plan::Plan p = plan::MakePlan(desired, seen);
  ASSERT_EQ(p.deployments.size(), 1u);
  EXPECT_EQ(p.deployments[0].resolved_version, "v1.2.0");
}

TEST_F(RegistryObserver, AMissingTagIsObservedAsAbsentAndTheDeploymentStallsWithoutABuild) {
  auto desired = Load(Deployment("gone", "    repository: ghcr.io/acme/app\n    version: v9.9.9\n"));
  auto registries = Mapped();
  Observation seen;
  RegistryObservation r = ObserveRegistries(desired, *registries, seen);
  ASSERT_TRUE(r.problems.empty());
  EXPECT_EQ(seen.repositories.at("ghcr.io/acme/app").tags.count("v9.9.9"), 0u);
  plan::Plan p = plan::MakePlan(desired, seen);
  ASSERT_EQ(p.deployments.size(), 1u);
  EXPECT_EQ(p.deployments[0].reason, "ImageMissing");
}

TEST_F(RegistryObserver, ARefusedRegistryIsAProblemAndTheOthersAreStillObserved) {
  auto desired = Load(Deployment("private", "    repository: quay.io/acme/private\n    version: v1.0.0\n") +
                      Deployment("app3", "    repository: ghcr.io/acme/app\n    version: v1.0.0\n"));
  auto registries = Mapped();
  Observation seen;
  RegistryObservation r = ObserveRegistries(desired, *registries, seen);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].repository, "quay.io/acme/private");
  EXPECT_EQ(r.problems[0].reason, "AuthFailed");
  EXPECT_EQ(r.problems[0].status.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(seen.repositories.count("quay.io/acme/private"), 0u);
  EXPECT_EQ(seen.repositories.count("ghcr.io/acme/app"), 1u);
  plan::Plan p = plan::MakePlan(desired, seen);
  bool unobserved = false;
  for (const auto& d : p.deployments)
    if (d.key == "default/private") unobserved = d.reason == "ImageUnobserved";
  EXPECT_TRUE(unobserved);
}

}  // namespace
}  // namespace spaceport::observe
