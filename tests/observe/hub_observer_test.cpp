// The Hub observer against the Hub emulator (in process, on a FakeClock; one case over real
// loopback HTTP): what it records for each Space, how many requests that costs with a cold and a
// warm file cache, what happens when the Hub fails for one Space, and which secret fingerprints
// it computes.
#include "observe/hub_observer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/digest.h"
#include "clients/hub/hub_error.h"
#include "hub_world.h"
#include "observe/observation_json.h"
#include "observe/space_file_cache.h"
#include "plan/fingerprint.h"
#include "spec/loader.h"
#include "support/temp_dir.h"

namespace spaceport::observe {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::HubWorld;

constexpr char kKey[] = "controller-fingerprint-key";
constexpr char kDockerfile[] = "FROM ghcr.io/acme/app:hf-amd64-v1.0.0@sha256:abc\n";
constexpr char kReadme[] = "---\ntitle: Demo\nsdk: docker\napp_port: 7860\n---\n";
constexpr char kApiKey[] = "s3cret-api-key-value";

hub::EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A deployment of ghcr.io/acme/app v1.0.0 with the given `spaces:` list items (YAML, indented
// by four spaces).
std::vector<spec::SpaceDeployment> Desired(const std::string& spaces, bool suspend = false) {
  const std::string yaml =
      "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata: {name: demo}\n"
      "spec:\n  image: {repository: ghcr.io/acme/app, version: v1.0.0}\n" +
      std::string(suspend ? "  suspend: true\n" : "") + "  spaces:\n" + spaces;
  spec::LoadResult loaded = spec::LoadText(yaml, "test.yaml");
  for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.ToString();
  return loaded.deployments;
}

// alice/demo managing variables and one secret from the environment.
constexpr char kManagedDemo[] =
    "    - id: alice/demo\n"
    "      variables: {LOG_LEVEL: info}\n"
    "      secrets: {API_KEY: {fromEnv: DEMO_API_KEY}}\n";

HubObserverOptions Options(const HubWorld& world) {
  return {world.state_dir(), kKey, Env({{"DEMO_API_KEY", kApiKey}})};
}

std::string Reasons(const HubObservation& h) {
  std::string out;
  for (const auto& p : h.problems) out += p.space + " " + p.reason + ": " + p.status.ToString() + "\n";
  return out;
}

class HubObserver : public ::testing::Test {
 protected:
  // alice/demo with Dockerfile and README committed, a variable, a fingerprinted secret, another
  // flavour and a sleep time, built and RUNNING.
  void SeedDemo() {
    world_.Seed("alice/demo", {{"Dockerfile", kDockerfile}, {"README.md", kReadme}});
    world_.SetVariable("alice/demo", "LOG_LEVEL", "info");
    world_.SetSecret("alice/demo", "API_KEY", kApiKey,
                     plan::FormatFingerprintDescription(HmacSha256Hex(kKey, kApiKey)));
    world_.Control("POST", "/__emulator/spaces/alice/demo/hardware", *Json::Parse(R"({"flavor":"cpu-upgrade"})"));
    world_.Control("POST", "/__emulator/spaces/alice/demo/sleeptime", *Json::Parse(R"({"seconds":3600})"));
    world_.Settle();
    world_.ResetStats();
  }

  HubObservation Observe(const std::vector<spec::SpaceDeployment>& desired, Observation& seen,
                         const HubObserverOptions& options) {
    return ObserveSpaces(desired, *client_, options, seen);
  }

  HubWorld world_;
  std::unique_ptr<hub::HubClient> client_ = world_.Client();
};

TEST_F(HubObserver, AMissingSpaceIsObservedAsAbsentWithOneRequest) {
  Observation seen;
  HubObservation h = Observe(Desired(kManagedDemo), seen, Options(world_));
  ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
  ASSERT_EQ(seen.spaces.count("alice/demo"), 1u);
  EXPECT_EQ(seen.spaces.at("alice/demo"), SpaceObservation{});  // exists = false, nothing else
  EXPECT_EQ(h.requests, 1);
  EXPECT_EQ(world_.RequestsFor("alice/demo"), 1);
  EXPECT_EQ(h.downloads, 0);
}

TEST_F(HubObserver, AnExistingSpaceIsObservedInEveryFieldTheFirstTimeWithFiveRequests) {
  SeedDemo();
  Observation seen;
  HubObservation h = Observe(Desired(kManagedDemo), seen, Options(world_));
  ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
  const SpaceObservation& demo = seen.spaces.at("alice/demo");
  EXPECT_TRUE(demo.exists);
  EXPECT_EQ(demo.sha, world_.Head("alice/demo"));
  EXPECT_EQ(demo.sha.size(), 40u);
  EXPECT_EQ(demo.dockerfile, kDockerfile);
  EXPECT_EQ(demo.readme, kReadme);
  EXPECT_EQ(demo.stage, "RUNNING");
  EXPECT_EQ(demo.error_message, "");
  EXPECT_EQ(demo.hardware, "cpu-upgrade");
  EXPECT_EQ(demo.requested_hardware, "cpu-upgrade");
  EXPECT_EQ(demo.sleep_time_seconds, 3600);
  EXPECT_EQ(demo.variables, (std::map<std::string, std::string>{{"LOG_LEVEL", "info"}}));
  ASSERT_EQ(demo.secrets.count("API_KEY"), 1u);
  // The planner's comparison: the description's fingerprint equals the desired value's.
  EXPECT_EQ(plan::ParseFingerprint(demo.secrets.at("API_KEY").description),
            seen.secret_fingerprints.at("alice/demo/API_KEY"));
  // Cold cache: info, Dockerfile, README.md, variables, secrets.
  EXPECT_EQ(h.requests, 5);
  EXPECT_EQ(h.downloads, 2);
  EXPECT_EQ(world_.RequestsFor("alice/demo"), 5);
}

TEST_F(HubObserver, AWarmCacheMakesANoOpObservationCostExactlyThreeRequestsAndNoDownload) {
  SeedDemo();
  Observation first;
  ASSERT_THAT(Observe(Desired(kManagedDemo), first, Options(world_)).problems, IsEmpty());
  world_.ResetStats();

  Observation second;
  HubObservation h = Observe(Desired(kManagedDemo), second, Options(world_));
  ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
  EXPECT_EQ(second, first);
  EXPECT_EQ(h.requests, 3);
  EXPECT_EQ(h.downloads, 0);
  EXPECT_EQ(world_.RequestsFor("alice/demo"), 3);
  EXPECT_THAT(world_.RequestsByRoute(),
              ElementsAre(std::pair<const std::string, int64_t>{"GET /api/spaces/{ns}/{name}", 1},
                          std::pair<const std::string, int64_t>{"GET /api/spaces/{ns}/{name}/secrets", 1},
                          std::pair<const std::string, int64_t>{"GET /api/spaces/{ns}/{name}/variables", 1}));
}

TEST_F(HubObserver, ANewCommitIsDownloadedOnceAndThenServedFromTheCacheAgain) {
  SeedDemo();
  Observation first;
  ASSERT_THAT(Observe(Desired(kManagedDemo), first, Options(world_)).problems, IsEmpty());

  const std::string moved = world_.Commit("alice/demo", {{"Dockerfile", "FROM elsewhere:v2\n"}});
  Observation after_commit;
  HubObservation h = Observe(Desired(kManagedDemo), after_commit, Options(world_));
  ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
  const SpaceObservation& demo = after_commit.spaces.at("alice/demo");
  EXPECT_EQ(demo.sha, moved);
  EXPECT_NE(demo.sha, first.spaces.at("alice/demo").sha);
  EXPECT_EQ(demo.dockerfile, "FROM elsewhere:v2\n");
  EXPECT_EQ(demo.readme, kReadme);  // unchanged in that commit, still read at the new sha
  EXPECT_EQ(h.downloads, 2);
  EXPECT_EQ(h.requests, 5);

  Observation again;
  HubObservation warm = Observe(Desired(kManagedDemo), again, Options(world_));
  EXPECT_EQ(again.spaces.at("alice/demo").dockerfile, "FROM elsewhere:v2\n");
  EXPECT_EQ(warm.downloads, 0);
  EXPECT_EQ(warm.requests, 3);
}

TEST_F(HubObserver, WithoutAStateDirectoryEveryObservationDownloadsTheFiles) {
  SeedDemo();
  HubObserverOptions no_cache = Options(world_);
  no_cache.state_dir = "";
  for (int pass = 0; pass < 2; ++pass) {
    Observation seen;
    HubObservation h = Observe(Desired(kManagedDemo), seen, no_cache);
    ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
    EXPECT_EQ(seen.spaces.at("alice/demo").dockerfile, kDockerfile);
    EXPECT_EQ(h.downloads, 2) << "pass " << pass;
  }
}

TEST_F(HubObserver, AFileTheSpaceDoesNotListIsAbsentWithoutARequest) {
  world_.Seed("alice/fresh");  // a new Space: .gitattributes and README.md, no Dockerfile
  world_.ResetStats();
  Observation seen;
  HubObservation h = Observe(Desired("    - id: alice/fresh\n"), seen, Options(world_));
  ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
  const SpaceObservation& fresh = seen.spaces.at("alice/fresh");
  EXPECT_TRUE(fresh.exists);
  EXPECT_EQ(fresh.dockerfile, std::nullopt);
  EXPECT_THAT(fresh.readme.value_or(""), HasSubstr("sdk: docker"));
  EXPECT_EQ(fresh.stage, "NO_APP_FILE");
  EXPECT_EQ(h.downloads, 1);  // README.md only
  EXPECT_EQ(h.requests, 2);   // info + README.md; variables and secrets are not managed
}

TEST_F(HubObserver, UnmanagedVariablesAndSecretsAreNeitherFetchedNorRecorded) {
  SeedDemo();
  Observation seen;
  HubObservation h = Observe(Desired("    - id: alice/demo\n"), seen, Options(world_));
  ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
  const SpaceObservation& demo = seen.spaces.at("alice/demo");
  EXPECT_THAT(demo.variables, IsEmpty());
  EXPECT_THAT(demo.secrets, IsEmpty());
  EXPECT_THAT(seen.secret_fingerprints, IsEmpty());
  for (const auto& [route, n] : world_.RequestsByRoute()) {
    EXPECT_THAT(route, Not(HasSubstr("variables")));
    EXPECT_THAT(route, Not(HasSubstr("secrets")));
  }
}

TEST_F(HubObserver, ASpaceWhoseInfoKeepsFailingIsAProblemAndTheOthersAreStillObserved) {
  SeedDemo();
  world_.Seed("alice/broken", {{"Dockerfile", kDockerfile}});
  world_.Control("POST", "/__emulator/faults",
                 *Json::Parse(R"({"path_regex":"^/api/spaces/alice/broken$","status":500,"count":-1})"));
  Observation seen;
  seen.spaces["alice/broken"].exists = true;  // left from an earlier pass: must not survive
  HubObservation h = Observe(Desired("    - id: alice/broken\n" + std::string(kManagedDemo)), seen,
                             Options(world_));
  ASSERT_EQ(h.problems.size(), 1u) << Reasons(h);
  EXPECT_EQ(h.problems[0].space, "alice/broken");
  EXPECT_EQ(h.problems[0].reason, hub::reason::kHubError);
  EXPECT_EQ(h.problems[0].status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(seen.spaces.count("alice/broken"), 0u);
  EXPECT_TRUE(seen.spaces.at("alice/demo").exists);
  EXPECT_EQ(seen.spaces.at("alice/demo").dockerfile, kDockerfile);
}

TEST_F(HubObserver, ARefusedTokenIsAnAuthProblemForEverySpaceAndLeaksNothing) {
  SeedDemo();
  auto intruder = world_.Client("hf_not_a_known_token_000000000000");
  Observation seen;
  HubObservation h = ObserveSpaces(Desired(kManagedDemo + std::string("    - id: alice/other\n")),
                                   *intruder, Options(world_), seen);
  ASSERT_EQ(h.problems.size(), 2u) << Reasons(h);
  for (const SpaceProblem& p : h.problems) {
    EXPECT_EQ(p.reason, hub::reason::kAuthFailed) << p.space;
    EXPECT_EQ(p.status.code(), StatusCode::kUnauthenticated) << p.space;
    EXPECT_THAT(p.status.message(), Not(HasSubstr("hf_not_a_known_token")));
  }
  EXPECT_THAT(seen.spaces, IsEmpty());
  EXPECT_EQ(h.requests, 2);  // one info each; a 401 is not retried
}

TEST_F(HubObserver, ARateLimitedSpaceIsAProblemAndTheNextWaitsForTheHostToReopen) {
  SeedDemo();
  world_.Control("POST", "/__emulator/faults",
                 *Json::Parse(R"({"path_regex":"^/api/spaces/alice/demo$","status":429,"retry_after":30})"));
  world_.Seed("alice/second");
  const Clock::TimePoint before = world_.clock.Now();
  Observation seen;
  HubObservation h = Observe(Desired(kManagedDemo + std::string("    - id: alice/second\n")), seen,
                             Options(world_));
  ASSERT_EQ(h.problems.size(), 1u) << Reasons(h);
  EXPECT_EQ(h.problems[0].space, "alice/demo");
  EXPECT_EQ(h.problems[0].reason, hub::reason::kRateLimited);
  EXPECT_TRUE(seen.spaces.at("alice/second").exists);
  EXPECT_GE(world_.clock.Now() - before, Clock::Duration(std::chrono::seconds(30)));
}

TEST_F(HubObserver, FingerprintsAreComputedOnlyForSecretsWhoseValueIsAvailable) {
  const std::string spaces =
      "    - id: alice/demo\n"
      "      secrets:\n"
      "        FROM_ENV: {fromEnv: DEMO_API_KEY}\n"
      "        UNSET_ENV: {fromEnv: NOT_EXPORTED}\n"
      "        EMPTY_ENV: {fromEnv: EMPTY_VALUE}\n"
      "        IN_KUBERNETES: {secretKeyRef: {name: demo, key: api-key}}\n";
  HubObserverOptions options = Options(world_);
  options.env = Env({{"DEMO_API_KEY", kApiKey}, {"EMPTY_VALUE", ""}});
  Observation seen;
  ASSERT_THAT(Observe(Desired(spaces), seen, options).problems, IsEmpty());
  EXPECT_EQ(seen.secret_fingerprints,
            (std::map<std::string, std::string>{{"alice/demo/FROM_ENV", HmacSha256Hex(kKey, kApiKey)}}));
  // The value reaches nothing but the HMAC.
  EXPECT_THAT(ObservationToJson(seen).Dump(), Not(HasSubstr(kApiKey)));

  HubObserverOptions keyless = options;
  keyless.fingerprint_key = "";
  Observation without_key;
  ASSERT_THAT(Observe(Desired(spaces), without_key, keyless).problems, IsEmpty());
  EXPECT_THAT(without_key.secret_fingerprints, IsEmpty());
}

TEST_F(HubObserver, ASuspendedDeploymentIsNotObservedAtAll) {
  SeedDemo();
  Observation seen;
  HubObservation h = Observe(Desired(kManagedDemo, /*suspend=*/true), seen, Options(world_));
  EXPECT_EQ(h.requests, 0);
  EXPECT_THAT(seen.spaces, IsEmpty());
  EXPECT_THAT(seen.secret_fingerprints, IsEmpty());
}

TEST_F(HubObserver, ACorruptCacheEntryCostsTheDownloadsAndIsRepaired) {
  SeedDemo();
  SpaceFileCache cache(world_.state_dir());
  ASSERT_TRUE(support::WriteFile(cache.PathFor("alice/demo"), "{\"sha\": tru"));
  Observation seen;
  HubObservation h = Observe(Desired(kManagedDemo), seen, Options(world_));
  ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
  EXPECT_EQ(seen.spaces.at("alice/demo").dockerfile, kDockerfile);
  EXPECT_EQ(h.downloads, 2);
  auto repaired = cache.Load("alice/demo");
  ASSERT_TRUE(repaired.has_value());
  EXPECT_EQ(repaired->sha, seen.spaces.at("alice/demo").sha);
  EXPECT_THAT(h.notes, IsEmpty());
}

TEST_F(HubObserver, AnUnwritableCacheIsANoteNotAProblem) {
  SeedDemo();
  // The state directory is a file: no entry can be created under it.
  support::TempDir dir("hub-observer-file");
  const std::string not_a_dir = (dir.path() / "state").string();
  ASSERT_TRUE(support::WriteFile(not_a_dir, "x"));
  HubObserverOptions options = Options(world_);
  options.state_dir = not_a_dir;
  Observation seen;
  HubObservation h = Observe(Desired(kManagedDemo), seen, options);
  ASSERT_THAT(h.problems, IsEmpty()) << Reasons(h);
  EXPECT_EQ(seen.spaces.at("alice/demo").dockerfile, kDockerfile);
  ASSERT_EQ(h.notes.size(), 1u);
  EXPECT_THAT(h.notes[0], HasSubstr("alice/demo: file cache not updated"));
}

TEST(HubObserverOverLoopback, AWarmCacheCostsThreeRequestsOverRealHttp) {
  hub_emulator::HubEmulator emulator(testing::WorldOptions(), RealClock::Instance(),
                                     std::make_unique<testing::EveryImageExists>());
  ASSERT_TRUE(emulator.Listen().ok());
  hub::HubConfig config;
  config.endpoint = emulator.base_url();
  config.token = hub::HubToken{testing::kAliceToken, "test token"};
  auto created = hub::HubClient::Create(config, RealClock::Instance());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  hub::HubClient& client = **created;
  ASSERT_TRUE(client.CreateSpace({.id = "alice/demo"}).ok());
  ASSERT_TRUE(emulator
                  .Control("POST", "/__emulator/spaces/alice/demo/commit",
                           R"({"files":{"Dockerfile":"FROM ghcr.io/acme/app:v1\n"}})")
                  .ok());

  support::TempDir state("hub-observer-loopback");
  HubObserverOptions options{state.path().string(), kKey, Env({{"DEMO_API_KEY", kApiKey}})};
  Observation cold, warm;
  HubObservation first = ObserveSpaces(Desired(kManagedDemo), client, options, cold);
  HubObservation second = ObserveSpaces(Desired(kManagedDemo), client, options, warm);
  ASSERT_THAT(first.problems, IsEmpty()) << Reasons(first);
  ASSERT_THAT(second.problems, IsEmpty()) << Reasons(second);
  EXPECT_EQ(warm.spaces.at("alice/demo").dockerfile, "FROM ghcr.io/acme/app:v1\n");
  EXPECT_EQ(first.requests, 5);
  EXPECT_EQ(second.requests, 3);
  EXPECT_EQ(second.downloads, 0);
  emulator.Stop();
}

}  // namespace
}  // namespace spaceport::observe
