// The loader on valid input: every field parsed into types.h, defaults applied, many documents
// per file, directories, other kinds skipped with a note, and the cross-document rules.
#include "spec/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "spec/defaults.h"
#include "spec/spec_test_support.h"

namespace spaceport::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Keys;
using testing::Lines;
using testing::ScratchDir;

// A document that sets every field.
constexpr const char* kFull = R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata:
  name: grok2api
  namespace: apps
  labels: {team: ml, tier: "1"}
  annotations: {note: hello}
spec:
  image:
    repository: ghcr.io/gdtiti/grok2api-api
    version: v1.0.0
    build:
      githubActions:
        repository: gdtiti/grok2api
        workflow: docker.yml
        ref: release
        inputs: {version: "{{ .Version }}", image: "{{.Image}}", id: "{{.BuildID}}"}
  wrapper:
    platforms: [amd64, arm/v7]
    env: {PORT: "8080", DEBUG: 1, HOST: "127.0.0.1"}
    port: 8080
  spaces:
    - id: owner/grok2api-space
      create: true
      private: true
      hardware: t4-small
      sleepTimeSeconds: 0
      variables: {LOG_LEVEL: info, RETRIES: 3}
      secrets:
        API_KEY: {secretKeyRef: {name: grok2api, key: api-key}}
        SESSION: {fromEnv: GROK_SESSION}
      health: {path: /health, timeoutSeconds: 120}
      card:
        title: Grok2API
        emoji: "🚀"
        colorFrom: indigo
        colorTo: blue
        shortDescription: An API
        license: mit
        pinned: true
    - id: owner/grok2api-staging
  driftPolicy: warn
  suspend: true
  interval: 1h30m
status:
  observedGeneration: 3
)";

