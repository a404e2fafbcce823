// Wrapper conventions: how the Hugging Face wrapper image of a main image is named, labelled and
// judged up to date. Pure functions shared by the planner (which decides whether a wrapper must be
// published) and act/ (which publishes it and must write exactly what the planner checks).
//
// A wrapper is REPO:hf-PLATFORM-VERSION, one platform, derived from the base REPO:VERSION by
// adding the spec's Env entries and "<port>/tcp" to ExposedPorts, and by stamping three labels:
// the base name, the digest of the base platform manifest it came from, and a hash of the wrapper
// spec. The labels are what make the check level-triggered: when the base tag moves or the spec
// changes, the wrapper in the registry says so itself, and nothing has to be remembered.
//
//   WrapperTag("arm/v7", "v1.0.0")                  == "hf-arm-v7-v1.0.0"
//   CheckWrapper(spec.wrapper, "amd64", base_digest, wrapper_tag_or_null).up_to_date()
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/observation.h"
#include "spec/types.h"

namespace spaceport::resolve {

inline constexpr std::string_view kLabelBaseName = "org.opencontainers.image.base.name";
inline constexpr std::string_view kLabelBaseDigest = "org.opencontainers.image.base.digest";
inline constexpr std::string_view kLabelSpecHash = "dev.spaceport.wrapper.spec-hash";

// "hf-" + platform with '/' → '-' + "-" + version: hf-amd64-v1.0.0, hf-arm-v7-v1.0.0.
std::string WrapperTag(std::string_view platform, std::string_view version);

// The platform whose wrapper the Spaces run: amd64 when listed (Spaces run on x86), else the first.
std::string SpacePlatform(const spec::WrapperSpec& wrapper);

// The wrapper's full Env: the base's entries ("K=V", in order) with each spec entry replacing the
// base entry of the same name in place, or appended at the end when the base has none.
std::vector<std::string> DesiredWrapperEnv(
    const std::vector<std::string>& base_env,
    const std::vector<std::pair<std::string, std::string>>& spec_env);

// The canonical text the spec hash is computed over (documented in docs/planning.md):
//   "spaceport.wrapper/v1\n" + "env K=V\n" per entry in order + "port N\n"
// with '\\' and newlines in names and values escaped as \\ and \n.
std::string WrapperSpecCanonicalText(const spec::WrapperSpec& wrapper);
// Sha256Hex of WrapperSpecCanonicalText: the value of the spec-hash label.
std::string WrapperSpecHash(const spec::WrapperSpec& wrapper);

// The platform entry of a tag (os is always linux), or nullptr.
const observe::PlatformImage* FindPlatform(const observe::TagInfo& tag, std::string_view platform);

// The digest a wrapper for `platform` must be derived from: the base tag's platforms[] entry digest
// (for a single-platform base that is the tag's own digest); the tag's digest when its platforms
// were not observed. nullopt when the base names only other platforms (nothing to derive from).
std::optional<std::string> BasePlatformDigest(const observe::TagInfo& base,
                                              std::string_view platform);

// One reason a wrapper is not up to date; `field` names what differs.
struct WrapperDifference {
  std::string field;  // wrapper.tag, wrapper.base, wrapper.env.K, wrapper.port, wrapper.spec-hash
  std::string desired;
  std::string observed;  // "<absent>" when missing
  std::string summary;   // one line for an action's reason, e.g. "base moved from X to Y"
};

struct WrapperCheck {
  std::vector<WrapperDifference> differences;  // empty: up to date
  bool up_to_date() const { return differences.empty(); }
};

// Judges an observed wrapper tag (nullptr: the tag does not exist) against the spec and the current
// base digest for its platform (nullopt: the base is not built yet, so any wrapper is stale).
// Up to date iff the tag exists, its base.digest label equals base_digest, its spec-hash label
// matches, its Env holds every spec K=V and its ExposedPorts holds "<port>/tcp". spec_hash is
// WrapperSpecHash(wrapper), computed here when empty (callers checking many wrappers pass it in).
WrapperCheck CheckWrapper(const spec::WrapperSpec& wrapper, std::string_view platform,
                          const std::optional<std::string>& base_digest,
                          const observe::TagInfo* wrapper_tag, std::string_view spec_hash = {});

}  // namespace spaceport::resolve
