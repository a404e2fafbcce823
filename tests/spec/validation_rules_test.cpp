// One case per validation rule: a valid document with one edit, and the exact diagnostics that
// edit must produce (message and position). Case names state the rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spec/loader.h"
#include "spec/spec_test_support.h"

namespace spaceport::spec {
namespace {

using testing::Lines;

// Line numbers matter: the expectations below point into this text.
constexpr const char* kBase = R"(apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata:
  name: app
spec:
  image:
    repository: ghcr.io/owner/app
    version: v1.0.0
  wrapper:
    platforms: [amd64]
    port: 7860
  spaces:
    - id: owner/app-space
      hardware: cpu-basic
      sleepTimeSeconds: 3600
      variables: {LOG_LEVEL: info}
      secrets:
        API_KEY: {fromEnv: APP_API_KEY}
  driftPolicy: correct
  interval: 5m
)";

struct RuleCase {
  std::string name;
  std::string find;     // text in kBase (must occur once)
  std::string replace;  // what it becomes
  std::vector<std::string> expected;
};

std::string Edit(const RuleCase& c) {
  std::string text = kBase;
  const size_t at = text.find(c.find);
  EXPECT_NE(at, std::string::npos) << c.name << ": " << c.find;
  EXPECT_EQ(text.find(c.find, at + 1), std::string::npos) << c.name << ": ambiguous " << c.find;
  if (at != std::string::npos) text.replace(at, c.find.size(), c.replace);
  return text;
}

TEST(ValidationRules, TheBaseDocumentIsValid) {
  const LoadResult r = LoadText(kBase, "t.yaml");
  EXPECT_THAT(Lines(r.diagnostics), ::testing::IsEmpty());
  EXPECT_EQ(r.deployments.size(), 1u);
}

const std::vector<RuleCase>& Cases() {
  static const std::vector<RuleCase> cases = {
      // --- document, apiVersion and kind -----------------------------------------------------
      {"an unsupported apiVersion for our kind is an error naming the right one",
       "spaceport.dev/v1alpha1",
       "spaceport.dev/v1",
       {"t.yaml:1:13: apiVersion: \"spaceport.dev/v1\" is not a supported apiVersion for "
        "SpaceDeployment; use \"spaceport.dev/v1alpha1\""}},
      {"a misspelt kind in our group gets a did-you-mean",
       "kind: SpaceDeployment",
       "kind: SpaceDeploymnet",
       {"t.yaml:2:7: kind: unknown kind \"SpaceDeploymnet\"; did you mean \"SpaceDeployment\"?"}},
      {"a document without apiVersion and kind is an error",
       "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\n",
       "",
       {"t.yaml:1:1: missing required fields \"apiVersion\" and \"kind\""}},
      {"a document with our kind but no apiVersion is an error",
       "apiVersion: spaceport.dev/v1alpha1\n",
       "",
       {"t.yaml:1:1: missing required field \"apiVersion\""}},
      {"an unknown top-level field gets a did-you-mean",
       "spec:\n",
       "specs:\n",
       {"t.yaml:1:1: missing required field \"spec\"",
        "t.yaml:5:1: specs: unknown field; did you mean \"spec\"?"}},
      {"a top-level sequence is not an object",
       "apiVersion: spaceport.dev/v1alpha1\n",
       "- apiVersion: spaceport.dev/v1alpha1\n",
       {"t.yaml:2:1: syntax error: unexpected content after the end of the document (is the "
        "indentation right, or a \"---\" line missing?)"}},
      {"a duplicate key is an error at the second one",
       "  name: app\n",
       "  name: app\n  name: other\n",
       {"t.yaml:5:3: metadata.name: duplicate key; it is already set at line 4, column 3"}},
      {"a YAML alias is refused",
       "  name: app\n",
       "  name: &n app\n  namespace: *n\n",
       {"t.yaml:5:14: YAML aliases are not supported (found alias *n); write the value out in "
        "full"}},
      {"status is accepted and ignored",
       "  interval: 5m\n",
       "  interval: 5m\nstatus:\n  conditions: [{type: Ready}]\n",
       {}},
      // --- metadata ----------------------------------------------------------------------------
      {"a name with upper case and underscores is not an RFC 1123 label",
       "name: app",
       "name: My_App",
       {"t.yaml:4:9: metadata.name: \"My_App\" is not a valid name: use lower-case letters, "
        "digits and '-', starting and ending with a letter or digit (RFC 1123)"}},
      {"a name longer than 63 characters is refused",
       "name: app",
       "name: " + std::string(64, 'a'),
       {"t.yaml:4:9: metadata.name: \"" + std::string(64, 'a') +
        "\" is longer than 63 characters"}},
      {"a missing name is reported at the metadata mapping",
       "  name: app\n",
       "  labels: {a: b}\n",
       {"t.yaml:4:3: metadata: missing required field \"name\""}},
      {"a name with no value is reported at its key",
       "  name: app\n",
       "  name:\n",
       {"t.yaml:4:3: metadata.name: the field is required but has no value"}},
      {"a bad namespace is an error",
       "  name: app\n",
       "  name: app\n  namespace: Team.A\n",
       {"t.yaml:5:14: metadata.namespace: \"Team.A\" is not a valid name: use lower-case "
        "letters, digits and '-', starting and ending with a letter or digit (RFC 1123)"}},
      {"labels must be a mapping",
       "  name: app\n",
       "  name: app\n  labels: [a]\n",
       {"t.yaml:5:11: metadata.labels: expected a mapping, got a sequence"}},
      {"server-set metadata fields are ignored",
       "  name: app\n",
       "  name: app\n  uid: 1234\n  resourceVersion: \"7\"\n",
       {}},
      // --- spec.image --------------------------------------------------------------------------
      {"a misspelt image field gets a did-you-mean",
       "    repository: ghcr.io/owner/app",
       "    reposiotry: ghcr.io/owner/app",
       {"t.yaml:7:5: spec.image: missing required field \"repository\"",
        "t.yaml:7:5: spec.image.reposiotry: unknown field; did you mean \"repository\"?"}},
      {"an image repository in upper case is refused",
       "ghcr.io/owner/app",
       "ghcr.io/Owner/App",
       {"t.yaml:7:17: spec.image.repository: \"ghcr.io/Owner/App\" must be lower case"}},
      {"a tag in the repository points to spec.image.version",
       "ghcr.io/owner/app",
       "ghcr.io/owner/app:v1.0.0",
       {"t.yaml:7:17: spec.image.repository: \"ghcr.io/owner/app:v1.0.0\" includes a tag; write "
        "the repository without it and put \"v1.0.0\" in spec.image.version"}},
      {"a digest in the repository is refused",
       "ghcr.io/owner/app",
       "ghcr.io/owner/app@sha256:ab",
       {"t.yaml:7:17: spec.image.repository: \"ghcr.io/owner/app@sha256:ab\" includes a digest; "
        "give the repository alone and the tag in spec.image.version"}},
      {"a repository without a registry host is refused",
       "ghcr.io/owner/app",
       "owner/app",
       {"t.yaml:7:17: spec.image.repository: \"owner/app\" has no registry host; write it in "
        "full, e.g. \"ghcr.io/owner/app\" or \"docker.io/owner/app\""}},
      {"a repository with a registry port is accepted",
       "ghcr.io/owner/app",
       "localhost:5000/owner/app",
       {}},
      {"a bad path component is named",
       "ghcr.io/owner/app",
       "ghcr.io/owner/my..app",
       {"t.yaml:7:17: spec.image.repository: \"ghcr.io/owner/my..app\": path component "
        "\"my..app\" is not valid; use lower-case letters and digits, separated by '.', '_', "
        "'__' or '-'"}},
      {"a tag with a space is refused",
       "version: v1.0.0",
       "version: v1.0 beta",
       {"t.yaml:8:14: spec.image.version: \"v1.0 beta\" is not a valid tag: use letters, "
        "digits, '_', '.' and '-', not starting with '.' or '-'"}},
      {"a tag starting with a dash is refused",
       "version: v1.0.0",
       "version: \"-v1\"",
       {"t.yaml:8:14: spec.image.version: \"-v1\" is not a valid tag: use letters, digits, '_', "
        "'.' and '-', not starting with '.' or '-'"}},
      {"version and policy together are an error at policy",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    policy: {semver: \">=1.0.0\"}\n",
       {"t.yaml:9:5: spec.image.policy: set either version (an exact tag) or policy (a semver "
        "range), not both"}},
      {"neither version nor policy is an error at the image",
       "    version: v1.0.0\n",
       "",
       {"t.yaml:7:5: spec.image: missing required field \"version\" (or \"policy\" to follow a "
        "semver range)"}},
      {"a version key without value says so",
       "    version: v1.0.0\n",
       "    version:\n",
       {"t.yaml:8:5: spec.image.version: has no value; write an exact tag such as v1.0.0"}},
      {"a policy alone is accepted",
       "    version: v1.0.0\n",
       "    policy: {semver: \"~1.2 || ^2.0.0\"}\n",
       {}},
      {"a bad semver range says what and where",
       "    version: v1.0.0\n",
       "    policy: {semver: \">=1.0.0 <2.x.1\"}\n",
       {"t.yaml:8:22: spec.image.policy.semver: invalid semver range: \"2.x.1\" has a number "
        "after a wildcard (at character 10)"}},
      {"an unknown policy field gets a did-you-mean",
       "    version: v1.0.0\n",
       "    policy: {semvar: \">=1\"}\n",
       {"t.yaml:8:13: spec.image.policy: missing required field \"semver\"",
        "t.yaml:8:14: spec.image.policy.semvar: unknown field; did you mean \"semver\"?"}},
      {"a wrapper tag longer than 128 characters is refused",
       "version: v1.0.0",
       "version: " + std::string(120, 'v'),
       {"t.yaml:8:14: spec.image.version: is too long for its wrapper tag: hf-amd64-VERSION would "
        "have 129 characters and tags allow 128"}},
      // --- spec.image.build --------------------------------------------------------------------
      {"a kubernetesJob needs a context for kaniko's default arguments, or args",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {kubernetesJob: {image: x}}\n",
       {"t.yaml:9:28: spec.image.build.kubernetesJob: missing required field \"context\" (the "
        "build context for kaniko, e.g. \"git://github.com/OWNER/REPO#refs/tags/{{ .Version }}\"), "
        "or \"args\" for another builder"}},
      {"a kubernetesJob takes args or context, not both",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {kubernetesJob: {args: [a], context: \"dir:///w\"}}\n",
       {"t.yaml:9:40: spec.image.build.kubernetesJob.context: set either args (the builder's whole "
        "command line) or context (for kaniko's default arguments), not both; with args, pass "
        "--context=... in them"}},
      {"a kubernetesJob and a command are two backends",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build:\n      kubernetesJob: {context: \"dir:///w\"}\n"
       "      command: {run: [make]}\n",
       {"t.yaml:11:7: spec.image.build.command: set exactly one build backend, not both command "
        "and kubernetesJob"}},
      {"a kubernetesJob builder image is lower case but for its tag",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {kubernetesJob: {image: Gcr.io/x:V1, context: c}}\n",
       {"t.yaml:9:36: spec.image.build.kubernetesJob.image: \"Gcr.io/x:V1\" must be lower case "
        "(but for its tag)"}},
      {"kubernetesJob resources are Kubernetes quantities",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {kubernetesJob: {context: c, resources: {limits: {memory: 1GB}}}}\n",
       {"t.yaml:9:70: spec.image.build.kubernetesJob.resources.limits.memory: \"1GB\" is not a "
        "Kubernetes quantity such as 500m, 2, 512Mi or 2Gi"}},
      {"a kubernetesJob placeholder is checked in its context",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {kubernetesJob: {context: \"git://h/r#{{ .version }}\"}}\n",
       {"t.yaml:9:38: spec.image.build.kubernetesJob.context: unknown placeholder \"{{ .version }}\"; "
        "did you mean \"{{ .Version }}\"?"}},
      {"a build with no backend is an error",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {}\n",
       {"t.yaml:9:12: spec.image.build: missing a build backend: set githubActions, command or "
        "kubernetesJob (or remove build if the image is built elsewhere)"}},
      {"two build backends are an error at the second",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build:\n      command: {run: [make]}\n"
       "      githubActions: {repository: o/r, workflow: d.yml, inputs: {b: \"{{ .BuildID }}\"}}\n",
       {"t.yaml:11:7: spec.image.build.githubActions: set exactly one build backend, not both "
        "githubActions and command"}},
      {"githubActions needs a workflow",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {githubActions: {repository: o/r, inputs: {b: \"{{ .BuildID }}\"}}}\n",
       {"t.yaml:9:28: spec.image.build.githubActions: missing required field \"workflow\""}},
      {"a workflow path is refused",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {githubActions: {repository: o/r, "
       "workflow: .github/workflows/d.yml, inputs: {b: \"{{ .BuildID }}\"}}}\n",
       {"t.yaml:9:56: spec.image.build.githubActions.workflow: \".github/workflows/d.yml\" is "
        "not a workflow file name (such as \"docker.yml\", without its folder) or a numeric "
        "workflow id"}},
      {"a GitHub repository must be OWNER/REPO",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {githubActions: {repository: grok2api, workflow: d.yml, inputs: {b: \"{{ .BuildID }}\"}}}\n",
       {"t.yaml:9:41: spec.image.build.githubActions.repository: \"grok2api\" is not a GitHub "
        "OWNER/REPO"}},
      {"an unknown placeholder is named with a did-you-mean",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build:\n      githubActions:\n        repository: o/r\n"
       "        workflow: d.yml\n        inputs: {tag: \"{{ .version }}\", x: \"{{ .Tag }}\", b: \"{{ .BuildID }}\"}\n",
       {"t.yaml:13:23: spec.image.build.githubActions.inputs.tag: unknown placeholder \"{{ "
        ".version }}\"; did you mean \"{{ .Version }}\"?",
        "t.yaml:13:44: spec.image.build.githubActions.inputs.x: unknown placeholder \"{{ .Tag "
        "}}\"; use {{ .Version }}, {{ .Image }} or {{ .BuildID }}"}},
      {"githubActions must pass the BuildID in an input",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {githubActions: {repository: o/r, workflow: d.yml, "
       "inputs: {version: \"{{ .Version }}\"}}}\n",
       {"t.yaml:9:71: spec.image.build.githubActions.inputs: no input passes {{ .BuildID }}; add "
        "one, e.g. build_id: \"{{ .BuildID }}\", and show it in the workflow's run-name "
        "(examples/github/)"}},
      {"an unclosed placeholder in a command argument is named",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {command: {run: [make, \"V={{ .Version\"]}}\n",
       {"t.yaml:9:35: spec.image.build.command.run[1]: unclosed placeholder \"{{ .Version\"; "
        "placeholders look like {{ .Version }}"}},
      {"an empty command is refused",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {command: {run: []}}\n",
       {"t.yaml:9:28: spec.image.build.command.run: must name a program and its arguments, e.g. "
        "[\"make\", \"image\"]"}},
      {"a command timeout must be a duration",
       "    version: v1.0.0\n",
       "    version: v1.0.0\n    build: {command: {run: [make], timeout: 10 minutes}}\n",
       {"t.yaml:9:45: spec.image.build.command.timeout: expected a duration such as 30s, 5m, 1h "
        "or 1h30m, got \"10 minutes\""}},
      // --- spec.wrapper ------------------------------------------------------------------------
      {"an unknown platform gets a did-you-mean",
       "platforms: [amd64]",
       "platforms: [amd46]",
       {"t.yaml:10:17: spec.wrapper.platforms[0]: \"amd46\" is not a supported platform; did you "
        "mean \"amd64\"?"}},
      {"the OS prefix on a platform is explained",
       "platforms: [amd64]",
       "platforms: [linux/arm64]",
       {"t.yaml:10:17: spec.wrapper.platforms[0]: \"linux/arm64\" is written without the OS; "
        "write \"arm64\""}},
      {"a repeated platform is refused",
       "platforms: [amd64]",
       "platforms: [amd64, arm64, amd64]",
       {"t.yaml:10:31: spec.wrapper.platforms[2]: \"amd64\" is listed twice"}},
      {"an empty platform list is refused",
       "platforms: [amd64]",
       "platforms: []",
       {"t.yaml:10:16: spec.wrapper.platforms: must list at least one platform, e.g. [amd64]"}},
      {"platforms must be a list",
       "platforms: [amd64]",
       "platforms: amd64",
       {"t.yaml:10:16: spec.wrapper.platforms: expected a sequence, got \"amd64\""}},
      {"port 0 is out of range",
       "port: 7860",
       "port: 0",
       {"t.yaml:11:11: spec.wrapper.port: expected an integer from 1 to 65535, got 0"}},
      {"port 70000 is out of range",
       "port: 7860",
       "port: 70000",
       {"t.yaml:11:11: spec.wrapper.port: expected an integer from 1 to 65535, got 70000"}},
      {"a port that is not a number is refused",
       "port: 7860",
       "port: abc",
       {"t.yaml:11:11: spec.wrapper.port: expected an integer from 1 to 65535, got \"abc\""}},
      {"a quoted port is refused with a hint",
       "port: 7860",
       "port: \"7860\"",
       {"t.yaml:11:11: spec.wrapper.port: expected an integer from 1 to 65535, got the string "
        "\"7860\" (remove the quotes)"}},
      {"a hexadecimal port is refused",
       "port: 7860",
       "port: 0x1EB4",
       {"t.yaml:11:11: spec.wrapper.port: expected an integer from 1 to 65535, got \"0x1EB4\""}},
      {"a bad env name is refused",
       "    port: 7860\n",
       "    port: 7860\n    env: {MY-VAR: x, 9LIVES: y, OK_1: z}\n",
       {"t.yaml:12:11: spec.wrapper.env.MY-VAR: \"MY-VAR\" is not a valid variable name: use "
        "letters, digits and '_', not starting with a digit",
        "t.yaml:12:22: spec.wrapper.env.9LIVES: \"9LIVES\" is not a valid variable name: use "
        "letters, digits and '_', not starting with a digit"}},
      {"an env value that is a mapping is refused",
       "    port: 7860\n",
       "    port: 7860\n    env: {A: {b: c}}\n",
       {"t.yaml:12:14: spec.wrapper.env.A: expected a string, got a mapping"}},
      {"an env PORT that differs from port is refused",
       "    port: 7860\n",
       "    port: 7860\n    env: {PORT: \"8080\"}\n",
       {"t.yaml:12:17: spec.wrapper.env.PORT: \"8080\" differs from spec.wrapper.port 7860; the "
        "app listens on PORT and the Space sends traffic to port (leave PORT out: it follows "
        "port)"}},
      {"the wrapper must be a mapping",
       "  wrapper:\n    platforms: [amd64]\n    port: 7860\n",
       "  wrapper: [amd64]\n",
       {"t.yaml:9:12: spec.wrapper: expected a mapping, got a sequence"}},
      // --- spec.spaces -------------------------------------------------------------------------
      {"a Space id without owner is not OWNER/NAME",
       "id: owner/app-space",
       "id: grok2api",
       {"t.yaml:13:11: spec.spaces[0].id: \"grok2api\" is not OWNER/NAME"}},
      {"a Space id with a space is explained",
       "id: owner/app-space",
       "id: owner/app space",
       {"t.yaml:13:11: spec.spaces[0].id: \"owner/app space\" is not OWNER/NAME: the name may "
        "contain only letters, digits, '-', '_' and '.'"}},
      {"a Space id with a double dash is refused",
       "id: owner/app-space",
       "id: owner/app--space",
       {"t.yaml:13:11: spec.spaces[0].id: \"owner/app--space\" is not OWNER/NAME: the name must "
        "not contain \"--\" or \"..\""}},
      {"a Space listed twice in one deployment is an error at the second",
       "  driftPolicy: correct\n",
       "    - id: Owner/App-Space\n  driftPolicy: correct\n",
       {"t.yaml:19:11: spec.spaces[1].id: Space \"Owner/App-Space\" is listed twice (first as "
        "spec.spaces[0].id)"}},
      {"an empty spaces list is refused",
       "  spaces:\n    - id: owner/app-space\n"
       "      hardware: cpu-basic\n      sleepTimeSeconds: 3600\n"
       "      variables: {LOG_LEVEL: info}\n      secrets:\n        API_KEY: {fromEnv: "
       "APP_API_KEY}\n",
       "  spaces: []\n",
       {"t.yaml:12:11: spec.spaces: must list at least one Space"}},
      {"a Space that is not a mapping is refused",
       "  driftPolicy: correct\n",
       "    - owner/other\n  driftPolicy: correct\n",
       {"t.yaml:19:7: spec.spaces[1]: expected a mapping, got \"owner/other\""}},
      {"a hardware typo gets a did-you-mean",
       "hardware: cpu-basic",
       "hardware: cpu-basci",
       {"t.yaml:14:17: spec.spaces[0].hardware: \"cpu-basci\" is not a Hub hardware flavour; did "
        "you mean \"cpu-basic\"?"}},
      {"a negative sleep time is refused",
       "sleepTimeSeconds: 3600",
       "sleepTimeSeconds: -60",
       {"t.yaml:15:25: spec.spaces[0].sleepTimeSeconds: expected a non-negative integer, got "
        "-60"}},
      {"an unknown Space field gets a did-you-mean",
       "hardware: cpu-basic",
       "hardwre: cpu-basic",
       {"t.yaml:14:7: spec.spaces[0].hardwre: unknown field; did you mean \"hardware\"?"}},
      {"yes is not a boolean",
       "      hardware: cpu-basic\n",
       "      hardware: cpu-basic\n      create: yes\n",
       {"t.yaml:15:15: spec.spaces[0].create: expected true or false, got \"yes\""}},
      {"a quoted boolean is refused with a hint",
       "      hardware: cpu-basic\n",
       "      hardware: cpu-basic\n      private: \"true\"\n",
       {"t.yaml:15:16: spec.spaces[0].private: expected true or false, got the string \"true\" "
        "(remove the quotes)"}},
      {"a bad variable name is refused",
       "{LOG_LEVEL: info}",
       "{log.level: info}",
       {"t.yaml:16:19: spec.spaces[0].variables.log.level: \"log.level\" is not a valid variable "
        "name: use letters, digits and '_', not starting with a digit"}},
      {"a variable without value is refused",
       "{LOG_LEVEL: info}",
       "{LOG_LEVEL: }",
       {"t.yaml:16:19: spec.spaces[0].variables.LOG_LEVEL: has no value; write \"\" for an "
        "empty string"}},
      {"a secret with two sources is refused",
       "{fromEnv: APP_API_KEY}",
       "{fromEnv: APP_API_KEY, secretKeyRef: {name: s, key: k}}",
       {"t.yaml:18:18: spec.spaces[0].secrets.API_KEY: secret \"API_KEY\" has two sources; set "
        "exactly one of secretKeyRef and fromEnv"}},
      {"a secret with no source is refused",
       "{fromEnv: APP_API_KEY}",
       "{}",
       {"t.yaml:18:18: spec.spaces[0].secrets.API_KEY: secret \"API_KEY\" has no source; set "
        "secretKeyRef {name, key} or fromEnv"}},
      {"a secretKeyRef needs a key",
       "{fromEnv: APP_API_KEY}",
       "{secretKeyRef: {name: s}}",
       {"t.yaml:18:33: spec.spaces[0].secrets.API_KEY.secretKeyRef: missing required field "
        "\"key\""}},
      {"a Kubernetes Secret name must be lower case",
       "{fromEnv: APP_API_KEY}",
       "{secretKeyRef: {name: MySecret, key: k}}",
       {"t.yaml:18:40: spec.spaces[0].secrets.API_KEY.secretKeyRef.name: \"MySecret\" is not a "
        "valid Secret name: use lower-case letters, digits, '-' and '.', starting and ending "
        "with a letter or digit"}},
      {"fromEnv must be a variable name",
       "{fromEnv: APP_API_KEY}",
       "{fromEnv: app-key}",
       {"t.yaml:18:28: spec.spaces[0].secrets.API_KEY.fromEnv: \"app-key\" is not a valid "
        "variable name: use letters, digits and '_', not starting with a digit"}},
      {"a name cannot be both a variable and a secret",
       "{LOG_LEVEL: info}",
       "{API_KEY: visible}",
       {"t.yaml:18:9: spec.spaces[0].secrets.API_KEY: \"API_KEY\" is also a variable; a name is "
        "either a variable or a secret"}},
      {"a health path must start with a slash",
       "      hardware: cpu-basic\n",
       "      hardware: cpu-basic\n      health: {path: health, timeoutSeconds: 0}\n",
       {"t.yaml:15:22: spec.spaces[0].health.path: \"health\" must start with \"/\", e.g. "
        "\"/health\"",
        "t.yaml:15:46: spec.spaces[0].health.timeoutSeconds: expected a positive integer, got "
        "0"}},
      {"a card colour typo gets a did-you-mean",
       "      hardware: cpu-basic\n",
       "      hardware: cpu-basic\n      card: {colorFrom: blu, colorTo: teal}\n",
       {"t.yaml:15:25: spec.spaces[0].card.colorFrom: \"blu\" is not a card colour; did you mean "
        "\"blue\"?",
        "t.yaml:15:39: spec.spaces[0].card.colorTo: \"teal\" is not a card colour (use red, "
        "yellow, green, blue, indigo, purple, pink or gray)"}},
      {"a short description over 60 characters is refused",
       "      hardware: cpu-basic\n",
       "      hardware: cpu-basic\n      card: {shortDescription: " + std::string(61, 'x') + "}\n",
       {"t.yaml:15:32: spec.spaces[0].card.shortDescription: is 61 characters long; the Hub "
        "allows 60"}},
      // --- driftPolicy, suspend, interval ------------------------------------------------------
      {"a drift policy typo gets a did-you-mean",
       "driftPolicy: correct",
       "driftPolicy: corect",
       {"t.yaml:19:16: spec.driftPolicy: \"corect\" is not a drift policy; did you mean "
        "\"correct\"?"}},
      {"an unknown drift policy lists the choices",
       "driftPolicy: correct",
       "driftPolicy: ignore",
       {"t.yaml:19:16: spec.driftPolicy: \"ignore\" is not a drift policy; use correct or warn"}},
      {"suspend must be a boolean",
       "  interval: 5m\n",
       "  interval: 5m\n  suspend: 1\n",
       {"t.yaml:21:12: spec.suspend: expected true or false, got \"1\""}},
      {"an interval in words is refused",
       "interval: 5m",
       "interval: 5 minutes",
       {"t.yaml:20:13: spec.interval: expected a duration such as 30s, 5m, 1h or 1h30m, got "
        "\"5 minutes\""}},
      {"a zero interval is refused",
       "interval: 5m",
       "interval: 0s",
       {"t.yaml:20:13: spec.interval: the duration must be greater than zero, got \"0s\""}},
      {"milliseconds are refused",
       "interval: 5m",
       "interval: 500ms",
       {"t.yaml:20:13: spec.interval: expected a duration such as 30s, 5m, 1h or 1h30m, got "
        "\"500ms\""}},
  };
  return cases;
}

TEST(ValidationRules, EachRuleReportsItsMessageAtThePositionOfTheProblem) {
  for (const RuleCase& c : Cases()) {
    const LoadResult r = LoadText(Edit(c), "t.yaml");
    EXPECT_EQ(Lines(r.diagnostics), c.expected) << "case: " << c.name;
    EXPECT_EQ(r.has_errors(), !c.expected.empty()) << "case: " << c.name;
    EXPECT_EQ(r.deployments.size(), c.expected.empty() ? 1u : 0u) << "case: " << c.name;
  }
}

}  // namespace
}  // namespace spaceport::spec