TEST(LoadText, ReadsEveryFieldOfAFullDocument) {
  const LoadResult r = LoadText(kFull, "full.yaml");
  ASSERT_THAT(Lines(r.diagnostics), IsEmpty());
  ASSERT_EQ(r.deployments.size(), 1u);
  const SpaceDeployment& d = r.deployments[0];
  EXPECT_EQ(d.api_version, "spaceport.dev/v1alpha1");
  EXPECT_EQ(d.name, "grok2api");
  EXPECT_EQ(d.namespace_, "apps");
  EXPECT_EQ(d.Key(), "apps/grok2api");
  EXPECT_EQ(d.labels, (std::map<std::string, std::string>{{"team", "ml"}, {"tier", "1"}}));
  EXPECT_EQ(d.annotations, (std::map<std::string, std::string>{{"note", "hello"}}));
  EXPECT_EQ(d.position.file, "full.yaml");
  EXPECT_EQ(d.position.line, 1);
  EXPECT_EQ(d.position.column, 1);
  EXPECT_EQ(d.document_index, 0);

  EXPECT_EQ(d.image.repository, "ghcr.io/gdtiti/grok2api-api");
  EXPECT_EQ(d.image.version, "v1.0.0");
  EXPECT_FALSE(d.image.semver.has_value());
  ASSERT_TRUE(d.image.build.has_value());
  ASSERT_TRUE(d.image.build->github_actions.has_value());
  EXPECT_FALSE(d.image.build->command.has_value());
  const GithubActionsBuild& gha = *d.image.build->github_actions;
  EXPECT_EQ(gha.repository, "gdtiti/grok2api");
  EXPECT_EQ(gha.workflow, "docker.yml");
  EXPECT_EQ(gha.ref, "release");
  EXPECT_EQ(gha.inputs, (std::map<std::string, std::string>{{"id", "{{.BuildID}}"},
                                                            {"image", "{{.Image}}"},
                                                            {"version", "{{ .Version }}"}}));

  EXPECT_THAT(d.wrapper.platforms, ElementsAre("amd64", "arm/v7"));
  using Env = std::pair<std::string, std::string>;
  EXPECT_THAT(d.wrapper.env,
              ElementsAre(Env{"HOST", "127.0.0.1"}, Env{"PORT", "8080"}, Env{"DEBUG", "1"}));
  EXPECT_EQ(d.wrapper.port, 8080);

  ASSERT_EQ(d.spaces.size(), 2u);
  const SpaceSpec& s = d.spaces[0];
  EXPECT_EQ(s.id, "owner/grok2api-space");
  EXPECT_TRUE(s.create);
  EXPECT_TRUE(s.is_private);
  EXPECT_EQ(s.hardware, "t4-small");
  EXPECT_EQ(s.sleep_time_seconds, 0);
  EXPECT_EQ(s.variables,
            (std::map<std::string, std::string>{{"LOG_LEVEL", "info"}, {"RETRIES", "3"}}));
  ASSERT_TRUE(s.secrets.has_value());
  ASSERT_EQ(s.secrets->size(), 2u);
  const SecretSource& api_key = s.secrets->at("API_KEY");
  ASSERT_TRUE(api_key.secret_key_ref.has_value());
  EXPECT_FALSE(api_key.from_env.has_value());
  EXPECT_EQ(api_key.secret_key_ref->name, "grok2api");
  EXPECT_EQ(api_key.secret_key_ref->key, "api-key");
  EXPECT_EQ(s.secrets->at("SESSION").from_env, "GROK_SESSION");
  EXPECT_FALSE(s.secrets->at("SESSION").secret_key_ref.has_value());
  EXPECT_EQ(s.health.path, "/health");
  EXPECT_EQ(s.health.timeout_seconds, 120);
  EXPECT_EQ(s.card.title, "Grok2API");
  EXPECT_EQ(s.card.emoji, "🚀");
  EXPECT_EQ(s.card.color_from, "indigo");
  EXPECT_EQ(s.card.color_to, "blue");
  EXPECT_EQ(s.card.short_description, "An API");
  EXPECT_EQ(s.card.license, "mit");
  EXPECT_EQ(s.card.pinned, true);
  EXPECT_EQ(s.position.line, 23);
  EXPECT_EQ(s.position.column, 7);

  const SpaceSpec& staging = d.spaces[1];
  EXPECT_EQ(staging.id, "owner/grok2api-staging");
  EXPECT_FALSE(staging.create);
  EXPECT_FALSE(staging.hardware.has_value());
  EXPECT_FALSE(staging.sleep_time_seconds.has_value());
  EXPECT_FALSE(staging.variables.has_value());
  EXPECT_FALSE(staging.secrets.has_value());
  EXPECT_EQ(staging.health.timeout_seconds, kDefaultHealthTimeoutSeconds);

  EXPECT_EQ(d.drift_policy, DriftPolicy::kWarn);
  EXPECT_TRUE(d.suspend);
  EXPECT_EQ(d.interval.seconds, 5400);
  EXPECT_EQ(d.interval.text, "1h30m");
}

TEST(LoadText, FillsEveryDefaultOfAMinimalDocument) {
  const LoadResult r = LoadText(R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: app}
spec:
  image:
    repository: ghcr.io/o/app
    policy: {semver: ^1.2.0}
    build:
      command: {run: [make, image, "VERSION={{ .Version }}"]}
  spaces: [{id: o/app}]
)",
                                "min.yaml");
  ASSERT_THAT(Lines(r.diagnostics), IsEmpty());
  ASSERT_EQ(r.deployments.size(), 1u);
  const SpaceDeployment& d = r.deployments[0];
  EXPECT_EQ(d.namespace_, kDefaultNamespace);
  EXPECT_FALSE(d.image.version.has_value());
  EXPECT_EQ(d.image.semver, "^1.2.0");
  ASSERT_TRUE(d.image.build && d.image.build->command);
  EXPECT_THAT(d.image.build->command->run, ElementsAre("make", "image", "VERSION={{ .Version }}"));
  EXPECT_EQ(d.image.build->command->timeout.seconds, kDefaultBuildTimeoutSeconds);
  EXPECT_EQ(d.image.build->command->timeout.text, kDefaultBuildTimeout);
  EXPECT_THAT(d.wrapper.platforms, ElementsAre(std::string(kDefaultPlatform)));
  using Env = std::pair<std::string, std::string>;
  EXPECT_THAT(d.wrapper.env, ElementsAre(Env{"HOST", "0.0.0.0"}, Env{"PORT", "7860"}));
  EXPECT_EQ(d.wrapper.port, kDefaultPort);
  EXPECT_EQ(d.drift_policy, DriftPolicy::kCorrect);
  EXPECT_FALSE(d.suspend);
  EXPECT_EQ(d.interval.seconds, kDefaultIntervalSeconds);
  EXPECT_EQ(d.interval.text, kDefaultInterval);
  ASSERT_EQ(d.spaces.size(), 1u);
  EXPECT_FALSE(d.spaces[0].create);
  EXPECT_FALSE(d.spaces[0].is_private);
  EXPECT_EQ(d.spaces[0].health.path, "");
  EXPECT_EQ(d.spaces[0].health.timeout_seconds, kDefaultHealthTimeoutSeconds);
}

