// The planner's table: each case is a desired state, a world that differs from it in one way, and
// the exact plan that must come out (states, actions with their order and dependencies, drift,
// notes). Case names state the outcome. Worlds start from InSyncWorld (plan_builders.h) and break
// one thing, so a case reads as "given this difference, Spaceport does that".
#include "plan/planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "plan/plan_builders.h"
#include "plan/plan_image.h"

namespace spaceport::plan {
namespace {

using namespace testing;  // NOLINT: the builders are the vocabulary of this file

// ---- expectation helpers --------------------------------------------------------------------

std::string Image(const std::string& version) { return std::string(kRepo) + ":" + version; }
std::string Wrapper(const std::string& version, const std::string& platform = "amd64") {
  return Image(resolve::WrapperTag(platform, version));
}
std::string WrapperPinned(const std::string& version, const std::string& platform = "amd64") {
  return Wrapper(version, platform) + "@" + WrapperDigest(version, platform);
}
// Line 9 of the rendered README names the image the Space runs.
std::string RunsLine(const std::string& version, const std::string& key = "default/app") {
  return "line 9: This Space runs `" + Image(version) +
         "` and is managed by Spaceport (SpaceDeployment `" + key + "`).";
}
std::string Short(const std::string& fingerprint) {
  return "hmac " + ShortFingerprint(fingerprint);
}
std::string SecretFingerprint(const std::string& key) {
  return Fingerprint(std::string(kSpaceId) + "/" + key);
}
std::string Summary(const std::string& version, const std::string& digest) {
  return "Deploy " + Image(version) + " (" + digest.substr(0, 19) + "…)";
}

// "1 BuildImage ghcr.io/o/app:v1.1.0", "3 CommitSpaceFiles o/app after 2"
std::string Describe(const Action& a) {
  std::string out = std::to_string(a.id) + " " + to_string(a.kind) + " " + a.target;
  for (size_t i = 0; i < a.depends_on.size(); ++i)
    out += (i == 0 ? " after " : ",") + std::to_string(a.depends_on[i]);
  return out;
}
// "space:o/app variables.LOG_LEVEL: info | debug" (desired | observed)
std::string Describe(const DriftItem& d) {
  return d.target + " " + d.field + ": " + d.desired + " | " + d.observed;
}

SpaceEdit Readme(std::string from, std::string to) {
  return [=](observe::SpaceObservation& s) {
    s.readme->replace(s.readme->find(from), from.size(), to);
  };
}
SpaceEdit Dockerfile(std::string from, std::string to) {
  return [=](observe::SpaceObservation& s) {
    s.dockerfile->replace(s.dockerfile->find(from), from.size(), to);
  };
}
SpaceEdit Variable(std::string key, std::optional<std::string> value) {
  return [=](observe::SpaceObservation& s) {
    if (value) {
      s.variables[key] = *value;
    } else {
      s.variables.erase(key);
    }
  };
}
SpaceEdit SecretDescription(std::string key, std::optional<std::string> description) {
  return [=](observe::SpaceObservation& s) {
    if (description) {
      s.secrets[key].description = *description;
    } else {
      s.secrets.erase(key);
    }
  };
}
SpaceEdit Both(SpaceEdit a, SpaceEdit b) {
  return [=](observe::SpaceObservation& s) {
    a(s);
    b(s);
  };
}
WorldMod Merge(observe::Observation other) {
  return [=](observe::Observation& o) {
    for (const auto& [repo, r] : other.repositories)
      for (const auto& [tag, info] : r.tags) o.repositories[repo].tags[tag] = info;
    for (const auto& [id, s] : other.spaces) o.spaces[id] = s;
    for (const auto& [k, v] : other.secret_fingerprints) o.secret_fingerprints[k] = v;
  };
}
std::function<void(observe::TagInfo&)> MoveBaseTo(std::string digest) {
  return [=](observe::TagInfo& t) {
    t.digest = digest;
    t.platforms[0].digest = digest;
  };
}
std::function<void(observe::TagInfo&)> WrapperEnv(std::string from, std::optional<std::string> to) {
  return [=](observe::TagInfo& t) {
    auto& env = t.platforms[0].env;
    auto it = std::find(env.begin(), env.end(), from);
    if (to) {
      *it = *to;
    } else {
      env.erase(it);
    }
  };
}

// ---- the table -------------------------------------------------------------------------------

struct PlanCase {
  std::string name;
  std::vector<spec::SpaceDeployment> desired;
  observe::Observation world;
  std::vector<std::string> states;      // "KEY STATE REASON" per deployment, in plan order
  std::vector<std::string> actions;     // Describe(Action), in plan order
  std::vector<std::string> drift;       // Describe(DriftItem), in plan order
  std::vector<std::string> notes = {};  // all deployments' notes, in order
  std::map<std::string, std::string> params = {};  // "ID.key" → value, a subset
  std::map<int, std::string> reasons = {};         // action id → reason, a subset
  std::string resolved = "";                       // first deployment's version, if set
};

// Failure messages name the case rather than dumping its bytes.
void PrintTo(const PlanCase& c, std::ostream* os) { *os << '"' << c.name << '"'; }

const spec::SpaceDeployment kDefault = Deployment();

std::vector<PlanCase> Cases() {
  std::vector<PlanCase> cases;

  // -- version ------------------------------------------------------------------------------
  cases.push_back({
      .name = "a fully in-sync deployment gives no drift and no actions",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault),
      .states = {"default/app InSync Succeeded"},
      .actions = {},
      .drift = {},
      .resolved = "v1.0.0",
  });
  cases.push_back({
      .name = "an exact version stays pinned when newer tags exist",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {AlsoPublished(kDefault, "v1.1.0"), AddTag("v2.0.0")}),
      .states = {"default/app InSync Succeeded"},
      .actions = {},
      .drift = {},
      .resolved = "v1.0.0",
  });
  cases.push_back({
      .name = "a pinned version below the running one rolls the Space back",
      .desired = {kDefault},
      .world = InSyncWorldAt(kDefault, "v1.1.0", {AlsoPublished(kDefault, "v1.0.0")}),
      .states = {"default/app Progressing SpaceUpdating"},
      .actions = {"1 CommitSpaceFiles o/app", "2 AwaitRunning o/app after 1"},
      .drift = {"space:o/app dockerfile: " + WrapperPinned("v1.0.0") + " | " +
                    WrapperPinned("v1.1.0"),
                "space:o/app readme: " + RunsLine("v1.0.0") + " | " + RunsLine("v1.1.0")},
      .params = {{"1.files", "Dockerfile,README.md"},
                 {"1.parentCommit", SpaceSha(kSpaceId)},
                 {"1.summary", Summary("v1.0.0", BaseDigest("v1.0.0"))},
                 {"1.wrapperRef", WrapperPinned("v1.0.0")}},
  });
  {
    auto d = Deployment({WithSemver(">=1.0.0 <2.0.0")});
    cases.push_back({
        .name = "semver policy picks the newest matching tag and rolls the Space forward",
        .desired = {d},
        .world = InSyncWorld(d, {AddTag("v1.1.0"), AddTag("v1.0.5"), AddTag("v2.0.0")}),
        .states = {"default/app Progressing WrapperPublishing"},
        .actions = {"1 PublishWrapper " + Wrapper("v1.1.0"), "2 CommitSpaceFiles o/app after 1",
                    "3 AwaitRunning o/app after 2"},
        .drift = {Wrapper("v1.1.0") + " wrapper.tag: present | <absent>",
                  "space:o/app dockerfile: " + Wrapper("v1.1.0") + "@<from action 1> | " +
                      WrapperPinned("v1.0.0"),
                  "space:o/app readme: " + RunsLine("v1.1.0") + " | " + RunsLine("v1.0.0")},
        .params = {{"1.base", Image("v1.1.0")},
                   {"1.wrapper", Wrapper("v1.1.0")},
                   {"1.platform", "amd64"},
                   {"2.wrapperRef", Wrapper("v1.1.0") + "@<from action 1>"}},
        .resolved = "v1.1.0",
    });
  }
  {
    auto d = Deployment({WithSemver("~1.1")});
    cases.push_back({
        .name = "semver policy never picks a tag below the running version",
        .desired = {d},
        .world = InSyncWorldAt(d, "v1.2.0", {AddTag("v1.1.0"), AddTag("v1.1.3")}),
        .states = {"default/app InSync Succeeded"},
        .actions = {},
        .drift = {},
        .notes = {"newest match v1.1.3 is below running v1.2.0; a policy never downgrades; pin "
                  "spec.image.version to roll back"},
        .resolved = "v1.2.0",
    });
  }
  {
    auto d = Deployment({WithSemver(">=1.0.0")});
    cases.push_back({
        .name = "semver policy ignores tags that are not versions",
        .desired = {d},
        .world = InSyncWorld(d, {AddTag("latest"), AddTag("main"), AddTag("sha-0a1b2c3")}),
        .states = {"default/app InSync Succeeded"},
        .actions = {},
        .drift = {},
        .resolved = "v1.0.0",
    });
    cases.push_back({
        .name = "semver policy skips prereleases the range does not name",
        .desired = {d},
        .world = InSyncWorld(d, {AddTag("v1.1.0-rc.1")}),
        .states = {"default/app InSync Succeeded"},
        .actions = {},
        .drift = {},
        .resolved = "v1.0.0",
    });
  }
  {
    auto d = Deployment({WithSemver(">=3.0.0")});
    cases.push_back({
        .name = "semver policy without a matching tag stalls with NoMatchingTag",
        .desired = {d},
        .world = InSyncWorld(d),
        .states = {"default/app Stalled NoMatchingTag"},
        .actions = {},
        .drift = {},
        .notes = {"no tag of ghcr.io/o/app matches policy.semver \">=3.0.0\""},
    });
  }
  cases.push_back({
      .name = "an unobserved repository stalls with ImageUnobserved",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {ForgetRepository()}),
      .states = {"default/app Stalled ImageUnobserved"},
      .actions = {},
      .drift = {},
      .notes = {"repository ghcr.io/o/app was not observed; cannot tell which tags exist"},
  });

  // -- main image and builds ----------------------------------------------------------------
  const std::vector<std::string> kBuildChainDrift = {
      Image("v1.1.0") + " image.tag: v1.1.0 | <absent>",
      Wrapper("v1.1.0") + " wrapper.tag: present | <absent>",
      "space:o/app dockerfile: " + Wrapper("v1.1.0") + "@<from action 2> | " +
          WrapperPinned("v1.0.0"),
      "space:o/app readme: " + RunsLine("v1.1.0") + " | " + RunsLine("v1.0.0")};
  {
    auto d = Deployment({WithVersion("v1.1.0"), WithGithubBuild()});
    cases.push_back({
        .name = "a missing main image with a GitHub Actions build is built, wrapped and deployed",
        .desired = {d},
        .world = InSyncWorldAt(d, "v1.0.0"),
        .states = {"default/app Progressing Building"},
        .actions = {"1 BuildImage " + Image("v1.1.0"),
                    "2 PublishWrapper " + Wrapper("v1.1.0") + " after 1",
                    "3 CommitSpaceFiles o/app after 2", "4 AwaitRunning o/app after 3"},
        .drift = kBuildChainDrift,
        .params = {{"1.image", Image("v1.1.0")},
                   {"1.backend", "githubActions"},
                   {"1.buildID", "sp-6d479c7a287e"},
                   {"3.summary", "Deploy " + Image("v1.1.0")},
                   {"3.parentCommit", SpaceSha(kSpaceId)}},
        .reasons = {{1, Image("v1.1.0") + " does not exist"}, {2, "wrapper tag is missing"}},
        .resolved = "v1.1.0",
    });
    cases.push_back({
        .name = "a build in flight for the version is awaited, not started again",
        .desired = {d},
        .world = InSyncWorldAt(d, "v1.0.0", {AddBuild("v1.1.0", "in_progress")}),
        .states = {"default/app Progressing Building"},
        .actions = {"1 AwaitBuild " + Image("v1.1.0"),
                    "2 PublishWrapper " + Wrapper("v1.1.0") + " after 1",
                    "3 CommitSpaceFiles o/app after 2", "4 AwaitRunning o/app after 3"},
        .drift = kBuildChainDrift,
        .params = {{"1.runID", "4242"},
                   {"1.state", "in_progress"},
                   {"1.url", "https://github.com/o/app/actions/runs/4242"}},
    });
    cases.push_back({
        .name = "a failed build stalls with BuildFailed and no new build is started",
        .desired = {d},
        .world = InSyncWorldAt(d, "v1.0.0", {AddBuild("v1.1.0", "failed")}),
        .states = {"default/app Stalled BuildFailed"},
        .actions = {},
        .drift = {Image("v1.1.0") + " image.tag: v1.1.0 | <absent>"},
        .notes =
            {"build of ghcr.io/o/app:v1.1.0 failed (https://github.com/o/app/actions/runs/4242)"
             "; Spaceport does not retry it: re-run the build or change the version"},
    });
    auto job = Deployment({WithVersion("v1.1.0"), WithKubernetesJobBuild()});
    cases.push_back({
        .name = "a failed Job build stalls with the Job's reason and says to delete the Job",
        .desired = {job},
        .world = InSyncWorldAt(job, "v1.0.0",
                               {AddBuild("v1.1.0", "failed", "default/spaceport-build-sp-1",
                                         "kubectl -n default logs job/spaceport-build-sp-1",
                                         "the Job failed: DeadlineExceeded: Job was active longer "
                                         "than specified deadline")}),
        .states = {"default/app Stalled BuildFailed"},
        .actions = {},
        .drift = {Image("v1.1.0") + " image.tag: v1.1.0 | <absent>"},
        .notes = {"build of ghcr.io/o/app:v1.1.0 failed: the Job failed: DeadlineExceeded: Job was "
                  "active longer than specified deadline (kubectl -n default logs "
                  "job/spaceport-build-sp-1); Spaceport does not retry it: delete the Job to build "
                  "again, or change the version"},
    });
    cases.push_back({
        .name = "a missing main image with a Kubernetes Job build starts the Job backend",
        .desired = {job},
        .world = InSyncWorldAt(job, "v1.0.0"),
        .states = {"default/app Progressing Building"},
        .actions = {"1 BuildImage " + Image("v1.1.0"),
                    "2 PublishWrapper " + Wrapper("v1.1.0") + " after 1",
                    "3 CommitSpaceFiles o/app after 2", "4 AwaitRunning o/app after 3"},
        .drift = kBuildChainDrift,
        .params = {{"1.backend", "kubernetesJob"}},
        .resolved = "v1.1.0",
    });
    cases.push_back({
        .name = "a re-run build in flight is awaited even though an earlier run failed",
        .desired = {d},
        .world = InSyncWorldAt(
            d, "v1.0.0",
            {AddBuild("v1.1.0", "failure", "4242"), AddBuild("v1.1.0", "queued", "4243", "")}),
        .states = {"default/app Progressing Building"},
        .actions = {"1 AwaitBuild " + Image("v1.1.0"),
                    "2 PublishWrapper " + Wrapper("v1.1.0") + " after 1",
                    "3 CommitSpaceFiles o/app after 2", "4 AwaitRunning o/app after 3"},
        .drift = kBuildChainDrift,
        .params = {{"1.runID", "4243"}, {"1.state", "queued"}},
    });
    cases.push_back({
        .name = "a build of another version does not count as in flight",
        .desired = {d},
        .world = InSyncWorldAt(d, "v1.0.0", {AddBuild("v1.0.1", "in_progress")}),
        .states = {"default/app Progressing Building"},
        .actions = {"1 BuildImage " + Image("v1.1.0"),
                    "2 PublishWrapper " + Wrapper("v1.1.0") + " after 1",
                    "3 CommitSpaceFiles o/app after 2", "4 AwaitRunning o/app after 3"},
        .drift = kBuildChainDrift,
    });
  }
  {
    auto d = Deployment({WithVersion("v1.1.0"), WithCommandBuild()});
    cases.push_back({
        .name = "a missing main image with a command build names the command backend",
        .desired = {d},
        .world = InSyncWorldAt(d, "v1.0.0"),
        .states = {"default/app Progressing Building"},
        .actions = {"1 BuildImage " + Image("v1.1.0"),
                    "2 PublishWrapper " + Wrapper("v1.1.0") + " after 1",
                    "3 CommitSpaceFiles o/app after 2", "4 AwaitRunning o/app after 3"},
        .drift = kBuildChainDrift,
        .params = {{"1.backend", "command"}, {"1.buildID", "sp-6d479c7a287e"}},
    });
  }
  {
    auto d = Deployment({WithVersion("v1.1.0")});
    cases.push_back({
        .name = "a missing main image without a build section stalls with ImageMissing",
        .desired = {d},
        .world = InSyncWorldAt(d, "v1.0.0"),
        .states = {"default/app Stalled ImageMissing"},
        .actions = {},
        .drift = {Image("v1.1.0") + " image.tag: v1.1.0 | <absent>"},
        .notes = {"ghcr.io/o/app:v1.1.0 does not exist and spec.image.build is not set"},
    });
  }

  // -- wrappers -----------------------------------------------------------------------------
  const std::vector<std::string> kRepublishThenCommit = {"1 PublishWrapper " + Wrapper("v1.0.0"),
                                                         "2 CommitSpaceFiles o/app after 1",
                                                         "3 AwaitRunning o/app after 2"};
  const std::string kDockerfileAwaitsWrapper = "space:o/app dockerfile: " + Wrapper("v1.0.0") +
                                               "@<from action 1> | " + WrapperPinned("v1.0.0");
  cases.push_back({
      .name = "a missing wrapper is published and the Space commit waits for its digest",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {RemoveTag("hf-amd64-v1.0.0")}),
      .states = {"default/app Progressing WrapperPublishing"},
      .actions = kRepublishThenCommit,
      .drift = {Wrapper("v1.0.0") + " wrapper.tag: present | <absent>", kDockerfileAwaitsWrapper},
      .params = {{"2.files", "Dockerfile"}},
  });
  {
    const std::string moved = Digest("base v1.0.0 rebuilt");
    cases.push_back({
        .name = "a stale wrapper is republished when the base tag moved",
        .desired = {kDefault},
        .world = InSyncWorld(kDefault, {EditTag("v1.0.0", MoveBaseTo(moved))}),
        .states = {"default/app Progressing WrapperPublishing"},
        .actions = kRepublishThenCommit,
        .drift = {Wrapper("v1.0.0") + " wrapper.base: " + moved + " | " + BaseDigest("v1.0.0"),
                  kDockerfileAwaitsWrapper},
        .params = {{"2.summary", Summary("v1.0.0", moved)}},
        .reasons = {{1, "stale: base moved from " + BaseDigest("v1.0.0") + " to " + moved}},
    });
  }
  cases.push_back({
      .name = "a wrapper whose env value differs from the spec is republished",
      .desired = {kDefault},
      .world =
          InSyncWorld(kDefault, {EditTag("hf-amd64-v1.0.0", WrapperEnv("PORT=7860", "PORT=8080"))}),
      .states = {"default/app Progressing WrapperPublishing"},
      .actions = kRepublishThenCommit,
      .drift = {Wrapper("v1.0.0") + " wrapper.env.PORT: 7860 | 8080", kDockerfileAwaitsWrapper},
      .reasons = {{1, "env differs"}},
  });
  cases.push_back({
      .name = "a wrapper missing an env entry is republished",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault,
                           {EditTag("hf-amd64-v1.0.0", WrapperEnv("HOST=0.0.0.0", std::nullopt))}),
      .states = {"default/app Progressing WrapperPublishing"},
      .actions = kRepublishThenCommit,
      .drift = {Wrapper("v1.0.0") + " wrapper.env.HOST: 0.0.0.0 | <absent>",
                kDockerfileAwaitsWrapper},
  });
  cases.push_back({
      .name = "a wrapper that does not expose the port is republished",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditTag("hf-amd64-v1.0.0",
                                              [](observe::TagInfo& t) {
                                                t.platforms[0].exposed_ports = {"3000/tcp"};
                                              })}),
      .states = {"default/app Progressing WrapperPublishing"},
      .actions = kRepublishThenCommit,
      .drift = {Wrapper("v1.0.0") + " wrapper.port: 7860/tcp | 3000/tcp", kDockerfileAwaitsWrapper},
      .reasons = {{1, "port differs"}},
  });
  cases.push_back({
      .name = "a wrapper without the spec-hash label is republished",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditTag("hf-amd64-v1.0.0",
                                              [](observe::TagInfo& t) {
                                                t.platforms[0].labels.erase(
                                                    std::string(resolve::kLabelSpecHash));
                                              })}),
      .states = {"default/app Progressing WrapperPublishing"},
      .actions = kRepublishThenCommit,
      .drift = {Wrapper("v1.0.0") + " wrapper.spec-hash: " + resolve::WrapperSpecHash(kDefault.wrapper) +
                    " | <absent>",
                kDockerfileAwaitsWrapper},
      .reasons = {{1, "spec hash differs"}},
  });
  {
    auto d = Deployment({WithPort(8080)});
    cases.push_back({
        .name = "a new port in the spec republishes the wrapper and rewrites app_port",
        .desired = {d},
        .world = InSyncWorld(kDefault),
        .states = {"default/app Progressing WrapperPublishing"},
        .actions = kRepublishThenCommit,
        .drift = {Wrapper("v1.0.0") + " wrapper.spec-hash: " + resolve::WrapperSpecHash(d.wrapper) + " | " +
                      resolve::WrapperSpecHash(kDefault.wrapper),
                  Wrapper("v1.0.0") + " wrapper.port: 8080/tcp | 3000/tcp,7860/tcp",
                  kDockerfileAwaitsWrapper,
                  "space:o/app readme: line 4: app_port: 8080 | line 4: app_port: 7860"},
        .params = {{"2.files", "Dockerfile,README.md"}},
        .reasons = {{1, "spec hash differs; port differs"}},
    });
  }
  {
    auto d = Deployment({WithPlatforms({"arm64", "amd64"})});
    cases.push_back({
        .name = "multi-platform wrappers are published per platform and the Space waits for amd64",
        .desired = {d},
        .world = InSyncWorld(d, {RemoveTag("hf-arm64-v1.0.0"), RemoveTag("hf-amd64-v1.0.0")}),
        .states = {"default/app Progressing WrapperPublishing"},
        .actions = {"1 PublishWrapper " + Wrapper("v1.0.0", "arm64"),
                    "2 PublishWrapper " + Wrapper("v1.0.0"), "3 CommitSpaceFiles o/app after 2",
                    "4 AwaitRunning o/app after 3"},
        .drift = {Wrapper("v1.0.0", "arm64") + " wrapper.tag: present | <absent>",
                  Wrapper("v1.0.0") + " wrapper.tag: present | <absent>",
                  "space:o/app dockerfile: " + Wrapper("v1.0.0") + "@<from action 2> | " +
                      WrapperPinned("v1.0.0")},
        .params = {{"1.platform", "arm64"}, {"2.platform", "amd64"}},
    });
    const std::string moved = Digest("arm64 rebuilt");
    cases.push_back({
        .name = "a moved arm64 base republishes only the arm64 wrapper and leaves the Space alone",
        .desired = {d},
        .world = InSyncWorld(d, {EditTag("v1.0.0",
                                         [=](observe::TagInfo& t) {
                                           t.platforms[0].digest = moved;  // arm64 comes first
                                         })}),
        .states = {"default/app Progressing WrapperPublishing"},
        .actions = {"1 PublishWrapper " + Wrapper("v1.0.0", "arm64")},
        .drift = {Wrapper("v1.0.0", "arm64") + " wrapper.base: " + moved + " | " +
                  BaseDigestFor("v1.0.0", "arm64")},
    });
  }
  cases.push_back({
      .name = "a base image without a wanted platform stalls with ImageMissing",
      .desired = {Deployment({WithPlatforms({"amd64", "arm64"})})},
      .world = InSyncWorld(kDefault),
      .states = {"default/app Stalled ImageMissing"},
      .actions = {},
      .drift = {Image("v1.0.0") + " image.platforms: arm64 | amd64"},
      .notes = {"ghcr.io/o/app:v1.0.0 has no linux/arm64 image to wrap"},
  });

  // -- Space files --------------------------------------------------------------------------
  const std::vector<std::string> kCommitThenAwait = {"1 CommitSpaceFiles o/app",
                                                     "2 AwaitRunning o/app after 1"};
  {
    const std::string other = Digest("someone else's image");
    cases.push_back({
        .name = "a Space pointing at another digest gets its Dockerfile rewritten",
        .desired = {kDefault},
        .world = InSyncWorld(
            kDefault, {EditSpace(kSpaceId, Dockerfile(WrapperDigest("v1.0.0", "amd64"), other))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kCommitThenAwait,
        .drift = {"space:o/app dockerfile: " + WrapperPinned("v1.0.0") + " | " + Wrapper("v1.0.0") +
                  "@" + other},
        .params = {{"1.files", "Dockerfile"},
                   {"1.parentCommit", SpaceSha(kSpaceId)},
                   {"1.summary", Summary("v1.0.0", BaseDigest("v1.0.0"))}},
        .reasons = {{1, "Dockerfile differs from the desired file"}},
    });
  }
  cases.push_back({
      .name = "a hand-edited README is restored by a commit",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, Readme("title: app", "title: My app"))}),
      .states = {"default/app Progressing SpaceUpdating"},
      .actions = kCommitThenAwait,
      .drift = {"space:o/app readme: line 2: title: app | line 2: title: My app"},
      .params = {{"1.files", "README.md"}},
  });
  cases.push_back({
      .name = "an edited comment in the Dockerfile is drift on that line",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, Dockerfile("Managed by", "Edited in"))}),
      .states = {"default/app Progressing SpaceUpdating"},
      .actions = kCommitThenAwait,
      .drift = {"space:o/app dockerfile: line 1: # Managed by Spaceport (default/app): edits to "
                "this file are drift and will be corrected. | line 1: # Edited in Spaceport "
                "(default/app): edits to this file are drift and will be corrected."},
  });
  cases.push_back({
      .name = "a Space without a Dockerfile (NO_APP_FILE) gets its files committed",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, Both(SetStage("NO_APP_FILE"),
                                                               [](observe::SpaceObservation& s) {
                                                                 s.dockerfile.reset();
                                                               }))}),
      .states = {"default/app Progressing SpaceUpdating"},
      .actions = kCommitThenAwait,
      .drift = {"space:o/app dockerfile: " + WrapperPinned("v1.0.0") + " | <absent>",
                "space:o/app runtime.stage: RUNNING | NO_APP_FILE"},
  });
  cases.push_back({
      .name = "card fields of the spec are rendered into the README front matter",
      .desired = {Deployment({WithSpace({WithTitle("Grok 2: the API"), WithEmoji("🚀")})})},
      .world = InSyncWorld(kDefault),
      .states = {"default/app Progressing SpaceUpdating"},
      .actions = kCommitThenAwait,
      .drift = {"space:o/app readme: line 2: title: \"Grok 2: the API\" | line 2: title: app"},
      .params = {{"1.files", "README.md"}},
  });

  // -- variables ----------------------------------------------------------------------------
  const std::vector<std::string> kSetVariablesThenAwait = {"1 SetVariables o/app",
                                                           "2 AwaitRunning o/app after 1"};
  {
    auto d = Deployment({WithSpace({WithVariables({{"LOG_LEVEL", "info"}})})});
    cases.push_back({
        .name = "a changed variable is set back",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, Variable("LOG_LEVEL", "debug"))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetVariablesThenAwait,
        .drift = {"space:o/app variables.LOG_LEVEL: info | debug"},
        .params = {{"1.set.LOG_LEVEL", "info"}},
    });
    cases.push_back({
        .name = "a missing variable is added",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, Variable("LOG_LEVEL", std::nullopt))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetVariablesThenAwait,
        .drift = {"space:o/app variables.LOG_LEVEL: info | <absent>"},
        .params = {{"1.set.LOG_LEVEL", "info"}},
    });
    cases.push_back({
        .name = "an extra variable is deleted when the spec manages variables",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, Variable("DEBUG", "1"))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetVariablesThenAwait,
        .drift = {"space:o/app variables.DEBUG: <absent> | 1"},
        .params = {{"1.delete", "DEBUG"}},
    });
  }
  cases.push_back({
      .name = "variables are left alone when the spec does not manage them",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, Variable("DEBUG", "1"))}),
      .states = {"default/app InSync Succeeded"},
      .actions = {},
      .drift = {},
  });
  {
    auto d = Deployment({WithSpace({WithVariables({})})});
    cases.push_back({
        .name = "an empty variables map deletes every variable",
        .desired = {d},
        .world =
            InSyncWorld(d, {EditSpace(kSpaceId, Both(Variable("A", "1"), Variable("B", "2")))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetVariablesThenAwait,
        .drift = {"space:o/app variables.A: <absent> | 1", "space:o/app variables.B: <absent> | 2"},
        .params = {{"1.delete", "A,B"}},
    });
  }

  // -- secrets ------------------------------------------------------------------------------
  {
    auto d = Deployment({WithSpace({WithSecrets({"API_KEY"})})});
    const std::vector<std::string> kSetSecretsThenAwait = {"1 SetSecrets o/app",
                                                           "2 AwaitRunning o/app after 1"};
    const std::string want = Short(SecretFingerprint("API_KEY"));
    const std::string old = Fingerprint("an older value");
    cases.push_back({
        .name = "a secret whose fingerprint differs is rewritten and only 8 hex digits are shown",
        .desired = {d},
        .world = InSyncWorld(
            d,
            {EditSpace(kSpaceId, SecretDescription("API_KEY", FormatFingerprintDescription(old)))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetSecretsThenAwait,
        .drift = {"space:o/app secrets.API_KEY: " + want + " | " + Short(old)},
        .params = {{"1.set", "API_KEY"}},
    });
    cases.push_back({
        .name = "a missing secret is written",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, SecretDescription("API_KEY", std::nullopt))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetSecretsThenAwait,
        .drift = {"space:o/app secrets.API_KEY: " + want + " | <absent>"},
        .params = {{"1.set", "API_KEY"}},
    });
    cases.push_back({
        .name = "a secret set by hand without a fingerprint is rewritten",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, SecretDescription("API_KEY", "set by hand"))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetSecretsThenAwait,
        .drift = {"space:o/app secrets.API_KEY: " + want + " | <no fingerprint>"},
    });
    cases.push_back({
        .name = "an extra secret is deleted when the spec manages secrets",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, SecretDescription("OLD_TOKEN", ""))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetSecretsThenAwait,
        .drift = {"space:o/app secrets.OLD_TOKEN: <absent> | <present>"},
        .params = {{"1.delete", "OLD_TOKEN"}},
    });
    cases.push_back({
        .name = "a secret whose value is unavailable is noted and not compared",
        .desired = {d},
        .world = InSyncWorld(d, {ForgetFingerprint("o/app/API_KEY"),
                                 EditSpace(kSpaceId, SecretDescription("API_KEY", std::nullopt))}),
        .states = {"default/app InSync Succeeded"},
        .actions = {},
        .drift = {},
        .notes = {"Space o/app: value of secret API_KEY unavailable; not compared"},
    });
    cases.push_back({
        .name = "a failed Space with a missing secret gets the secret, which may fix it",
        .desired = {d},
        .world =
            InSyncWorld(d, {EditSpace(kSpaceId, Both(SecretDescription("API_KEY", std::nullopt),
                                                     SetStage("RUNTIME_ERROR", "Exit code: 1")))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kSetSecretsThenAwait,
        .drift = {"space:o/app secrets.API_KEY: " + want + " | <absent>",
                  "space:o/app runtime.stage: RUNNING | RUNTIME_ERROR: Exit code: 1"},
    });
  }

  // -- hardware and sleep time --------------------------------------------------------------
  cases.push_back({
      .name = "requested hardware that differs is changed",
      .desired = {Deployment({WithSpace({WithHardware("cpu-upgrade")})})},
      .world = InSyncWorld(kDefault),
      .states = {"default/app Progressing SpaceUpdating"},
      .actions = {"1 SetHardware o/app", "2 AwaitRunning o/app after 1"},
      .drift = {"space:o/app hardware: cpu-upgrade | cpu-basic"},
      .params = {{"1.hardware", "cpu-upgrade"}},
  });
  {
    auto d = Deployment({WithSpace({WithHardware("t4-small")})});
    cases.push_back({
        .name = "hardware matches the requested flavour while the current one is not known",
        .desired = {d},
        .world = InSyncWorld(
            d, {EditSpace(kSpaceId, [](observe::SpaceObservation& s) { s.hardware.reset(); })}),
        .states = {"default/app InSync Succeeded"},
        .actions = {},
        .drift = {},
    });
    cases.push_back({
        .name = "hardware falls back to the current flavour when none was requested",
        .desired = {d},
        .world = InSyncWorld(kDefault, {EditSpace(kSpaceId,
                                                  [](observe::SpaceObservation& s) {
                                                    s.requested_hardware.reset();
                                                  })}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = {"1 SetHardware o/app", "2 AwaitRunning o/app after 1"},
        .drift = {"space:o/app hardware: t4-small | cpu-basic"},
    });
  }
  {
    auto d = Deployment({WithSpace({WithSleepTime(3600)})});
    cases.push_back({
        .name = "a different sleep time is set",
        .desired = {d},
        .world = InSyncWorld(
            d, {EditSpace(kSpaceId,
                          [](observe::SpaceObservation& s) { s.sleep_time_seconds = 172800; })}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = {"1 SetSleepTime o/app", "2 AwaitRunning o/app after 1"},
        .drift = {"space:o/app sleepTimeSeconds: 3600 | 172800"},
        .params = {{"1.sleepTimeSeconds", "3600"}},
    });
  }

  // -- runtime stages -----------------------------------------------------------------------
  cases.push_back({
      .name = "a BUILDING Space with nothing to change is only awaited",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("BUILDING"))}),
      .states = {"default/app Progressing SpaceBuilding"},
      .actions = {"1 AwaitRunning o/app"},
      .drift = {},
      .params = {{"1.timeoutSeconds", "600"}},
  });
  cases.push_back({
      .name = "a RUNNING_APP_STARTING Space is only awaited",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("RUNNING_APP_STARTING"))}),
      .states = {"default/app Progressing SpaceBuilding"},
      .actions = {"1 AwaitRunning o/app"},
      .drift = {},
  });
  cases.push_back({
      .name = "AwaitRunning carries the spec's health path and timeout",
      .desired = {Deployment({WithSpace({WithHealth("/health", 900)})})},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("APP_STARTING"))}),
      .states = {"default/app Progressing SpaceBuilding"},
      .actions = {"1 AwaitRunning o/app"},
      .drift = {},
      .params = {{"1.healthPath", "/health"}, {"1.timeoutSeconds", "900"}},
  });
  cases.push_back({
      .name = "a BUILD_ERROR Space with up-to-date files stalls with SpaceFailed and is not "
              "restarted",
      .desired = {kDefault},
      .world =
          InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("BUILD_ERROR", "Build failed"))}),
      .states = {"default/app Stalled SpaceFailed"},
      .actions = {},
      .drift = {"space:o/app runtime.stage: RUNNING | BUILD_ERROR: Build failed"},
      .notes = {"Space o/app is BUILD_ERROR: Build failed; not restarted until its files or "
                "settings change"},
  });
  cases.push_back({
      .name = "a RUNTIME_ERROR Space with up-to-date files stalls with SpaceFailed",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("RUNTIME_ERROR"))}),
      .states = {"default/app Stalled SpaceFailed"},
      .actions = {},
      .drift = {"space:o/app runtime.stage: RUNNING | RUNTIME_ERROR"},
      .notes = {"Space o/app is RUNTIME_ERROR; not restarted until its files or settings change"},
  });
  {
    auto d = Deployment({WithVersion("v1.1.0")});
    cases.push_back({
        .name = "a failed Space whose files are out of date gets the new version, which may fix it",
        .desired = {d},
        .world = InSyncWorldAt(d, "v1.0.0",
                               {AlsoPublished(d, "v1.1.0"),
                                EditSpace(kSpaceId, SetStage("RUNTIME_ERROR", "Exit code: 1"))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = kCommitThenAwait,
        .drift = {"space:o/app dockerfile: " + WrapperPinned("v1.1.0") + " | " +
                      WrapperPinned("v1.0.0"),
                  "space:o/app readme: " + RunsLine("v1.1.0") + " | " + RunsLine("v1.0.0"),
                  "space:o/app runtime.stage: RUNNING | RUNTIME_ERROR: Exit code: 1"},
    });
  }
  cases.push_back({
      .name = "a PAUSED Space is resumed and awaited",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("PAUSED"))}),
      .states = {"default/app Progressing SpaceUpdating"},
      .actions = {"1 ResumeSpace o/app", "2 AwaitRunning o/app after 1"},
      .drift = {"space:o/app runtime.stage: RUNNING | PAUSED"},
  });
  cases.push_back({
      .name = "a PAUSED Space with outdated files is resumed after the commit",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, Both(SetStage("PAUSED"),
                                                               Readme("title: app", "title: x")))}),
      .states = {"default/app Progressing SpaceUpdating"},
      .actions = {"1 CommitSpaceFiles o/app", "2 ResumeSpace o/app after 1",
                  "3 AwaitRunning o/app after 1,2"},
      .drift = {"space:o/app readme: line 2: title: app | line 2: title: x",
                "space:o/app runtime.stage: RUNNING | PAUSED"},
  });
  cases.push_back({
      .name = "a SLEEPING Space is in sync",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("SLEEPING"))}),
      .states = {"default/app InSync Succeeded"},
      .actions = {},
      .drift = {},
  });
  cases.push_back({
      .name = "a STOPPED Space is in sync",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("STOPPED"))}),
      .states = {"default/app InSync Succeeded"},
      .actions = {},
      .drift = {},
  });
  cases.push_back({
      .name = "an unknown stage is noted and otherwise ignored",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId, SetStage("HIBERNATING"))}),
      .states = {"default/app InSync Succeeded"},
      .actions = {},
      .drift = {},
      .notes = {"Space o/app: unknown stage HIBERNATING, ignored"},
  });

  // -- Space presence -----------------------------------------------------------------------
  {
    auto d = Deployment({WithSpace({WithCreate(), WithVariables({{"LOG_LEVEL", "info"}})})});
    cases.push_back({
        .name = "a missing Space with create is created, filled, configured and awaited",
        .desired = {d},
        .world = InSyncWorld(
            d, {EditSpace(kSpaceId,
                          [](observe::SpaceObservation& s) { s = observe::SpaceObservation{}; })}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = {"1 CreateSpace o/app", "2 CommitSpaceFiles o/app after 1",
                    "3 SetVariables o/app after 2", "4 AwaitRunning o/app after 1,2,3"},
        .drift = {"space:o/app space: present | <absent>",
                  "space:o/app dockerfile: " + WrapperPinned("v1.0.0") + " | <absent>",
                  "space:o/app readme: line 1: --- | <absent>",
                  "space:o/app variables.LOG_LEVEL: info | <absent>"},
        .params = {{"1.sdk", "docker"},
                   {"1.private", "false"},
                   {"2.files", "Dockerfile,README.md"},
                   {"2.parentCommit", "<from action 1>"}},
    });
  }
  cases.push_back({
      .name = "a missing Space without create stalls with SpaceMissing",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {EditSpace(kSpaceId,
                                                [](observe::SpaceObservation& s) {
                                                  s = observe::SpaceObservation{};
                                                })}),
      .states = {"default/app Stalled SpaceMissing"},
      .actions = {},
      .drift = {"space:o/app space: present | <absent>"},
      .notes = {"Space o/app does not exist; set create: true to let Spaceport create it"},
  });
  cases.push_back({
      .name = "an unobserved Space is noted and not planned",
      .desired = {kDefault},
      .world = InSyncWorld(kDefault, {ForgetSpace(kSpaceId)}),
      .states = {"default/app InSync Succeeded"},
      .actions = {},
      .drift = {},
      .notes = {"Space o/app was not observed; not planned"},
  });
  {
    auto d = Deployment({AddSpace({WithId("o/app-eu")})});
    cases.push_back({
        .name = "two Spaces are planned in spec order, each awaiting only its own actions",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, SetStage("PAUSED")),
                                 EditSpace("o/app-eu", Readme("title: app-eu", "title: eu"))}),
        .states = {"default/app Progressing SpaceUpdating"},
        .actions = {"1 ResumeSpace o/app", "2 AwaitRunning o/app after 1",
                    "3 CommitSpaceFiles o/app-eu", "4 AwaitRunning o/app-eu after 3"},
        .drift = {"space:o/app runtime.stage: RUNNING | PAUSED",
                  "space:o/app-eu readme: line 2: title: app-eu | line 2: title: eu"},
        .params = {{"3.parentCommit", SpaceSha("o/app-eu")}},
    });
    cases.push_back({
        .name = "a failed Space stalls the deployment while the other Space is still updated",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, SetStage("BUILD_ERROR")),
                                 EditSpace("o/app-eu", SetStage("PAUSED"))}),
        .states = {"default/app Stalled SpaceFailed"},
        .actions = {"1 ResumeSpace o/app-eu", "2 AwaitRunning o/app-eu after 1"},
        .drift = {"space:o/app runtime.stage: RUNNING | BUILD_ERROR",
                  "space:o/app-eu runtime.stage: RUNNING | PAUSED"},
        .notes = {"Space o/app is BUILD_ERROR; not restarted until its files or settings change"},
    });
  }

  // -- driftPolicy and suspend ----------------------------------------------------------------
  {
    auto d = Deployment({WithWarn()});
    cases.push_back({
        .name = "driftPolicy warn reports drift and plans no action",
        .desired = {d},
        .world = InSyncWorld(
            d, {EditSpace(kSpaceId, Both(Readme("title: app", "title: x"), SetStage("PAUSED")))}),
        .states = {"default/app Drifted Drifted"},
        .actions = {},
        .drift = {"space:o/app readme: line 2: title: app | line 2: title: x",
                  "space:o/app runtime.stage: RUNNING | PAUSED"},
    });
    cases.push_back({
        .name = "driftPolicy warn names no action for a wrapper digest that will not be published",
        .desired = {d},
        .world = InSyncWorld(d, {RemoveTag("hf-amd64-v1.0.0")}),
        .states = {"default/app Drifted Drifted"},
        .actions = {},
        .drift = {Wrapper("v1.0.0") + " wrapper.tag: present | <absent>",
                  "space:o/app dockerfile: " + Wrapper("v1.0.0") + "@<not published> | " +
                      WrapperPinned("v1.0.0")},
    });
    cases.push_back({
        .name = "driftPolicy warn still stalls on a failed Space",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, SetStage("BUILD_ERROR"))}),
        .states = {"default/app Stalled SpaceFailed"},
        .actions = {},
        .drift = {"space:o/app runtime.stage: RUNNING | BUILD_ERROR"},
        .notes = {"Space o/app is BUILD_ERROR; not restarted until its files or settings change"},
    });
    cases.push_back({
        .name = "driftPolicy warn without drift reports a BUILDING Space as progressing",
        .desired = {d},
        .world = InSyncWorld(d, {EditSpace(kSpaceId, SetStage("BUILDING"))}),
        .states = {"default/app Progressing SpaceBuilding"},
        .actions = {},
        .drift = {},
    });
  }
  cases.push_back({
      .name = "a suspended deployment is not planned even when the world drifted",
      .desired = {Deployment({WithSuspend()})},
      .world =
          InSyncWorld(kDefault, {RemoveTag("v1.0.0"), EditSpace(kSpaceId, SetStage("PAUSED"))}),
      .states = {"default/app Suspended Suspended"},
      .actions = {},
      .drift = {},
  });

  // -- many deployments -------------------------------------------------------------------------
  {
    auto a = Deployment({WithName("a"), WithSpace({WithId("o/a")})});
    auto b = Deployment({WithName("b"), WithSpace({WithId("o/b")}), WithWarn()});
    auto c = Deployment({WithName("c"), WithSpace({WithId("o/c")})});
    auto paused = SetStage("PAUSED");
    auto world =
        InSyncWorld(a, {Merge(InSyncWorld(b)), Merge(InSyncWorld(c)), EditSpace("o/a", paused),
                        EditSpace("o/b", paused), EditSpace("o/c", paused)});
    cases.push_back({
        .name = "deployments are planned in key order and action ids run across the whole plan",
        .desired = {c, a},
        .world = world,
        .states = {"default/a Progressing SpaceUpdating", "default/c Progressing SpaceUpdating"},
        .actions = {"1 ResumeSpace o/a", "2 AwaitRunning o/a after 1", "3 ResumeSpace o/c",
                    "4 AwaitRunning o/c after 3"},
        .drift = {"space:o/a runtime.stage: RUNNING | PAUSED",
                  "space:o/c runtime.stage: RUNNING | PAUSED"},
    });
    cases.push_back({
        .name = "a warn deployment between two correcting ones leaves no gap in action ids",
        .desired = {c, b, a},
        .world = world,
        .states = {"default/a Progressing SpaceUpdating", "default/b Drifted Drifted",
                   "default/c Progressing SpaceUpdating"},
        .actions = {"1 ResumeSpace o/a", "2 AwaitRunning o/a after 1", "3 ResumeSpace o/c",
                    "4 AwaitRunning o/c after 3"},
        .drift = {"space:o/a runtime.stage: RUNNING | PAUSED",
                  "space:o/b runtime.stage: RUNNING | PAUSED",
                  "space:o/c runtime.stage: RUNNING | PAUSED"},
    });
  }
  return cases;
}

