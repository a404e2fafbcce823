// The desired state of the controller crash test (run_crash_test.cpp), one generation per round:
// four SpaceDeployments in namespace "crash" with five `create: true` Spaces, which move on every
// round so that every start of the controller has writes to make, not only Spaces to wait for.
//
//   generation g    0..19
//   alpha (2)       v1.0.0 until 8, then v1.1.0
//   beta            v1.0.0 until 12, then v1.1.0
//   gamma           v1.1.0 until 4, v1.2.0 until 12, then v1.3.0
//   delta (built)   v2.0.0, v2.1.0 from 5, v2.2.0 from 10, v2.3.0 from 15 (not in the registry:
//                   each is built by the deployment's `build: command:`)
//   LOG_LEVEL       "level-g": a variable write on every Space in every generation
//   secret          rotated every 3 generations
//   hardware        beta cpu-upgrade from 3 and cpu-basic again from 11, gamma cpu-basic from 7,
//                   alpha-2 cpu-basic from 14
//
// No Space is ever asked for a version it had before, so two Spaceport commits with the same
// title on one Space are a duplicate, never a legitimate return to an old version.
//
//   for (const CrashDeployment& d : DesiredState(2))
//     support::WriteFile(dir / (d.name + ".yaml"), DeploymentYaml(d, build_script));
//   setenv("DEMO_API_KEY", SecretValue(2).c_str(), 1);
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "e2e/build_fixture.h"

namespace spaceport::e2e {

inline constexpr int kGenerations = 20;

// The base versions seeded into the registry (acme/app); the others are built.
inline const std::vector<std::string>& SeededVersions() {
  static const std::vector<std::string> kSeeded = {"v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0"};
  return kSeeded;
}

struct CrashSpace {
  std::string id;
  std::string hardware;
};

struct CrashDeployment {
  std::string name;     // metadata.name, in namespace "crash"
  std::string version;  // of ghcr.io/acme/app
  bool build = false;   // the version is not in the registry; `build: command:` makes it
  std::string log_level;
  std::vector<CrashSpace> spaces;
};

inline std::vector<CrashDeployment> DesiredState(int g) {
  const std::string level = "level-" + std::to_string(g);
  const char* delta = g < 5 ? "v2.0.0" : g < 10 ? "v2.1.0" : g < 15 ? "v2.2.0" : "v2.3.0";
  return {
      {"alpha",
       g < 8 ? "v1.0.0" : "v1.1.0",
       false,
       level,
       {{"acme/crash-alpha-1", "cpu-basic"},
        {"acme/crash-alpha-2", g < 14 ? "cpu-upgrade" : "cpu-basic"}}},
      {"beta",
       g < 12 ? "v1.0.0" : "v1.1.0",
       false,
       level,
       {{"acme/crash-beta", g >= 3 && g < 11 ? "cpu-upgrade" : "cpu-basic"}}},
      {"gamma",
       g < 4    ? "v1.1.0"
       : g < 12 ? "v1.2.0"
                : "v1.3.0",
       false,
       level,
       {{"acme/crash-gamma", g < 7 ? "cpu-upgrade" : "cpu-basic"}}},
      {"delta", delta, true, level, {{"acme/crash-delta", "cpu-basic"}}},
  };
}

// Every version any generation names.
inline std::set<std::string> AllVersions() {
  std::set<std::string> versions;
  for (int g = 0; g < kGenerations; ++g)
    for (const CrashDeployment& d : DesiredState(g)) versions.insert(d.version);
  return versions;
}

// The value of DEMO_API_KEY in generation g; never to be printed.
inline std::string SecretValue(int g) {
  return std::string(kSecretValue) + "-rotation-" + std::to_string(g / 3);
}

inline std::string SpaceName(const std::string& id) { return id.substr(id.find('/') + 1); }

inline std::string DeploymentYaml(const CrashDeployment& d,
                                  const std::filesystem::path& build_script) {
  std::string yaml =
      "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: " + d.name +
      "\n  namespace: crash\nspec:\n  image:\n    repository: ghcr.io/acme/app\n" +
      "    version: " + d.version + "\n";
  if (d.build) yaml += CommandBuild(build_script);
  yaml += "  spaces:\n";
  for (const CrashSpace& s : d.spaces) {
    yaml += "    - id: " + s.id + "\n      create: true\n      hardware: " + s.hardware +
            "\n      sleepTimeSeconds: 3600\n      variables:\n        LOG_LEVEL: " + d.log_level +
            "\n        SPACE_NAME: " + SpaceName(s.id) + "\n      secrets:\n        API_KEY:\n" +
            "          fromEnv: DEMO_API_KEY\n      health:\n        path: /\n" +
            "        timeoutSeconds: 120\n";
  }
  yaml += "  driftPolicy: correct\n";
  return yaml;
}

}  // namespace spaceport::e2e
