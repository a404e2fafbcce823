#include "plan/plan_wrapper.h"

#include <optional>
#include <vector>

#include "plan/space_files.h"
#include "resolve/space_image.h"
#include "resolve/wrapper.h"
#include "spec/defaults.h"

namespace spaceport::plan {
namespace {

std::string PlatformList(const observe::TagInfo& tag) {
  std::string out;
  for (const auto& p : tag.platforms) {
    if (!out.empty()) out += ",";
    out += p.platform;
  }
  return out;
}

// The loader always defaults platforms; a hand-built spec without any still gets the Space's one.
const std::vector<std::string>& Platforms(const spec::WrapperSpec& wrapper) {
  static const std::vector<std::string> kDefault = {std::string(spec::kDefaultPlatform)};
  return wrapper.platforms.empty() ? kDefault : wrapper.platforms;
}

// An index without a wanted platform cannot be wrapped for it: that part of the image is missing.
bool BaseHasAllPlatforms(const spec::SpaceDeployment& d, const std::string& base_ref,
                         const observe::TagInfo& base, DeploymentBuilder& builder) {
  bool ok = true;
  for (const auto& platform : Platforms(d.wrapper)) {
    if (resolve::BasePlatformDigest(base, platform)) continue;
    builder.AddDrift(base_ref, "image.platforms", platform, PlatformList(base));
    builder.AddNote(base_ref + " has no linux/" + platform + " image to wrap");
    ok = false;
  }
  if (!ok) builder.Stall("ImageMissing");
  return ok;
}

// "stale: base moved from X to Y; env differs": each kind of difference once, in check order.
std::string Summary(const resolve::WrapperCheck& check) {
  std::string out;
  for (const auto& diff : check.differences) {
    if (out.find(diff.summary) != std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += diff.summary;
  }
  return out;
}

}  // namespace

const std::string& SpecHashCache::Get(const spec::WrapperSpec& wrapper) {
  std::string text = resolve::WrapperSpecCanonicalText(wrapper);
  auto it = by_text_.find(text);
  if (it == by_text_.end()) {
    std::string hash = resolve::WrapperSpecHash(wrapper);
    it = by_text_.emplace(std::move(text), std::move(hash)).first;
  }
  return it->second;
}

WrapperPlan PlanWrappers(const spec::SpaceDeployment& d, const std::string& version,
                         const observe::Repository& repository, const ImagePlan& image,
                         SpecHashCache& hashes, DeploymentBuilder& builder) {
  WrapperPlan out;
  const std::string& repo = d.image.repository;
  const std::string base_ref = repo + ":" + version;
  if (image.base != nullptr && !BaseHasAllPlatforms(d, base_ref, *image.base, builder)) return out;

  const std::string space_platform = resolve::SpacePlatform(d.wrapper);
  const std::string& spec_hash = hashes.Get(d.wrapper);
  for (const auto& platform : Platforms(d.wrapper)) {
    const std::string tag = resolve::WrapperTag(platform, version);
    const std::string ref = repo + ":" + tag;
    std::optional<std::string> base_digest;
    if (image.base != nullptr) base_digest = resolve::BasePlatformDigest(*image.base, platform);

    auto observed = repository.tags.find(tag);
    const observe::TagInfo* wrapper_tag =
        observed == repository.tags.end() ? nullptr : &observed->second;
    resolve::WrapperCheck check = resolve::CheckWrapper(d.wrapper, platform, base_digest, wrapper_tag, spec_hash);

    if (check.up_to_date()) {
      if (platform == space_platform)
        out.space_ref = resolve::WrapperRef(repo, platform, version, wrapper_tag->digest);
      continue;
    }
    for (const auto& diff : check.differences)
      builder.AddDrift(ref, diff.field, diff.desired, diff.observed);
    // The base as observed: the publish refuses a base tag that moved since (act/wrapper_publisher.h).
    std::map<std::string, std::string> params = {{"base", base_ref}, {"wrapper", ref}, {"platform", platform}};
    if (base_digest) params["baseDigest"] = *base_digest;
    int id = builder.AddAction(ActionKind::kPublishWrapper, ref, std::move(params), {image.build_action},
                               Summary(check));
    if (platform == space_platform) {
      out.space_action = id;
      out.space_ref = resolve::WrapperRef(repo, platform, version, builder.FutureValue(id));
    }
  }
  return out;
}

}  // namespace spaceport::plan