class PlannerTable : public ::testing::TestWithParam<PlanCase> {};

TEST_P(PlannerTable, PlansExactly) {
  const PlanCase& c = GetParam();
  Plan plan = MakePlan(c.desired, c.world);

  std::vector<std::string> states, actions, drift, notes;
  for (const auto& d : plan.deployments) {
    states.push_back(d.key + " " + to_string(d.state) + " " + d.reason);
    notes.insert(notes.end(), d.notes.begin(), d.notes.end());
  }
  for (const auto& a : plan.actions) actions.push_back(Describe(a));
  for (const auto& d : plan.drift) drift.push_back(Describe(d));

  EXPECT_EQ(states, c.states);
  EXPECT_EQ(actions, c.actions);
  EXPECT_EQ(drift, c.drift);
  EXPECT_EQ(notes, c.notes);
  for (const auto& [key, want] : c.params) {
    int id = std::stoi(key.substr(0, key.find('.')));
    std::string param = key.substr(key.find('.') + 1);
    ASSERT_LE(id, static_cast<int>(plan.actions.size())) << key;
    const auto& params = plan.actions[id - 1].params;
    auto it = params.find(param);
    ASSERT_NE(it, params.end()) << "action " << id << " has no param " << param;
    EXPECT_EQ(it->second, want) << key;
  }
  for (const auto& [id, want] : c.reasons) {
    ASSERT_LE(id, static_cast<int>(plan.actions.size()));
    EXPECT_EQ(plan.actions[id - 1].reason, want) << "action " << id;
  }
  if (!c.resolved.empty()) {
    EXPECT_EQ(plan.deployments.at(0).resolved_version, c.resolved);
  }
  for (const auto& d : plan.drift) EXPECT_EQ(d.deployment.substr(0, 8), "default/");
}

std::string CaseName(const ::testing::TestParamInfo<PlanCase>& info) {
  std::string name;
  for (char ch : info.param.name) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      name += ch;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(Planner, PlannerTable, ::testing::ValuesIn(Cases()), CaseName);

TEST(PlannerTableSize, HasAtLeastFortyFiveCases) { EXPECT_GE(Cases().size(), 45u); }

}  // namespace
}  // namespace spaceport::plan
