#include "plan/plan_image.h"

#include <array>

#include "base/digest.h"

namespace spaceport::plan {
namespace {

std::string IndexKey(std::string_view repository, std::string_view version) {
  std::string key(repository);
  key += '\n';
  key += version;
  return key;
}

const char* Backend(const spec::BuildSpec& build) {
  if (build.github_actions) return "githubActions";
  if (build.kubernetes_job) return "kubernetesJob";
  return "command";
}

}  // namespace

std::string BuildId(std::string_view deployment_key, std::string_view repository,
                    std::string_view version) {
  std::string text(deployment_key);
  text += '\n';
  text += IndexKey(repository, version);
  return "sp-" + Sha256Hex(text).substr(0, 12);
}

bool IsFailedBuildState(std::string_view state) {
  static constexpr std::array<std::string_view, 8> kFailed = {
      "failed",   "failure",   "error",           "cancelled",
      "canceled", "timed_out", "startup_failure", "stale"};
  for (auto s : kFailed)
    if (state == s) return true;
  return false;
}

BuildIndex::BuildIndex(const std::vector<observe::BuildInFlight>& builds) {
  for (const auto& b : builds) by_image_[IndexKey(b.repository, b.version)].push_back(&b);
}

const std::vector<const observe::BuildInFlight*>& BuildIndex::Find(
    const std::string& repository, const std::string& version) const {
  static const std::vector<const observe::BuildInFlight*> kNone;
  auto it = by_image_.find(IndexKey(repository, version));
  return it == by_image_.end() ? kNone : it->second;
}

ImagePlan PlanMainImage(const spec::SpaceDeployment& d, const std::string& version,
                        const observe::Repository& repository, const BuildIndex& builds,
                        DeploymentBuilder& builder) {
  ImagePlan out;
  const std::string image = d.image.repository + ":" + version;
  if (auto it = repository.tags.find(version); it != repository.tags.end()) {
    out.base = &it->second;
    builder.SetResolved(version, it->second.digest);
    return out;
  }
  builder.SetResolved(version, "");
  builder.AddDrift(image, "image.tag", version, kAbsent);
  if (!d.image.build) {
    builder.Stall("ImageMissing");
    builder.AddNote(image + " does not exist and spec.image.build is not set");
    return out;
  }

  const observe::BuildInFlight* running = nullptr;
  const observe::BuildInFlight* failed = nullptr;
  for (const auto* b : builds.Find(d.image.repository, version)) {
    (IsFailedBuildState(b->state) ? failed : running) = b;
  }
  if (running != nullptr) {
    Params params = {{"image", image}, {"runID", running->id}, {"state", running->state}};
    if (!running->url.empty()) params["url"] = running->url;
    out.build_action = builder.AddAction(ActionKind::kAwaitBuild, image, std::move(params), {},
                                         "a build of " + image + " is " + running->state);
    return out;
  }
  if (failed != nullptr) {
    builder.Stall("BuildFailed");
    // A failed Job stays until deleted, and its name is the build's: deleting it lets the next
    // pass build again.
    const std::string retry = d.image.build->kubernetes_job
                                  ? "delete the Job to build again, or change the version"
                                  : "re-run the build or change the version";
    builder.AddNote("build of " + image + " " + failed->state +
                    (failed->message.empty() ? std::string() : ": " + failed->message) +
                    (failed->url.empty() ? std::string() : " (" + failed->url + ")") +
                    "; Spaceport does not retry it: " + retry);
    return out;
  }
  out.build_action = builder.AddAction(ActionKind::kBuildImage, image,
                                       {{"image", image},
                                        {"backend", Backend(*d.image.build)},
                                        {"buildID", BuildId(d.Key(), d.image.repository, version)}},
                                       {}, image + " does not exist");
  return out;
}

}  // namespace spaceport::plan
