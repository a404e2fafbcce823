// Builders for planner tests: SpaceDeployments and Observations from a default plus functional
// modifiers (cert-manager's test/unit/gen style), so each table case states only what differs.
//
//   auto d = Deployment(WithVersion("v1.1.0"), WithSpace(WithVariables({{"LOG_LEVEL", "info"}})));
//   auto world = InSyncWorld(Deployment(), EditSpace("o/app", SetStage("PAUSED")));
//
// InSyncWorld(d) is the world in which d needs nothing: the base tag and an up-to-date wrapper per
// platform exist, and every Space runs the rendered files with the desired settings. Test cases
// then break one thing at a time. Digests are fake but stable: Digest("anything") is a sha256 of
// the text, so expectations can name them.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/digest.h"
#include "observe/observation.h"
#include "plan/fingerprint.h"
#include "plan/space_files.h"
#include "resolve/space_image.h"
#include "resolve/wrapper.h"
#include "spec/default_values.h"
#include "spec/types.h"

namespace spaceport::plan::testing {

inline constexpr char kRepo[] = "ghcr.io/o/app";
inline constexpr char kSpaceId[] = "o/app";
inline constexpr char kIndexMediaType[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kManifestMediaType[] = "application/vnd.oci.image.manifest.v1+json";

inline std::string Digest(const std::string& text) { return "sha256:" + Sha256Hex(text); }
// Stable fake digests of the world InSyncWorld builds.
inline std::string BaseDigest(const std::string& version) { return Digest("base " + version); }
inline std::string BaseDigestFor(const std::string& version, const std::string& platform) {
  return Digest("base " + version + " " + platform);
}
inline std::string WrapperDigest(const std::string& version, const std::string& platform) {
  return Digest("wrapper " + version + " " + platform);
}
inline std::string SpaceSha(const std::string& id) {
  return Sha256Hex("commit " + id).substr(0, 40);
}
inline std::string Fingerprint(const std::string& text) { return Sha256Hex("value " + text); }

// ---- SpaceDeployment ------------------------------------------------------------------------

using SpaceMod = std::function<void(spec::SpaceSpec&)>;
using DeploymentMod = std::function<void(spec::SpaceDeployment&)>;

inline spec::SpaceSpec Space(std::initializer_list<SpaceMod> mods = {}) {
  spec::SpaceSpec s;
  s.id = kSpaceId;
  s.position = {"deploy/app.yaml", 12, 7};
  for (const auto& m : mods) m(s);
  return s;
}
inline SpaceMod WithId(std::string id) {
  return [=](spec::SpaceSpec& s) { s.id = id; };
}
inline SpaceMod WithCreate() {
  return [](spec::SpaceSpec& s) { s.create = true; };
}
inline SpaceMod WithHardware(std::string flavour) {
  return [=](spec::SpaceSpec& s) { s.hardware = flavour; };
}
inline SpaceMod WithSleepTime(int64_t seconds) {
  return [=](spec::SpaceSpec& s) { s.sleep_time_seconds = seconds; };
}
inline SpaceMod WithVariables(std::map<std::string, std::string> vars) {
  return [=](spec::SpaceSpec& s) { s.variables = vars; };
}
// Secrets from the controller's environment; the planner only sees their fingerprints.
inline SpaceMod WithSecrets(std::vector<std::string> keys) {
  return [=](spec::SpaceSpec& s) {
    s.secrets.emplace();
    for (const auto& k : keys) (*s.secrets)[k].from_env = "ENV_" + k;
  };
}
inline SpaceMod WithHealth(std::string path, int64_t timeout_seconds) {
  return [=](spec::SpaceSpec& s) { s.health = {path, timeout_seconds}; };
}
inline SpaceMod WithTitle(std::string title) {
  return [=](spec::SpaceSpec& s) { s.card.title = title; };
}
inline SpaceMod WithEmoji(std::string emoji) {
  return [=](spec::SpaceSpec& s) { s.card.emoji = emoji; };
}

// The wrapper spec the loader defaults to: amd64, HOST=0.0.0.0 and PORT=7860, port 7860.
inline spec::WrapperSpec DefaultWrapper() {
  spec::WrapperSpec w;
  w.platforms = {"amd64"};
  w.env = {{"HOST", "0.0.0.0"}, {"PORT", "7860"}};
  w.port = 7860;
  return w;
}

inline spec::SpaceDeployment Deployment(std::initializer_list<DeploymentMod> mods = {}) {
  spec::SpaceDeployment d;
  d.api_version = "spaceport.dev/v1alpha1";
  d.name = "app";
  d.namespace_ = "default";
  d.image.repository = kRepo;
  d.image.version = "v1.0.0";
  d.wrapper = DefaultWrapper();
  d.spaces = {Space()};
  d.interval = {300, "5m"};
  d.position = {"deploy/app.yaml", 1, 1};
  for (const auto& m : mods) m(d);
  return d;
}
inline DeploymentMod WithName(std::string name) {
  return [=](spec::SpaceDeployment& d) { d.name = name; };
}
inline DeploymentMod WithVersion(std::string version) {
  return [=](spec::SpaceDeployment& d) {
    d.image.version = version;
    d.image.semver.reset();
  };
}
inline DeploymentMod WithSemver(std::string range) {
  return [=](spec::SpaceDeployment& d) {
    d.image.version.reset();
    d.image.semver = range;
  };
}
inline DeploymentMod WithGithubBuild() {
  return [](spec::SpaceDeployment& d) {
    d.image.build.emplace().github_actions =
        spec::GithubActionsBuild{"o/app", "docker.yml", "main", {{"version", "{{ .Version }}"}}, {}};
  };
}
inline DeploymentMod WithCommandBuild() {
  return [](spec::SpaceDeployment& d) {
    d.image.build.emplace().command = spec::CommandBuild{{"make", "image"}, {1800, "30m"}, {}};
  };
}
inline DeploymentMod WithKubernetesJobBuild() {
  return [](spec::SpaceDeployment& d) {
    spec::KubernetesJobBuild job = spec::DefaultKubernetesJobBuild();
    job.context = "dir:///workspace";
    job.args = spec::KanikoArgs(*job.context, job.dockerfile);
    d.image.build.emplace().kubernetes_job = std::move(job);
  };
}
inline DeploymentMod WithPlatforms(std::vector<std::string> platforms) {
  return [=](spec::SpaceDeployment& d) { d.wrapper.platforms = platforms; };
}
inline DeploymentMod WithPort(int port) {
  return [=](spec::SpaceDeployment& d) { d.wrapper.port = port; };
}
inline DeploymentMod WithSpace(std::initializer_list<SpaceMod> mods) {
  spec::SpaceSpec s = Space(mods);
  return [=](spec::SpaceDeployment& d) { d.spaces = {s}; };
}
inline DeploymentMod AddSpace(std::initializer_list<SpaceMod> mods) {
  spec::SpaceSpec s = Space(mods);
  return [=](spec::SpaceDeployment& d) { d.spaces.push_back(s); };
}
inline DeploymentMod WithWarn() {
  return [](spec::SpaceDeployment& d) { d.drift_policy = spec::DriftPolicy::kWarn; };
}
inline DeploymentMod WithSuspend() {
  return [](spec::SpaceDeployment& d) { d.suspend = true; };
}

// ---- Observation ----------------------------------------------------------------------------

using WorldMod = std::function<void(observe::Observation&)>;

// The base tag REPO:version: single-platform for one platform, an index for several.
inline void PutBaseTag(observe::Observation& o, const spec::SpaceDeployment& d,
                       const std::string& version) {
  observe::TagInfo base;
  base.digest = BaseDigest(version);
  bool index = d.wrapper.platforms.size() > 1;
  base.media_type = index ? kIndexMediaType : kManifestMediaType;
  for (const auto& p : d.wrapper.platforms) {
    observe::PlatformImage image;
    image.platform = p;
    image.digest = index ? BaseDigestFor(version, p) : base.digest;
    image.env = {"PATH=/usr/local/bin:/usr/bin", "PORT=3000"};
    image.exposed_ports = {"3000/tcp"};
    base.platforms.push_back(image);
  }
  o.repositories[d.image.repository].tags[version] = base;
}

// The wrappers act/ would publish for REPO:version, exactly as the planner checks them.
inline void PutWrapperTags(observe::Observation& o, const spec::SpaceDeployment& d,
                           const std::string& version) {
  auto& tags = o.repositories[d.image.repository].tags;
  const observe::TagInfo& base = tags.at(version);
  for (const auto& p : d.wrapper.platforms) {
    observe::TagInfo wrapper;
    wrapper.digest = WrapperDigest(version, p);
    wrapper.media_type = kManifestMediaType;
    observe::PlatformImage image;
    image.platform = p;
    image.digest = wrapper.digest;
    image.env = resolve::DesiredWrapperEnv(resolve::FindPlatform(base, p)->env, d.wrapper.env);
    image.exposed_ports = {"3000/tcp", std::to_string(d.wrapper.port) + "/tcp"};
    image.labels = {{std::string(resolve::kLabelBaseName), d.image.repository + ":" + version},
                    {std::string(resolve::kLabelBaseDigest), *resolve::BasePlatformDigest(base, p)},
                    {std::string(resolve::kLabelSpecHash), resolve::WrapperSpecHash(d.wrapper)}};
    wrapper.platforms.push_back(image);
    tags[resolve::WrapperTag(p, version)] = wrapper;
  }
}

// A Space running `version` of d exactly as desired.
inline void PutSpace(observe::Observation& o, const spec::SpaceDeployment& d,
                     const spec::SpaceSpec& s, const std::string& version) {
  observe::SpaceObservation space;
  space.exists = true;
  space.sha = SpaceSha(s.id);
  const std::string platform = resolve::SpacePlatform(d.wrapper);
  SpaceFiles files = RenderSpaceFiles(
      d, s, version,
      resolve::WrapperRef(d.image.repository, platform, version, WrapperDigest(version, platform)));
  space.dockerfile = files.dockerfile;
  space.readme = files.readme;
  space.stage = "RUNNING";
  space.hardware = s.hardware.value_or("cpu-basic");
  space.requested_hardware = space.hardware;
  space.sleep_time_seconds = s.sleep_time_seconds;
  if (s.variables) space.variables = *s.variables;
  if (s.secrets) {
    for (const auto& [key, source] : *s.secrets) {
      std::string fp = Fingerprint(s.id + "/" + key);
      space.secrets[key].description = FormatFingerprintDescription(fp);
      o.secret_fingerprints[s.id + "/" + key] = fp;
    }
  }
  o.spaces[s.id] = space;
}

// The world in which d (running `version`, default its pinned one) needs nothing.
inline observe::Observation InSyncWorldAt(const spec::SpaceDeployment& d,
                                          const std::string& version,
                                          std::initializer_list<WorldMod> mods = {}) {
  observe::Observation o;
  o.observed_at = "2025-01-01T00:00:00Z";
  PutBaseTag(o, d, version);
  PutWrapperTags(o, d, version);
  for (const auto& s : d.spaces) PutSpace(o, d, s, version);
  for (const auto& m : mods) m(o);
  return o;
}
inline observe::Observation InSyncWorld(const spec::SpaceDeployment& d,
                                        std::initializer_list<WorldMod> mods = {}) {
  return InSyncWorldAt(d, d.image.version.value_or("v1.0.0"), mods);
}

// Another version of d's image exists with up-to-date wrappers (no Space runs it).
inline WorldMod AlsoPublished(const spec::SpaceDeployment& d, std::string version) {
  return [=](observe::Observation& o) {
    PutBaseTag(o, d, version);
    PutWrapperTags(o, d, version);
  };
}
// A tag of the main image exists, without wrappers.
inline WorldMod AddTag(std::string tag) {
  return [=](observe::Observation& o) {
    observe::TagInfo t;
    t.digest = BaseDigest(tag);
    t.media_type = kManifestMediaType;
    t.platforms.push_back({"amd64", t.digest, {}, {}, {}});
    o.repositories[kRepo].tags[tag] = t;
  };
}
inline WorldMod RemoveTag(std::string tag) {
  return [=](observe::Observation& o) { o.repositories[kRepo].tags.erase(tag); };
}
inline WorldMod EditTag(std::string tag, std::function<void(observe::TagInfo&)> edit) {
  return [=](observe::Observation& o) { edit(o.repositories[kRepo].tags.at(tag)); };
}
inline WorldMod ForgetRepository() {
  return [](observe::Observation& o) { o.repositories.erase(kRepo); };
}
inline WorldMod EditSpace(std::string id, std::function<void(observe::SpaceObservation&)> edit) {
  return [=](observe::Observation& o) { edit(o.spaces.at(id)); };
}
inline WorldMod ForgetSpace(std::string id) {
  return [=](observe::Observation& o) { o.spaces.erase(id); };
}
inline WorldMod ForgetFingerprint(std::string space_key) {
  return [=](observe::Observation& o) { o.secret_fingerprints.erase(space_key); };
}
inline WorldMod AddBuild(std::string version, std::string state, std::string id = "4242",
                         std::string url = "https://github.com/o/app/actions/runs/4242",
                         std::string message = "") {
  return [=](observe::Observation& o) { o.builds.push_back({kRepo, version, id, url, state, message}); };
}

// SpaceObservation edits, for EditSpace.
using SpaceEdit = std::function<void(observe::SpaceObservation&)>;
inline SpaceEdit SetStage(std::string stage, std::string message = "") {
  return [=](observe::SpaceObservation& s) {
    s.stage = stage;
    s.error_message = message;
  };
}

}  // namespace spaceport::plan::testing
