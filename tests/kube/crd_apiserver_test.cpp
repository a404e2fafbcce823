// The CustomResourceDefinition against the real kube-apiserver 1.20.2 (support::KubeApiServer):
// what tests/spec/crd_schema_test.cpp checks offline, the server must confirm. The CRD is
// accepted and Established, `kubectl explain` shows its descriptions, every example is accepted
// and stored so that the loader reads back the same deployment (defaults included), the status
// subresource keeps every field the controller writes, and the broken-input corpus of the loader
// (tests/spec/corpus) is refused by the server document by document, except the listed cases
// only Spaceport can judge. Documents go through `kubectl apply --validate=false`, so the server
// and not kubectl's client-side validation does the judging. Each test has its own namespace.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "spec/loader.h"
#include "support/kube_apiserver.h"
#include "support/temp_dir.h"

namespace spaceport::kube_crd {
namespace {

namespace fs = std::filesystem;
using support::CommandResult;
using support::KubeApiServer;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Source(const std::string& relative) {
  return std::string(SPACEPORT_SOURCE_DIR) + "/" + relative;
}

// The documents of a YAML stream, split at `---` lines (the corpus uses no `...`); comment-only
// parts are kept (as "") so that indexes match the files.
std::vector<std::string> Documents(const std::string& text) {
  std::vector<std::string> docs(1);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_last_not_of(" \t") == 2 && line.starts_with("---")) {
      docs.emplace_back();
      continue;
    }
    docs.back() += line + "\n";
  }
  for (std::string& doc : docs) {
    bool content = false;
    std::istringstream doc_lines(doc);
    while (std::getline(doc_lines, line)) {
      const size_t first = line.find_first_not_of(" \t");
      content = content || (first != std::string::npos && line[first] != '#');
    }
    if (!content) doc.clear();
  }
  return docs;
}

// metadata.namespace (a two-space-indented `namespace:` line) set to `ns`: every test keeps to
// its own namespace whatever the document says.
std::string InNamespace(const std::string& doc, const std::string& ns) {
  std::string out;
  std::istringstream lines(doc);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("  namespace:")) line = "  namespace: " + ns;
    out += line + "\n";
  }
  return out;
}

std::string Collapse(const std::string& text) {
  return std::regex_replace(text, std::regex(R"(\s+)"), " ");
}

// JSON with object keys sorted at every level: the apiserver serves keys in sorted order.
std::string Sorted(const Json& j) {
  if (j.is_object()) {
    std::map<std::string, std::string> members;
    for (const Json::Member& m : j.Members()) members[m.first] = Sorted(m.second);
    std::string out = "{";
    for (const auto& [key, value] : members) {
      out += (out.size() > 1 ? "," : "") + Json(key).Dump() + ":" + value;
    }
    return out + "}";
  }
  if (j.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? "," : "") + Sorted(j.At(i));
    return out + "]";
  }
  return j.Dump();
}

Json ParseOrNull(const std::string& text) {
  auto parsed = Json::Parse(text);
  return parsed.ok() ? *parsed : Json();
}

std::vector<spec::Diagnostic> Errors(const spec::LoadResult& result) {
  std::vector<spec::Diagnostic> errors;
  for (const spec::Diagnostic& d : result.diagnostics) {
    if (d.severity == spec::Severity::kError) errors.push_back(d);
  }
  return errors;
}

std::string Render(const std::vector<spec::Diagnostic>& diagnostics) {
  std::string out;
  for (const spec::Diagnostic& d : diagnostics) out += "\n  " + d.ToString();
  return out;
}

