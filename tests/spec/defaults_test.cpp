// docs/spacedeployment.md agrees with the code: it states the same defaults and value lists as
// defaults.h, the loader applies them (three sources that must never drift apart, as Argo CD's
// and Keel's did), and its example is a valid document.
#include "spec/defaults.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "spec/loader.h"

namespace spaceport::spec {
namespace {

std::string ReadDoc() {
  std::ifstream in(std::string(SPACEPORT_SOURCE_DIR) + "/docs/spacedeployment.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text between "## Defaults" and the next "## " heading.
std::string Section(const std::string& doc, const std::string& heading) {
  const size_t start = doc.find("\n" + heading + "\n");
  if (start == std::string::npos) return "";
  const size_t end = doc.find("\n## ", start + heading.size() + 2);
  return doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Rows "| `field` | `value` |" of the Defaults table.
std::map<std::string, std::string> DefaultsTable(const std::string& doc) {
  std::map<std::string, std::string> rows;
  std::istringstream lines(Section(doc, "## Defaults"));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("| `")) continue;
    const size_t field_end = line.find("` |", 3);
    const size_t value_start = line.find('`', field_end + 2);
    const size_t value_end = line.rfind('`');
    if (field_end == std::string::npos || value_start == std::string::npos ||
        value_end <= value_start) {
      continue;
    }
    rows[line.substr(3, field_end - 3)] = line.substr(value_start + 1, value_end - value_start - 1);
  }
  return rows;
}

// The backticked words on the line that starts with `prefix`.
std::vector<std::string> ListAfter(const std::string& doc, const std::string& prefix) {
  const size_t start = doc.find("\n" + prefix);
  std::vector<std::string> words;
  if (start == std::string::npos) return words;
  const std::string line = doc.substr(start + 1, doc.find('\n', start + 1) - start - 1);
  size_t pos = 0;
  while ((pos = line.find('`', pos)) != std::string::npos) {
    const size_t end = line.find('`', pos + 1);
    if (end == std::string::npos) break;
    words.push_back(line.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return words;
}

template <size_t N>
std::vector<std::string> ToStrings(const std::string_view (&values)[N]) {
  return std::vector<std::string>(std::begin(values), std::end(values));
}

std::string DefaultEnvAsYaml() {
  std::string out = "{";
  for (const auto& [name, value] : kDefaultEnv) {
    if (out.size() > 1) out += ", ";
    out += std::string(name) + ": \"" + std::string(value) + "\"";
  }
  return out + "}";
}

TEST(Defaults, TheDocumentationTableStatesTheValuesOfDefaultsH) {
  const std::map<std::string, std::string> expected = {
      {"metadata.namespace", std::string(kDefaultNamespace)},
      {"spec.wrapper.platforms", std::string("[").append(kDefaultPlatform).append("]")},
      {"spec.wrapper.env", DefaultEnvAsYaml()},
      {"spec.wrapper.port", std::to_string(kDefaultPort)},
      {"spec.driftPolicy", std::string(kDefaultDriftPolicy)},
      {"spec.suspend", "false"},
      {"spec.interval", std::string(kDefaultInterval)},
      {"spec.image.build.githubActions.ref", std::string(kDefaultGithubRef)},
      {"spec.image.build.command.timeout", std::string(kDefaultBuildTimeout)},
      {"spec.image.build.kubernetesJob.image", std::string(kDefaultKubernetesJobImage)},
      {"spec.image.build.kubernetesJob.dockerfile", std::string(kDefaultDockerfile)},
      {"spec.image.build.kubernetesJob.activeDeadlineSeconds",
       std::to_string(kDefaultJobActiveDeadlineSeconds)},
      {"spec.image.build.kubernetesJob.ttlSecondsAfterFinished",
       std::to_string(kDefaultJobTtlSecondsAfterFinished)},
      {"spec.spaces[].create", "false"},
      {"spec.spaces[].private", "false"},
      {"spec.spaces[].health.timeoutSeconds", std::to_string(kDefaultHealthTimeoutSeconds)},
  };
  EXPECT_EQ(DefaultsTable(ReadDoc()), expected);
}

TEST(Defaults, TheSecondsConstantsMatchTheirDurationTexts) {
  EXPECT_EQ(kDefaultInterval, "5m");
  EXPECT_EQ(kDefaultIntervalSeconds, 5 * 60);
  EXPECT_EQ(kDefaultBuildTimeout, "30m");
  EXPECT_EQ(kDefaultBuildTimeoutSeconds, 30 * 60);
}

TEST(Defaults, TheLoaderAppliesWhatTheDocumentationStates) {
  const std::map<std::string, std::string> doc = DefaultsTable(ReadDoc());
  const LoadResult r = LoadText(R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: app}
spec:
  image:
    repository: ghcr.io/o/app
    version: v1
    build: {githubActions: {repository: o/app, workflow: d.yml, inputs: {b: "{{ .BuildID }}"}}}
  spaces: [{id: o/app}]
---
apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: other}
spec:
  image:
    repository: ghcr.io/o/other
    version: v1
    build: {command: {run: [make]}}
  spaces: [{id: o/other}]
---
apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: job}
spec:
  image:
    repository: ghcr.io/o/job
    version: v1
    build: {kubernetesJob: {context: "dir:///workspace"}}
  spaces: [{id: o/job}]
)",
                                "d.yaml");
  ASSERT_EQ(r.deployments.size(), 3u) << (r.diagnostics.empty() ? "" : r.diagnostics[0].ToString());
  const SpaceDeployment& d = r.deployments[0];
  std::string env = "{";
  for (const auto& [name, value] : d.wrapper.env) {
    if (env.size() > 1) env += ", ";
    env += name + ": \"" + value + "\"";
  }
  env += "}";
  EXPECT_EQ(doc.at("metadata.namespace"), d.namespace_);
  EXPECT_EQ(doc.at("spec.wrapper.platforms"), "[" + d.wrapper.platforms.at(0) + "]");
  EXPECT_EQ(d.wrapper.platforms.size(), 1u);
  EXPECT_EQ(doc.at("spec.wrapper.env"), env);
  EXPECT_EQ(doc.at("spec.wrapper.port"), std::to_string(d.wrapper.port));
  EXPECT_EQ(doc.at("spec.driftPolicy"), to_string(d.drift_policy));
  EXPECT_EQ(doc.at("spec.suspend"), d.suspend ? "true" : "false");
  EXPECT_EQ(doc.at("spec.interval"), d.interval.text);
  EXPECT_EQ(doc.at("spec.image.build.githubActions.ref"), d.image.build->github_actions->ref);
  EXPECT_EQ(doc.at("spec.image.build.command.timeout"),
            r.deployments[1].image.build->command->timeout.text);
  const KubernetesJobBuild& job = *r.deployments[2].image.build->kubernetes_job;
  EXPECT_EQ(doc.at("spec.image.build.kubernetesJob.image"), job.image);
  EXPECT_EQ(doc.at("spec.image.build.kubernetesJob.dockerfile"), job.dockerfile);
  EXPECT_EQ(doc.at("spec.image.build.kubernetesJob.activeDeadlineSeconds"),
            std::to_string(job.active_deadline_seconds));
  EXPECT_EQ(doc.at("spec.image.build.kubernetesJob.ttlSecondsAfterFinished"),
            std::to_string(job.ttl_seconds_after_finished));
  EXPECT_EQ(doc.at("spec.spaces[].create"), d.spaces[0].create ? "true" : "false");
  EXPECT_EQ(doc.at("spec.spaces[].private"), d.spaces[0].is_private ? "true" : "false");
  EXPECT_EQ(doc.at("spec.spaces[].health.timeoutSeconds"),
            std::to_string(d.spaces[0].health.timeout_seconds));
}

TEST(Defaults, TheDocumentationListsTheAllowedValuesOfDefaultsH) {
  const std::string doc = ReadDoc();
  EXPECT_EQ(ListAfter(doc, "Hardware flavours: "), ToStrings(kHardwareFlavours));
  EXPECT_EQ(ListAfter(doc, "Platforms: "), ToStrings(kPlatforms));
  EXPECT_EQ(ListAfter(doc, "Card colours: "), ToStrings(kCardColours));
}

TEST(Documentation, TheExampleAtTheTopLoadsWithoutDiagnostics) {
  const std::string doc = ReadDoc();
  const size_t start = doc.find("```yaml\n");
  ASSERT_NE(start, std::string::npos);
  const size_t end = doc.find("```\n", start + 8);
  const LoadResult r = LoadText(doc.substr(start + 8, end - start - 8), "example.yaml");
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics[0].ToString();
  ASSERT_EQ(r.deployments.size(), 1u);
  EXPECT_EQ(r.deployments[0].Key(), "default/grok2api");
}

}  // namespace
}  // namespace spaceport::spec
