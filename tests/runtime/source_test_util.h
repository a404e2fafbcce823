// What the source tests share: a valid SpaceDeployment document to put in files and commits, a
// broken one, the names a snapshot loaded, and a counter of Changed() calls that a test can wait
// on.
//
//   ChangeCounter changes;
//   source.Start(changes.Callback());
//   support::WriteFile(dir / "a.yaml", DeploymentYaml("a"));
//   EXPECT_TRUE(changes.WaitFor(1));   // at most 5 s; returns as soon as it fired
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/source.h"

namespace spaceport::runtime::source_test {

// A SpaceDeployment `name` in namespace default that owns the Space acme/<space or name>.
inline std::string DeploymentYaml(const std::string& name, const std::string& space = "") {
  return "apiVersion: spaceport.dev/v1alpha1\n"
         "kind: SpaceDeployment\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "spec:\n"
         "  image:\n"
         "    repository: ghcr.io/acme/" +
         name +
         "\n"
         "    version: v1.0.0\n"
         "  spaces:\n"
         "    - id: acme/" +
         (space.empty() ? name : space) + "\n";
}

// YAML that does not parse (an unclosed flow sequence).
inline constexpr const char* kBrokenYaml =
    "apiVersion: [spaceport.dev/v1alpha1\nkind: SpaceDeployment\n";

// The metadata.name of each deployment a snapshot loaded, in order.
inline std::vector<std::string> Names(const Snapshot& snapshot) {
  std::vector<std::string> names;
  for (const auto& d : snapshot.loaded.deployments) names.push_back(d.name);
  return names;
}

class ChangeCounter {
 public:
  std::function<void()> Callback() {
    return [this] {
      std::lock_guard<std::mutex> lock(mutex_);
      ++count_;
      cv_.notify_all();
    };
  }

  int count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
  }

  // True as soon as Changed() has been called `n` times in all; false after `bound`.
  bool WaitFor(int n, std::chrono::milliseconds bound = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, bound, [&] { return count_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

}  // namespace spaceport::runtime::source_test
