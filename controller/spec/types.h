// The desired state: SpaceDeployment v1alpha1 as plain values.
//
// These structs are what the loader (spec/loader.h) produces from YAML after validation and
// defaulting, and what the planner (plan/planner.h) consumes. Every field is documented for users in
// docs/spacedeployment.md; the defaults live in spec/defaults.h and nowhere else.
//
// "Unset" matters: an optional field that is absent means Spaceport does not manage that aspect
// (e.g. no `hardware:` means the Space keeps whatever hardware it has). A present but empty map
// (`variables: {}`) means "manage it, and it must be empty".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spaceport::spec {

// A place in a source file, 1-based. line == 0 means unknown.
struct Position {
  std::string file;
  int line = 0;
  int column = 0;
};

// A Go-style duration such as 30s, 5m, 1h, 1h30m; stored in seconds.
struct Duration {
  int64_t seconds = 0;
  std::string text;  // as written (or as defaulted), for reports
};

struct SecretKeyRef {
  std::string name;  // Kubernetes Secret name (same namespace)
  std::string key;
};

// Exactly one source is set after validation.
struct SecretSource {
  std::optional<SecretKeyRef> secret_key_ref;
  std::optional<std::string> from_env;  // environment variable of the controller
};

struct GithubActionsBuild {
  std::string repository;  // OWNER/REPO
  std::string workflow;    // file name (docker.yml) or numeric id
  std::string ref;         // branch or tag to run on
  // Workflow inputs; values may use {{ .Version }}, {{ .Image }} and {{ .BuildID }}.
  std::map<std::string, std::string> inputs;
  // This deployment's GitHub token; unset: the controller's (GITHUB_TOKEN).
  std::optional<SecretSource> token;
};

struct CommandBuild {
  std::vector<std::string> run;  // argv, no shell; env gets IMAGE, VERSION, REPOSITORY, BUILD_ID
  Duration timeout;              // default kDefaultBuildTimeout
  // passEnv: names of Spaceport's environment variables the build also gets, beyond the
  // toolchain ones act::BuildEnvironment passes (never Spaceport's own credentials otherwise).
  std::vector<std::string> pass_env;
};

// Kubernetes quantities as written ("500m", "2Gi"); unset ones are not sent.
struct ResourceAmounts {
  std::optional<std::string> cpu;
  std::optional<std::string> memory;
};

struct JobResources {
  ResourceAmounts requests;
  ResourceAmounts limits;
};

// A build run as a Kubernetes Job (act/build_kubernetes_job.h).
struct KubernetesJobBuild {
  std::string image;  // the builder image; default kDefaultKubernetesJobImage (kaniko's executor)
  // The builder's arguments; values may use {{ .Version }}, {{ .Image }} and {{ .BuildID }}.
  // Written, or made from context and dockerfile (KanikoArgs in default_values.h) when omitted.
  std::vector<std::string> args;
  std::optional<std::string> context;  // kaniko's --context; set exactly when args is not written
  std::string dockerfile;              // kaniko's --dockerfile; default kDefaultDockerfile
  std::optional<std::string> service_account_name;
  JobResources resources;
  int64_t active_deadline_seconds = 0;     // default kDefaultJobActiveDeadlineSeconds
  int64_t ttl_seconds_after_finished = 0;  // default kDefaultJobTtlSecondsAfterFinished
  // A kubernetes.io/dockerconfigjson Secret mounted at /kaniko/.docker/config.json.
  std::optional<std::string> push_secret;
  std::optional<std::string> namespace_;  // unset: the deployment's namespace
  std::optional<int64_t> run_as_user;     // set: the pod runs as this non-root UID
};

// Exactly one backend is set after validation.
struct BuildSpec {
  std::optional<GithubActionsBuild> github_actions;
  std::optional<CommandBuild> command;
  std::optional<KubernetesJobBuild> kubernetes_job;
};

struct ImageSpec {
  std::string repository;                  // host[:port]/path, lower case, no tag
  std::optional<std::string> version;      // exact tag (pinned); or
  std::optional<std::string> semver;       // policy.semver range; exactly one of the two
  std::optional<BuildSpec> build;          // how to produce a missing version
};

struct WrapperSpec {
  std::vector<std::string> platforms;                   // default {"amd64"}
  std::vector<std::pair<std::string, std::string>> env; // ordered; default HOST, PORT
  int port = 7860;
};

struct HealthSpec {
  std::string path;            // optional HTTP path checked on the Space URL once RUNNING
  int64_t timeout_seconds = 0; // how long to await RUNNING; default kDefaultHealthTimeoutSeconds
};

// README front matter fields the spec may set (sdk and app_port are always rendered).
struct CardSpec {
  std::optional<std::string> title;
  std::optional<std::string> emoji;
  std::optional<std::string> color_from;
  std::optional<std::string> color_to;
  std::optional<std::string> short_description;
  std::optional<std::string> license;
  std::optional<bool> pinned;
};

struct SpaceSpec {
  std::string id;                                            // OWNER/NAME
  bool create = false;                                       // create the Space when missing
  bool is_private = false;                                   // visibility used at creation
  std::optional<std::string> hardware;                       // unset: not managed
  std::optional<int64_t> sleep_time_seconds;                 // unset: not managed
  std::optional<std::map<std::string, std::string>> variables;  // unset: not managed
  std::optional<std::map<std::string, SecretSource>> secrets;   // unset: not managed
  HealthSpec health;
  CardSpec card;
  Position position;  // of the list item
};

enum class DriftPolicy { kCorrect, kWarn };

struct SpaceDeployment {
  std::string api_version;  // spaceport.dev/v1alpha1
  std::string name;         // metadata.name
  std::string namespace_;   // metadata.namespace, default "default"
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  ImageSpec image;
  WrapperSpec wrapper;
  std::vector<SpaceSpec> spaces;
  DriftPolicy drift_policy = DriftPolicy::kCorrect;
  bool suspend = false;
  Duration interval;
  Position position;  // of the document start
  int document_index = 0;  // 0-based index of the document in its file
  // Kubernetes mode (runtime/kube_source.h): the object's metadata.generation and uid; 0 and ""
  // when read from files.
  int64_t generation = 0;
  std::string uid;

  // "namespace/name": unique key of the deployment.
  std::string Key() const { return namespace_ + "/" + name; }
};

const char* to_string(DriftPolicy p);

}  // namespace spaceport::spec
