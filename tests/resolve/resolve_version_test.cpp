// Version resolution (resolve/resolve_version.h), read as a table: what the deployment asks for,
// which tags the registry lists, what its Space runs now → the tag chosen or why none is.
#include "resolve/resolve_version.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "resolve/observation_index.h"
#include "resolve/space_image.h"

namespace spaceport::resolve {
namespace {

constexpr char kRepo[] = "ghcr.io/acme/app";
constexpr char kSpace[] = "acme/demo";

struct Case {
  std::string name;
  std::optional<std::string> version;  // spec.image.version
  std::optional<std::string> semver;   // spec.image.semver
  std::optional<std::vector<std::string>> tags;  // nullopt: the repository was not observed
  std::string running;                 // version the Space's Dockerfile runs; "" none
  std::string want_version;
  std::string want_stall;
};

class ResolveVersionTable : public ::testing::TestWithParam<Case> {};

TEST_P(ResolveVersionTable, ChoosesTheTagTheCaseStates) {
  const Case& c = GetParam();
  spec::SpaceDeployment d;
  d.image.repository = kRepo;
  d.image.version = c.version;
  d.image.semver = c.semver;
  spec::SpaceSpec space;
  space.id = kSpace;
  d.spaces.push_back(space);

  observe::Observation observation;
  if (c.tags) {
    observe::Repository& repo = observation.repositories[kRepo];
    for (const std::string& tag : *c.tags) repo.tags[tag].digest = "sha256:" + tag;
  }
  if (!c.running.empty()) {
    observe::SpaceObservation& s = observation.spaces[kSpace];
    s.exists = true;
    s.dockerfile = "FROM " + WrapperRef(kRepo, "amd64", c.running, "sha256:abc") + "\n";
  }
  ObservationIndex index(observation);
  TagIndex tags(index);
  ResolvedVersion v = ResolveVersion(d, index, tags);
  EXPECT_EQ(v.version, c.want_version);
  EXPECT_EQ(v.stall_reason, c.want_stall);
  EXPECT_EQ(v.repository != nullptr, c.tags.has_value());
  if (!c.want_stall.empty()) {
    EXPECT_FALSE(v.notes.empty()) << "a stall says why";
  }
}

const std::vector<std::string> kTags = {"v1.0.0", "v1.2.0", "v2.0.0-rc.1", "v1.10.0", "latest", "v2.0.0"};

INSTANTIATE_TEST_SUITE_P(
    Cases, ResolveVersionTable,
    ::testing::Values(
        Case{"APinnedVersionIsTakenAsWritten", "v1.0.0", {}, kTags, "", "v1.0.0", ""},
        Case{"APinnedVersionMayRollBackBelowWhatRuns", "v1.0.0", {}, kTags, "v2.0.0", "v1.0.0", ""},
        Case{"APinnedVersionNeedNotBeListedYetItIsBuiltLater", "v9.9.9", {}, kTags, "", "v9.9.9", ""},
        Case{"APolicyPicksTheNewestMatchNumericallyNotByText", {}, "^1.0.0", kTags, "", "v1.10.0", ""},
        Case{"APolicyPicksAcrossMajorsWhenTheRangeAllows", {}, ">=1.0.0", kTags, "", "v2.0.0", ""},
        Case{"APolicyNeverDowngradesBelowWhatTheSpaceRuns", {}, "~1.2.0", kTags, "v1.10.0", "v1.10.0", ""},
        Case{"APolicyMovesUpFromWhatTheSpaceRuns", {}, "^1.0.0", kTags, "v1.2.0", "v1.10.0", ""},
        Case{"APolicyWithoutAMatchStallsNoMatchingTag", {}, "^3.0.0", kTags, "", "", "NoMatchingTag"},
        Case{"AnInvalidRangeStallsNoMatchingTag", {}, "not a range", kTags, "", "", "NoMatchingTag"},
        Case{"AnUnobservedRepositoryStallsImageUnobserved", {}, "^1.0.0", std::nullopt, "", "", "ImageUnobserved"},
        Case{"AnUnobservedRepositoryStallsEvenAPin", "v1.0.0", {}, std::nullopt, "", "", "ImageUnobserved"}),
    [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

}  // namespace
}  // namespace spaceport::resolve