TEST(LoadText, DefaultsTheGithubRefToMain) {
  const LoadResult r = LoadText(R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: app}
spec:
  image:
    repository: ghcr.io/o/app
    version: "1.0"
    build: {githubActions: {repository: o/app, workflow: "1234", inputs: {b: "{{ .BuildID }}"}}}
  spaces: [{id: o/app}]
)",
                                "gha.yaml");
  ASSERT_THAT(Lines(r.diagnostics), IsEmpty());
  ASSERT_EQ(r.deployments.size(), 1u);
  EXPECT_EQ(r.deployments[0].image.version, "1.0");
  EXPECT_EQ(r.deployments[0].image.build->github_actions->ref, kDefaultGithubRef);
  EXPECT_EQ(r.deployments[0].image.build->github_actions->workflow, "1234");
}

TEST(LoadText, TheDefaultPortVariableFollowsThePort) {
  const LoadResult r = LoadText(R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: app}
spec:
  image: {repository: ghcr.io/o/app, version: v1}
  wrapper: {port: 8080}
  spaces: [{id: o/app}]
)",
                                "port.yaml");
  ASSERT_THAT(Lines(r.diagnostics), IsEmpty());
  ASSERT_EQ(r.deployments.size(), 1u);
  using Env = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(r.deployments[0].wrapper.env, (Env{{"HOST", "0.0.0.0"}, {"PORT", "8080"}}));
  EXPECT_EQ(r.deployments[0].wrapper.port, 8080);
}

std::string Deployment(const std::string& name, const std::string& space,
                       const std::string& ns = "default") {
  return "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata: {name: " + name +
         ", namespace: " + ns + "}\nspec:\n  image: {repository: ghcr.io/o/" + name +
         ", version: v1}\n  spaces: [{id: " + space + "}]\n";
}

TEST(LoadText, ReadsEveryDocumentOfAFileInOrder) {
  const std::string text = "# leading comment\n---\n" + Deployment("one", "o/one") + "---\n" +
                           Deployment("two", "o/two") + "...\n---\n" +
                           Deployment("three", "o/three");
  const LoadResult r = LoadText(text, "many.yaml");
  ASSERT_THAT(Lines(r.diagnostics), IsEmpty());
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/one", "default/two", "default/three"));
  EXPECT_EQ(r.deployments[0].document_index, 0);
  EXPECT_EQ(r.deployments[1].document_index, 1);
  EXPECT_EQ(r.deployments[2].document_index, 2);
  EXPECT_EQ(r.deployments[0].position.line, 3);
  EXPECT_EQ(r.deployments[1].position.line, 10);
  EXPECT_EQ(r.deployments[2].position.line, 18);
}

TEST(LoadText, SkipsOtherKindsWithANote) {
  const std::string text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"
      "data: {a: b}\n---\n" +
      Deployment("app", "o/app") +
      "---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
  const LoadResult r = LoadText(text, "mixed.yaml");
  EXPECT_FALSE(r.has_errors());
  EXPECT_THAT(Lines(r.diagnostics),
              ElementsAre("mixed.yaml:1:1: note: skipping ConfigMap \"settings\" (apiVersion v1): "
                          "not a SpaceDeployment",
                          "mixed.yaml:13:1: note: skipping Kustomization (apiVersion "
                          "kustomize.config.k8s.io/v1beta1): not a SpaceDeployment"));
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/app"));
  EXPECT_THAT(r.invalid, IsEmpty());
}