// The loaded deployment as text, positions and the object's identity (uid, generation) aside.
std::string Describe(const spec::SpaceDeployment& d) {
  std::ostringstream o;
  o << d.Key() << "|" << d.image.repository << "|" << d.image.version.value_or("-") << "|"
    << d.image.semver.value_or("-");
  if (d.image.build && d.image.build->github_actions) {
    const spec::GithubActionsBuild& g = *d.image.build->github_actions;
    o << "|gha:" << g.repository << "," << g.workflow << "," << g.ref << ",";
    for (const auto& [k, v] : g.inputs) o << k << "=" << v << ";";
    o << (g.token ? "token" : "");
  }
  if (d.image.build && d.image.build->command) {
    for (const std::string& arg : d.image.build->command->run) o << "|run:" << arg;
    o << "|timeout:" << d.image.build->command->timeout.seconds;
  }
  if (d.image.build && d.image.build->kubernetes_job) {
    const spec::KubernetesJobBuild& k = *d.image.build->kubernetes_job;
    o << "|job:" << k.image << "," << k.context.value_or("-") << "," << k.dockerfile << ","
      << k.active_deadline_seconds << "," << k.ttl_seconds_after_finished << ","
      << k.push_secret.value_or("-") << "," << k.resources.limits.memory.value_or("-");
    for (const std::string& arg : k.args) o << "|arg:" << arg;
  }
  o << "\nwrapper:";
  for (const std::string& p : d.wrapper.platforms) o << p << ",";
  for (const auto& [k, v] : d.wrapper.env) o << k << "=" << v << ",";
  o << d.wrapper.port;
  for (const spec::SpaceSpec& s : d.spaces) {
    o << "\nspace:" << s.id << "|" << s.create << s.is_private << "|" << s.hardware.value_or("-")
      << "|" << s.sleep_time_seconds.value_or(-1) << "|";
    if (s.variables) {
      for (const auto& [k, v] : *s.variables) o << k << "=" << v << ",";
    }
    o << "|";
    if (s.secrets) {
      for (const auto& [k, v] : *s.secrets) {
        o << k << (v.from_env ? "=env:" + *v.from_env : "") << ",";
        if (v.secret_key_ref) o << v.secret_key_ref->name << "/" << v.secret_key_ref->key << ",";
      }
    }
    o << "|" << s.health.path << "," << s.health.timeout_seconds << "|"
      << s.card.title.value_or("-") << s.card.color_from.value_or("-")
      << s.card.short_description.value_or("-");
  }
  o << "\n" << spec::to_string(d.drift_policy) << "|" << d.suspend << "|" << d.interval.seconds;
  return o.str();
}

class CrdApiServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto api = KubeApiServer::Shared();  // installs the CRD and waits until it is Established
    ASSERT_TRUE(api.ok()) << api.status().ToString();
    api_ = *api;
    static std::atomic<int> counter{0};
    ns_ = "crd-" + std::to_string(::getpid() % 100000) + "-" + std::to_string(++counter);
    Status created = api_->CreateNamespace(ns_);
    ASSERT_TRUE(created.ok()) << created.ToString();
  }

  CommandResult Kubectl(std::vector<std::string> args) const {
    args.push_back("-n");
    args.push_back(ns_);
    return api_->Kubectl(args);
  }

  // One document, in this test's namespace, judged by the server alone (no client validation).
  CommandResult ApplyDocument(const std::string& yaml) {
    const fs::path file = dir_.path() / ("doc-" + std::to_string(++files_) + ".yaml");
    support::WriteFile(file, InNamespace(yaml, ns_));
    return Kubectl({"apply", "--validate=false", "-f", file.string()});
  }

  // Applies `yaml` (judged by the server alone) and checks that what the server stores, with its
  // defaults, loads as the same deployment as what was written; returns the stored object.
  Json ApplyAndLoadBack(const std::string& yaml, const std::string& name) {
    CommandResult r = ApplyDocument(yaml);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const Json stored = Object(name);
    const spec::LoadResult as_written = spec::LoadText(InNamespace(yaml, ns_), name + ".yaml");
    const spec::LoadResult as_stored = spec::LoadText(stored.Dump(2), "stored.json");
    EXPECT_EQ(as_written.deployments.size(), 1u) << Render(as_written.diagnostics);
    EXPECT_EQ(as_stored.deployments.size(), 1u) << Render(as_stored.diagnostics);
    if (as_written.deployments.size() == 1 && as_stored.deployments.size() == 1) {
      EXPECT_EQ(Describe(as_stored.deployments[0]), Describe(as_written.deployments[0]));
    }
    return stored;
  }

  // The object as the apiserver stores it; null when it cannot be read.
  Json Object(const std::string& name) const {
    CommandResult r = Kubectl({"get", "spacedeployment", name, "-o", "json"});
    if (r.exit_code != 0) return Json();
    auto doc = Json::Parse(r.output.substr(std::min(r.output.find('{'), r.output.size())));
    return doc.ok() ? *doc : Json();
  }

  // kubectl explain maps names through kubectl's discovery cache, which it does not refresh on a
  // miss (`kubectl api-resources` does), and reads the OpenAPI document, which the apiserver
  // republishes a moment after a CRD is Established. Until both have caught up it says it cannot
  // find the resource.
  CommandResult Explain(const std::string& what) const {
    CommandResult r;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    do {
      r = Kubectl({"explain", what});
      const bool not_yet = r.output.find("couldn't find resource") != std::string::npos ||
                           r.output.find("doesn't have a resource type") != std::string::npos;
      if (r.exit_code == 0 || !not_yet) break;
      api_->Kubectl({"api-resources", "--api-group=spaceport.dev"});
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    } while (std::chrono::steady_clock::now() < deadline);
    return r;
  }

  KubeApiServer* api_ = nullptr;
  std::string ns_;
  support::TempDir dir_{"crd-apiserver"};
  int files_ = 0;
};

