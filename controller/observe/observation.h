// Observation: what Spaceport saw of the world in one pass, as plain values.
//
// observe/ fills it from the registry, the Hub and the build backends; plan/ reads it. It can be
// saved and loaded as JSON (observe/observation_json.h; format in docs/observation.md) so that a
// plan can be reproduced offline: `spaceport plan --observation FILE`. Absent entries mean "not
// seen": a repository missing from `repositories` was not observed at all, while an observed
// repository without a tag means the tag does not exist.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spaceport::observe {

// What a drift or a wrapper difference says for a thing that was observed not to exist.
inline constexpr char kAbsent[] = "<absent>";

// The config facts of one platform image that planning needs.
struct PlatformImage {
  std::string platform;        // amd64, arm64, arm/v7 (os is always linux)
  std::string digest;          // digest of this platform's manifest
  std::vector<std::string> env;            // config.Env, "K=V", in order
  std::vector<std::string> exposed_ports;  // config.ExposedPorts keys, e.g. "7860/tcp"
  std::map<std::string, std::string> labels;  // config.Labels

  friend bool operator==(const PlatformImage&, const PlatformImage&) = default;
};

// One tag of a repository.
struct TagInfo {
  std::string digest;      // digest of the manifest or index the tag points at
  std::string media_type;  // its media type
  // Single-platform image: one entry; index: one per (non-attestation) platform.
  std::vector<PlatformImage> platforms;

  friend bool operator==(const TagInfo&, const TagInfo&) = default;
};

struct Repository {
  std::map<std::string, TagInfo> tags;  // every tag listed; TagInfo may be partial

  friend bool operator==(const Repository&, const Repository&) = default;
};

struct SecretInfo {
  std::string description;  // carries Spaceport's HMAC fingerprint, see plan/fingerprint.h

  friend bool operator==(const SecretInfo&, const SecretInfo&) = default;
};

struct SpaceObservation {
  bool exists = false;
  std::string sha;                        // head commit of the Space repo
  std::optional<std::string> dockerfile;  // content; nullopt when the file is absent
  std::optional<std::string> readme;
  std::string stage;                      // runtime stage, open set (RUNNING, BUILDING, ...)
  std::string error_message;              // runtime errorMessage in error stages
  std::optional<std::string> hardware;            // hardware.current (null when paused/building)
  std::optional<std::string> requested_hardware;  // hardware.requested
  std::optional<int64_t> sleep_time_seconds;      // gcTimeout
  std::map<std::string, std::string> variables;
  std::map<std::string, SecretInfo> secrets;      // keys only; values are write-only on the Hub

  friend bool operator==(const SpaceObservation&, const SpaceObservation&) = default;
};

// A build of an image version that is running now (found in the world, not remembered).
struct BuildInFlight {
  std::string repository;  // image repository
  std::string version;     // tag being built
  std::string id;          // backend's id (run id, pid)
  std::string url;         // run URL for reports, may be empty
  std::string state;       // queued, in_progress, failed, ... (open set)
  std::string message{};   // the backend's words on it ("the Job failed: DeadlineExceeded: ..."); may be empty

  friend bool operator==(const BuildInFlight&, const BuildInFlight&) = default;
};

struct Observation {
  std::map<std::string, Repository> repositories;   // by image repository
  std::map<std::string, SpaceObservation> spaces;   // by Space id OWNER/NAME
  std::vector<BuildInFlight> builds;
  // HMAC fingerprints of the desired secret values, by "SPACE_ID/KEY", computed by observe/ from
  // the resolved secret sources (the planner never sees a secret value).
  std::map<std::string, std::string> secret_fingerprints;
  std::string observed_at;  // RFC 3339, informational

  friend bool operator==(const Observation&, const Observation&) = default;
};

}  // namespace spaceport::observe