TEST(LoadText, KeepsValidDocumentsBesideBrokenOnes) {
  const std::string text = Deployment("good", "o/good") + "---\nkind: [\n---\n" +
                           Deployment("bad", "not-an-id") + "---\n" + Deployment("fine", "o/fine");
  const LoadResult r = LoadText(text, "some.yaml");
  EXPECT_TRUE(r.has_errors());
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/good", "default/fine"));
  ASSERT_EQ(r.invalid.size(), 2u);
  EXPECT_EQ(r.invalid[0].key, "some.yaml#1");
  EXPECT_EQ(r.invalid[0].name, "");
  EXPECT_EQ(r.invalid[0].position.line, 8);
  EXPECT_EQ(r.invalid[1].key, "default/bad");
  EXPECT_EQ(r.invalid[1].name, "bad");
  EXPECT_EQ(r.invalid[1].position.line, 10);
  EXPECT_THAT(Lines(r.diagnostics),
              ElementsAre("some.yaml:8:7: syntax error: this \"[\" is never closed (missing \"]\")",
                          "some.yaml:15:17: spec.spaces[0].id: \"not-an-id\" is not OWNER/NAME"));
}

TEST(LoadText, ReportsTheSecondOfTwoDeploymentsWithTheSameName) {
  const std::string text = Deployment("app", "o/one") + "---\n" + Deployment("app", "o/two") +
                           "---\n" + Deployment("app", "o/three", "other");
  const LoadResult r = LoadText(text, "dup.yaml");
  EXPECT_THAT(Lines(r.diagnostics),
              ElementsAre("dup.yaml:10:18: metadata.name: SpaceDeployment \"default/app\" is "
                          "already defined at dup.yaml:3:18"));
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/app", "other/app"));
}

TEST(LoadText, ReportsASpaceClaimedByTwoDeploymentsOnBoth) {
  const std::string text = Deployment("one", "o/shared") + "---\n" + Deployment("two", "O/Shared") +
                           "---\n" + Deployment("three", "o/other");
  const LoadResult r = LoadText(text, "claim.yaml");
  EXPECT_THAT(
      Lines(r.diagnostics),
      ElementsAre("claim.yaml:6:17: spec.spaces[0].id: Space \"o/shared\" is also claimed by "
                  "SpaceDeployment \"default/two\" at claim.yaml:13:17; a Space can belong to "
                  "only one SpaceDeployment",
                  "claim.yaml:13:17: spec.spaces[0].id: Space \"O/Shared\" is also claimed by "
                  "SpaceDeployment \"default/one\" at claim.yaml:6:17; a Space can belong to "
                  "only one SpaceDeployment"));
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/three"));
  ASSERT_EQ(r.invalid.size(), 2u);
  EXPECT_EQ(r.invalid[0].key, "default/one");
  EXPECT_EQ(r.invalid[1].key, "default/two");
}

TEST(LoadPaths, ReportsASpaceClaimedAcrossFilesOnBoth) {
  ScratchDir dir;
  const std::string a = dir.Write("a.yaml", Deployment("one", "o/shared"));
  const std::string b = dir.Write("b.yaml", Deployment("two", "o/shared"));
  const LoadResult r = LoadPaths({a, b});
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].position.file, a);
  EXPECT_NE(r.diagnostics[0].message.find("\"default/two\" at " + b + ":6:17"), std::string::npos)
      << r.diagnostics[0].message;
  EXPECT_EQ(r.diagnostics[1].position.file, b);
  EXPECT_NE(r.diagnostics[1].message.find("\"default/one\" at " + a + ":6:17"), std::string::npos)
      << r.diagnostics[1].message;
  EXPECT_THAT(r.deployments, IsEmpty());
}