TEST_F(CrdApiServer, TheCrdIsEstablishedWithItsNamesAccepted) {
  CommandResult r = api_->Kubectl({"get", "crd", "spacedeployments.spaceport.dev", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto crd = Json::Parse(r.output.substr(r.output.find('{')));
  ASSERT_TRUE(crd.ok()) << r.output;
  std::map<std::string, std::string> conditions;
  const Json* list = crd->Find("status") ? crd->Find("status")->Find("conditions") : nullptr;
  ASSERT_NE(list, nullptr) << r.output;
  for (size_t i = 0; i < list->size(); ++i) {
    conditions[list->At(i).GetString("type")] = list->At(i).GetString("status");
  }
  EXPECT_EQ(conditions["Established"], "True") << r.output;
  EXPECT_EQ(conditions["NamesAccepted"], "True") << r.output;
  const Json* accepted = crd->Find("status")->Find("acceptedNames");
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(accepted->GetString("kind"), "SpaceDeployment");
  EXPECT_EQ(accepted->Find("shortNames")->Dump(), R"(["spd"])");
  EXPECT_EQ(accepted->Find("categories")->Dump(), R"(["spaceport"])");

  // The short name and the category work as resource names.
  EXPECT_EQ(Kubectl({"get", "spd"}).exit_code, 0);
  CommandResult category = Kubectl({"get", "spaceport"});
  EXPECT_EQ(category.exit_code, 0) << category.output;
}

TEST_F(CrdApiServer, KubectlExplainShowsTheSchemaDescriptions) {
  CommandResult resources = api_->Kubectl({"api-resources", "--api-group=spaceport.dev"});
  ASSERT_EQ(resources.exit_code, 0) << resources.output;
  static const std::regex kRow(
      R"(spacedeployments\s+spd\s+spaceport\.dev/v1alpha1\s+true\s+SpaceDeployment)");
  EXPECT_TRUE(std::regex_search(resources.output, kRow)) << resources.output;

  const YAML::Node crd = YAML::LoadFile(Source("crds/spaceport.dev_spacedeployments.yaml"));
  const YAML::Node image = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]
                              ["spec"]["properties"]["image"];
  const std::string image_description = image["description"].as<std::string>();
  const std::string repository_description =
      image["properties"]["repository"]["description"].as<std::string>();

  CommandResult r = Explain("spd.spec.image");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(Collapse(r.output), HasSubstr(Collapse(image_description))) << r.output;
  EXPECT_THAT(Collapse(r.output), HasSubstr(Collapse(repository_description))) << r.output;
  EXPECT_THAT(r.output, HasSubstr("repository\t<string> -required-")) << r.output;
  for (const char* field : {"version\t<string>", "policy\t<Object>", "build\t<Object>"}) {
    EXPECT_THAT(r.output, HasSubstr(field)) << r.output;
  }

  CommandResult conditions = Explain("spd.status.conditions.status");
  ASSERT_EQ(conditions.exit_code, 0) << conditions.output;
  EXPECT_THAT(conditions.output, HasSubstr("True, False or Unknown")) << conditions.output;
}

TEST_F(CrdApiServer, EveryExampleIsAcceptedAndStoredAsTheSameDeploymentTheLoaderReads) {
  int applied = 0;
  for (const auto& entry : fs::directory_iterator(Source("examples"))) {
    if (entry.path().extension() != ".yaml") continue;
    const std::vector<std::string> docs = Documents(support::ReadFile(entry.path()));
    for (size_t i = 0; i < docs.size(); ++i) {
      const std::string doc = InNamespace(docs[i], ns_);
      const spec::LoadResult as_written = spec::LoadText(doc, entry.path().filename().string());
      if (as_written.deployments.size() != 1) continue;  // another kind, or nothing
      ASSERT_THAT(Errors(as_written), IsEmpty()) << Render(as_written.diagnostics);
      ++applied;
      const std::string what = entry.path().filename().string() + "#" + std::to_string(i);
      CommandResult r = ApplyDocument(doc);
      ASSERT_EQ(r.exit_code, 0) << what << ": " << r.output;

      // What the server stores (with its defaults and metadata) loads as the same deployment.
      const Json stored = Object(as_written.deployments[0].name);
      ASSERT_TRUE(stored.is_object()) << what;
      const spec::LoadResult as_stored = spec::LoadText(stored.Dump(2), "stored.json");
      ASSERT_THAT(Errors(as_stored), IsEmpty()) << what << Render(as_stored.diagnostics);
      ASSERT_EQ(as_stored.deployments.size(), 1u);
      EXPECT_EQ(Describe(as_stored.deployments[0]), Describe(as_written.deployments[0])) << what;
    }
  }
  EXPECT_GE(applied, 3);
}

TEST_F(CrdApiServer, TheServerFillsInTheLoadersDefaults) {
  const std::string sparse =
      "apiVersion: spaceport.dev/v1alpha1\n"
      "kind: SpaceDeployment\n"
      "metadata:\n"
      "  name: sparse\n"
      "  namespace: default\n"
      "spec:\n"
      "  image:\n"
      "    repository: ghcr.io/acme/sparse\n"
      "    version: v1\n"
      "    build:\n"
      "      githubActions: {repository: acme/sparse, workflow: docker.yml,\n"
      "                      inputs: {id: \"{{ .BuildID }}\"}}\n"
      "  spaces:\n"
      "    - id: acme/sparse\n"
      "    - id: acme/sparse-2\n"
      "      health: {path: /health}\n";
  const Json stored = ApplyAndLoadBack(sparse, "sparse");
  const Json* spec = stored.Find("spec");
  ASSERT_NE(spec, nullptr) << stored.Dump(2);
  EXPECT_EQ(Sorted(*spec->Find("wrapper")), R"({"platforms":["amd64"],"port":7860})");
  EXPECT_EQ(spec->GetString("driftPolicy"), "correct");
  EXPECT_EQ(spec->GetString("interval"), "5m");
  EXPECT_EQ(spec->Find("suspend")->Dump(), "false");
  EXPECT_EQ(spec->Find("image")->Find("build")->Find("githubActions")->GetString("ref"), "main");
  EXPECT_EQ(Sorted(spec->Find("spaces")->At(0)),
            R"({"create":false,"health":{"timeoutSeconds":600},"id":"acme/sparse",)"
            R"("private":false})");
}

// docs/kubernetes.md tells users two ways the apiserver differs from the loader; both hold.
TEST_F(CrdApiServer, UnknownFieldsArePrunedUnlessKubectlValidatesAndYesIsABooleanToKubectl) {
  const std::string doc =
      "apiVersion: spaceport.dev/v1alpha1\n"
      "kind: SpaceDeployment\n"
      "metadata:\n"
      "  name: lenient\n"
      "spec:\n"
      "  image: {repository: ghcr.io/acme/lenient, version: v1}\n"
      "  spaces:\n"
      "    - id: acme/lenient\n"
      "      create: yes\n"
      "      hardwre: cpu-basic\n";
  // The file loader refuses both lines.
  const spec::LoadResult loaded = spec::LoadText(doc, "lenient.yaml");
  ASSERT_EQ(Errors(loaded).size(), 2u) << Render(loaded.diagnostics);

  // kubectl's default (client-side) validation reports the unknown field...
  const fs::path file = dir_.path() / "lenient.yaml";
  support::WriteFile(file, doc);
  CommandResult validated = Kubectl({"apply", "-f", file.string()});
  EXPECT_NE(validated.exit_code, 0) << validated.output;
  EXPECT_THAT(validated.output, HasSubstr("unknown field")) << validated.output;
  EXPECT_THAT(validated.output, HasSubstr("hardwre")) << validated.output;

  // ...and without it the 1.20 apiserver drops the field silently and stores `yes` as true.
  CommandResult r = ApplyDocument(doc);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json stored = Object("lenient");
  const Json* space = stored.Find("spec") ? &stored.Find("spec")->Find("spaces")->At(0) : nullptr;
  ASSERT_NE(space, nullptr) << stored.Dump(2);
  EXPECT_EQ(space->Find("hardwre"), nullptr) << stored.Dump(2);
  EXPECT_EQ(space->Find("create")->Dump(), "true") << stored.Dump(2);
}

// docs/status.md's example is exactly what the controller's ToJson writes (pinned by
// tests/runtime/deployment_status_test.cpp); Kubernetes mode adds two fields.
Json FullStatus() {
  const std::string page = support::ReadFile(Source("docs/status.md"));
  const size_t start = page.find("```json\n");
  const size_t end = page.find("\n```", start);
  auto status = Json::Parse(page.substr(start + 8, end - start - 8));
  if (!status.ok()) return Json();
  status->Set("observedGeneration", Json(int64_t{1}));
  status->Set("lastHandledReconcileAt", Json("2026-01-01T00:00:00Z"));
  status->Find("conditions")->At(0).Set("observedGeneration", Json(int64_t{1}));
  return *status;
}

TEST_F(CrdApiServer, TheStatusSubresourceKeepsEveryFieldAndKubectlGetShowsTheColumns) {
  ASSERT_EQ(ApplyDocument("apiVersion: spaceport.dev/v1alpha1\n"
                          "kind: SpaceDeployment\n"
                          "metadata: {name: tools}\n"
                          "spec:\n"
                          "  image: {repository: ghcr.io/acme/tools, version: v1.2.0}\n"
                          "  spaces: [{id: acme/tools}, {id: acme/tools-staging}]\n")
                .exit_code,
            0);
  const Json status = FullStatus();
  ASSERT_TRUE(status.is_object());
  Json patch = Json::Object();
  patch.Set("status", status);
  const fs::path patch_file = dir_.path() / "status.json";
  support::WriteFile(patch_file, patch.Dump());
  CommandResult r = Kubectl({"patch", "spd", "tools", "--subresource=status", "--type=merge",
                             "--patch-file", patch_file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // Nothing pruned, nothing changed: every key ToJson writes is in the status schema.
  const Json stored = Object("tools");
  ASSERT_NE(stored.Find("status"), nullptr) << stored.Dump(2);
  EXPECT_EQ(Sorted(*stored.Find("status")), Sorted(status));

  // Columns as Flux shows them. The 1.20 apiserver prints only the first value of a list path,
  // so Spaces shows the first Space (docs/kubernetes.md says so).
  CommandResult get = Kubectl({"get", "spd", "tools"});
  ASSERT_EQ(get.exit_code, 0) << get.output;
  EXPECT_TRUE(std::regex_search(get.output,
                                std::regex(R"(NAME\s+READY\s+STATUS\s+VERSION\s+SPACES\s+AGE)")))
      << get.output;
  EXPECT_TRUE(std::regex_search(
      get.output, std::regex(R"(tools\s+False\s+1 field differs\s+v1\.2\.0\s+acme/tools\s)")))
      << get.output;

  // The status is validated too: a condition status outside True/False/Unknown is refused.
  Json bad = Json::Object();
  bad.Set("status", ParseOrNull(R"({"conditions": [{"type": "Ready", "status": "Maybe"}]})"));
  support::WriteFile(patch_file, bad.Dump());
  CommandResult refused = Kubectl({"patch", "spd", "tools", "--subresource=status",
                                   "--type=merge", "--patch-file", patch_file.string()});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("Unsupported value: \"Maybe\"")) << refused.output;
}

// ---------------------------------------------------------------------------------------------
// The third build backend: the server applies the loader's defaults to a Job build, and refuses
// what the loader refuses (args beside context, a bad quantity) on its own.
TEST_F(CrdApiServer, AKubernetesJobBuildIsStoredWithTheLoadersDefaultsAndItsRulesAreTheServers) {
  const std::string sparse =
      "apiVersion: spaceport.dev/v1alpha1\n"
      "kind: SpaceDeployment\n"
      "metadata:\n"
      "  name: job\n"
      "  namespace: default\n"
      "spec:\n"
      "  image:\n"
      "    repository: ghcr.io/acme/job\n"
      "    version: v1\n"
      "    build:\n"
      "      kubernetesJob:\n"
      "        context: \"git://github.com/acme/job#refs/tags/{{ .Version }}\"\n"
      "        pushSecret: ghcr-push\n"
      "        resources: {limits: {memory: 4Gi}}\n"
      "  spaces:\n"
      "    - id: acme/job\n";
  const Json stored = ApplyAndLoadBack(sparse, "job");
  const Json* spec = stored.Find("spec");
  ASSERT_NE(spec, nullptr) << stored.Dump(2);
  const Json* job = spec->Find("image")->Find("build")->Find("kubernetesJob");
  ASSERT_NE(job, nullptr) << stored.Dump(2);
  EXPECT_EQ(job->GetString("image"), "gcr.io/kaniko-project/executor:v1.23.2");
  EXPECT_EQ(job->GetString("dockerfile"), "Dockerfile");
  EXPECT_EQ(job->Find("activeDeadlineSeconds")->Dump(), "3600");
  EXPECT_EQ(job->Find("ttlSecondsAfterFinished")->Dump(), "86400");
  EXPECT_EQ(job->Find("args"), nullptr) << "kaniko's arguments are the loader's to make";

  for (const std::string& edit : {std::string("        args: [--flag]\n"),
                                  std::string("        runAsUser: 0\n")}) {
    std::string broken = sparse;
    broken.replace(broken.find("        pushSecret"), 0, edit);
    broken.replace(broken.find("name: job"), 9, "name: job-broken");
    ASSERT_TRUE(spec::LoadText(broken, "b.yaml").has_errors()) << edit;
    CommandResult refused = ApplyDocument(broken);
    EXPECT_NE(refused.exit_code, 0) << edit << refused.output;
    EXPECT_THAT(refused.output, HasSubstr(" is invalid")) << edit << refused.output;
  }
}

// The broken-input corpus, document by document.

struct Listed {
  const char* document;  // FILE#INDEX (0-based, split at --- lines)
  const char* why;
};

// Broken documents the schema cannot judge on its own: the apiserver accepts them, and Spaceport
// reports them on the object (Stalled/InvalidSpec; docs/kubernetes.md, "Rules only Spaceport
// checks"). The test fails when one of them stops being accepted or leaves the corpus.
constexpr Listed kOnlySpaceportJudges[] = {
    {"06-duplicate-keys.yaml#0",
     "duplicate keys: kubectl's YAML-to-JSON conversion keeps the last value, so the server "
     "never sees the duplicates"},
    {"07-duplicate-space-across-documents.yaml#0", "a Space claimed by two SpaceDeployments"},
    {"07-duplicate-space-across-documents.yaml#1", "a Space claimed by two SpaceDeployments"},
    {"08-duplicate-names.yaml#1",
     "the same namespace/name twice: to the server the second document updates the first"},
    {"09-alias-bomb.yaml#1", "YAML aliases: kubectl expands them, the server sees plain values"},
    {"15-bad-semver-range.yaml#0", "the semver range grammar"},
    {"15-bad-semver-range.yaml#1", "the semver range grammar"},
    {"15-bad-semver-range.yaml#2", "the semver range grammar"},
    {"22-bad-env-names.yaml#0",
     "variable names are map keys, which a 1.20 schema cannot constrain (no propertyNames, no "
     "CEL)"},
    {"34-duplicate-space-in-one-list.yaml#0",
     "Space ids compare case-insensitively; the list-map key id is case-sensitive"},
};

// Of those, the ones that are wrong only next to another document of the file (alone they load).
const std::set<std::string> kAcrossDocuments = {"07-duplicate-space-across-documents.yaml#0",
                                                "07-duplicate-space-across-documents.yaml#1",
                                                "08-duplicate-names.yaml#1"};

// Broken documents kubectl refuses before any request reaches the server: not YAML, not an
// object, metadata that is not ObjectMeta, or an apiVersion/kind the server does not serve.
constexpr Listed kKubectlRefuses[] = {
    {"01-unclosed-flow-sequence.yaml#0", "not YAML"},
    {"02-bad-indentation.yaml#0", "not YAML"},
    {"03-tab-indentation.yaml#0", "not YAML"},
    {"04-wrong-types.yaml#0", "metadata.labels is a list, not ObjectMeta's map of strings"},
    {"09-alias-bomb.yaml#0", "excessive aliasing (and not a SpaceDeployment)"},
    {"10-deep-nesting-brackets.yaml#0", "not YAML kubectl can read (5000 nested sequences)"},
    {"11-deep-nesting-maps.yaml#0", "an annotation that is not a string"},
    {"12-bad-api-version.yaml#0", "spaceport.dev/v1 is not served"},
    {"12-bad-api-version.yaml#1", "kind SpaceDeploymnet is not served"},
    {"13-missing-required-fields.yaml#0", "no metadata.name"},
    {"13-missing-required-fields.yaml#2", "no apiVersion"},
    {"35-not-an-object.yaml#0", "a sequence, not an object"},
    {"35-not-an-object.yaml#1", "a string, not an object"},
    {"35-not-an-object.yaml#2", "no apiVersion and kind"},
};

template <size_t N>
const char* Find(const Listed (&list)[N], const std::string& document) {
  for (const Listed& entry : list) {
    if (document == entry.document) return entry.why;
  }
  return nullptr;
}

TEST_F(CrdApiServer, TheBrokenCorpusIsRefusedByTheServerExceptTheListedCases) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(Source("tests/spec/corpus"))) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 30u);

  std::set<std::string> seen;
  int server_refused = 0, kubectl_refused = 0, accepted_broken = 0, accepted_valid = 0;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    const std::string text = support::ReadFile(file);
    const bool file_has_errors = spec::LoadText(text, name).has_errors();
    const std::vector<std::string> docs = Documents(text);
    for (size_t i = 0; i < docs.size(); ++i) {
      if (docs[i].empty()) continue;
      const std::string key = name + "#" + std::to_string(i);
      const spec::LoadResult alone = spec::LoadText(docs[i], name);
      const bool other_kind = !alone.has_errors() && alone.deployments.empty();
      if (other_kind) continue;  // a ConfigMap: not ours, not sent
      seen.insert(key);
      const bool across = kAcrossDocuments.count(key) != 0;
      const bool broken = alone.has_errors() || across;
      if (across) {
        EXPECT_FALSE(alone.has_errors()) << key << " should be wrong only beside its siblings";
        EXPECT_TRUE(file_has_errors) << key;
      }
      const char* only_spaceport = Find(kOnlySpaceportJudges, key);
      const char* kubectl = Find(kKubectlRefuses, key);
      if (only_spaceport != nullptr || kubectl != nullptr) {
        EXPECT_TRUE(broken) << key << " is listed but the loader accepts it";
      }

      const CommandResult r = ApplyDocument(docs[i]);
      if (kubectl != nullptr) {
        ++kubectl_refused;
        EXPECT_NE(r.exit_code, 0) << key << " (" << kubectl << ") was sent and accepted";
        EXPECT_THAT(r.output, Not(HasSubstr(" is invalid"))) << key << ": the server judged it";
      } else if (only_spaceport != nullptr || !broken) {
        ++(broken ? accepted_broken : accepted_valid);
        EXPECT_EQ(r.exit_code, 0) << key << (broken ? std::string(" (") + only_spaceport + ")" : "")
                                  << " was refused:\n" << r.output;
      } else {
        ++server_refused;
        EXPECT_NE(r.exit_code, 0) << key << " is broken but the server accepted it:\n"
                                  << docs[i] << Render(Errors(alone));
        EXPECT_THAT(r.output, HasSubstr(" is invalid")) << key << ": not refused by the server";
      }
    }
  }
  for (const Listed& entry : kOnlySpaceportJudges) {
    EXPECT_TRUE(seen.count(entry.document)) << entry.document << " is no longer in the corpus";
  }
  for (const Listed& entry : kKubectlRefuses) {
    EXPECT_TRUE(seen.count(entry.document)) << entry.document << " is no longer in the corpus";
  }
  EXPECT_GE(server_refused, 30);
  EXPECT_EQ(kubectl_refused, static_cast<int>(std::size(kKubectlRefuses)));
  EXPECT_EQ(accepted_broken, static_cast<int>(std::size(kOnlySpaceportJudges)));
  EXPECT_GE(accepted_valid, 30);  // the valid-* siblings
}

}  // namespace
}  // namespace spaceport::kube_crd
