// Defaults for SpaceDeployment fields: the single place they are defined.
// docs/spacedeployment.md lists the same values, and tests/spec/defaults_test.cpp checks that the
// document and these constants agree, so the numbers cannot drift apart.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace spaceport::spec {

inline constexpr std::string_view kApiVersion = "spaceport.dev/v1alpha1";
inline constexpr std::string_view kKind = "SpaceDeployment";

inline constexpr std::string_view kDefaultNamespace = "default";
inline constexpr std::string_view kDefaultPlatform = "amd64";
inline constexpr std::pair<std::string_view, std::string_view> kDefaultEnv[] = {
    {"HOST", "0.0.0.0"}, {"PORT", "7860"}};
inline constexpr int kDefaultPort = 7860;
inline constexpr std::string_view kDefaultDriftPolicy = "correct";
inline constexpr std::string_view kDefaultInterval = "5m";
inline constexpr int64_t kDefaultIntervalSeconds = 300;
inline constexpr std::string_view kDefaultBuildTimeout = "30m";
inline constexpr int64_t kDefaultBuildTimeoutSeconds = 1800;
inline constexpr int64_t kDefaultHealthTimeoutSeconds = 600;
inline constexpr std::string_view kDefaultGithubRef = "main";
// build.kubernetesJob: kaniko's executor, the Dockerfile at the context's root, one hour to
// build, and a finished Job kept for a day (by the TTL controller, where the cluster has one).
inline constexpr std::string_view kDefaultKubernetesJobImage = "gcr.io/kaniko-project/executor:v1.23.2";
inline constexpr std::string_view kDefaultDockerfile = "Dockerfile";
inline constexpr int64_t kDefaultJobActiveDeadlineSeconds = 3600;
inline constexpr int64_t kDefaultJobTtlSecondsAfterFinished = 86400;

// Hardware flavours the Hub accepts (hf-hub-api.md §6.3; h100 and h100x8 were removed Dec 2025).
inline constexpr std::string_view kHardwareFlavours[] = {
    "cpu-basic",   "cpu-upgrade", "cpu-performance", "cpu-xl",       "zero-a10g",
    "t4-small",    "t4-medium",   "l4x1",            "l4x4",         "l40sx1",
    "l40sx4",      "l40sx8",      "a10g-small",      "a10g-large",   "a10g-largex2",
    "a10g-largex4", "a100-large", "a100x4",          "a100x8",       "inf2x6",
    "sprx8"};

// Wrapper platforms (linux/<platform>); a "/" becomes "-" in the wrapper tag.
inline constexpr std::string_view kPlatforms[] = {"amd64", "arm64", "arm/v7", "arm/v6",
                                                  "386",   "ppc64le", "s390x", "riscv64"};

// README colours the Hub accepts for colorFrom/colorTo.
inline constexpr std::string_view kCardColours[] = {"red",    "yellow", "green", "blue",
                                                    "indigo", "purple", "pink",  "gray"};

}  // namespace spaceport::spec