TEST(LoadPaths, WalksDirectoriesRecursivelyInSortedOrder) {
  ScratchDir dir;
  dir.Write("b.yml", Deployment("b", "o/b"));
  dir.Write("a.yaml", Deployment("a", "o/a"));
  dir.Write("sub/c.yaml", Deployment("c", "o/c"));
  dir.Write("sub/deeper/d.yaml", Deployment("d", "o/d"));
  dir.Write("notes.txt", "not yaml at all: [");
  dir.Write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
  dir.Write(".hidden.yaml", "nonsense: [");
  const LoadResult r = LoadPaths({dir.path().string()});
  EXPECT_THAT(Lines(r.diagnostics), IsEmpty());
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/a", "default/b", "default/c", "default/d"));
  EXPECT_EQ(r.deployments[2].position.file, (dir.path() / "sub/c.yaml").string());
}

TEST(LoadPaths, LoadsAFileNamedTwiceOnlyOnce) {
  ScratchDir dir;
  const std::string file = dir.Write("app.yaml", Deployment("app", "o/app"));
  const LoadResult r = LoadPaths({dir.path().string(), file});
  EXPECT_THAT(Lines(r.diagnostics), IsEmpty());
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/app"));
}

TEST(LoadPaths, ReportsAPathThatDoesNotExist) {
  const LoadResult r = LoadPaths({"no/such/place.yaml"});
  EXPECT_TRUE(r.has_errors());
  EXPECT_THAT(Lines(r.diagnostics), ElementsAre("no/such/place.yaml: no such file or directory"));
}

TEST(LoadPaths, RefusesAFileLargerThanTheLimit) {
  ScratchDir dir;
  const std::string file = dir.Write("huge.yaml", std::string(kMaxFileBytes + 1, '#'));
  const LoadResult r = LoadPaths({file});
  EXPECT_THAT(Lines(r.diagnostics),
              ElementsAre(file + ": the file is larger than 8 MiB; split it into smaller files"));
}

TEST(LoadPaths, LoadsAnExplicitFileWhateverItsExtension) {
  ScratchDir dir;
  const std::string file = dir.Write("deploy.txt", Deployment("app", "o/app"));
  const LoadResult r = LoadPaths({file});
  EXPECT_THAT(Lines(r.diagnostics), IsEmpty());
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/app"));
}

TEST(LoadPaths, KeepsRelativePathsRelativeInDiagnostics) {
  ScratchDir dir;
  dir.Write("bad.yaml", Deployment("app", "bad"));
  const std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const LoadResult r = LoadPaths({"bad.yaml", "."});
  std::filesystem::current_path(before);
  EXPECT_THAT(Lines(r.diagnostics),
              ElementsAre("bad.yaml:6:17: spec.spaces[0].id: \"bad\" is not OWNER/NAME"));
}

TEST(LoadText, AcceptsAByteOrderMarkAndWindowsLineEnds) {
  std::string text = "\xEF\xBB\xBF" + Deployment("app", "o/app");
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const LoadResult r = LoadText(crlf + "---\r\n" + Deployment("two", "o/two"), "win.yaml");
  EXPECT_THAT(Lines(r.diagnostics), IsEmpty());
  EXPECT_THAT(Keys(r.deployments), ElementsAre("default/app", "default/two"));
}

TEST(LoadText, SortsDiagnosticsByPosition) {
  const LoadResult r = LoadText(R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: app}
spec:
  spaces: [{id: x, hardware: gpu}]
  image: {repository: Ghcr.io/o/app, version: v1}
)",
                                "order.yaml");
  EXPECT_THAT(Lines(r.diagnostics),
              ElementsAre("order.yaml:5:17: spec.spaces[0].id: \"x\" is not OWNER/NAME",
                          "order.yaml:5:30: spec.spaces[0].hardware: \"gpu\" is not a Hub hardware "
                          "flavour (e.g. cpu-basic, cpu-upgrade, t4-small, a10g-small; the full "
                          "list is in docs/spacedeployment.md)",
                          "order.yaml:6:23: spec.image.repository: \"Ghcr.io/o/app\" must be "
                          "lower case"));
}

TEST(LoadText, HasNoErrorsWhenOnlyNotesWereReported) {
  LoadResult r = LoadText("apiVersion: v1\nkind: Secret\n", "n.yaml");
  EXPECT_FALSE(r.has_errors());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kNote);
}

}  // namespace
}  // namespace spaceport::spec
