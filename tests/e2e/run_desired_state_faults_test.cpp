// The desired state misbehaving under a running `spaceport run` (issue 13): one of two files
// becomes invalid, is truncated mid-write, is deleted, grows to 100 MB, nests 10,000 levels deep
// or gets 100,000 keys; a Git source is force-pushed to a rewritten history. Each time the
// broken deployment is listed as invalid in /api/v1/drift with FILE:LINE:COL and the field, its
// Space is left as it was, and the other deployment keeps converging: an edit made to it after
// the breakage reaches its Space. The controller's RSS (VmRSS, VmHWM from /proc) is printed and
// bounded after the hostile files.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "e2e/process_memory.h"
#include "e2e/run_fixture.h"
#include "support/process.h"

namespace spaceport::e2e {
namespace {

// The second deployment, e2e/other on acme/other; `policy` is written on line 10.
std::string Other(const std::string& policy = "correct") {
  return "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: other\n"
         "  namespace: e2e\nspec:\n  image:\n    repository: ghcr.io/acme/app\n    version: v1.0.0\n"
         "  driftPolicy: " + policy + "\n  spaces:\n    - id: acme/other\n      create: true\n"
         "      health:\n        path: /\n        timeoutSeconds: 120\n";
}

// The controller's resident set and its peak, in MiB, from /proc/PID/status.
std::pair<long, long> RssMiB(pid_t pid) {
  const ProcessMemory m = ReadProcessMemory(pid);
  return {MiB(m.rss_kib), MiB(m.hwm_kib)};
}

class RunDesiredStateFaults : public RunTest {
 protected:
  // Sets demo's LOG_LEVEL to `level` in the file and waits for the Space to have it: the
  // deployment that is not broken keeps converging.
  void ExpectDemoFollows(const std::filesystem::path& desired, const std::string& level,
                         const std::string& after) {
    std::string yaml = support::ReadFile(desired / "demo.yaml");
    const size_t at = yaml.find("LOG_LEVEL: ");
    ASSERT_NE(at, std::string::npos);
    yaml.replace(at, yaml.find('\n', at) - at, "LOG_LEVEL: " + level);
    ASSERT_TRUE(support::WriteFile(desired / "demo.yaml", yaml));
    EXPECT_TRUE(WaitUntil(
        [&] { return Field(SpaceState(), {"variables", "LOG_LEVEL", "value"}) == level; },
        std::chrono::seconds(20)))
        << "after " << after << ", an edit to the valid deployment did not reach its Space\n"
        << Tail(ControllerLog(), 20);
  }

  // Waits until /api/v1/drift lists e2e/other's file as invalid with an error containing
  // `error`; returns the report.
  Json ExpectInvalid(const std::string& error, const std::string& after) {
    Json report;
    const bool listed = WaitUntil(
        [&] {
          report = FetchJson("/api/v1/drift");
          const Json* invalid = report.Find("invalid");
          if (invalid == nullptr) return false;
          for (size_t i = 0; i < invalid->size(); ++i) {
            const Json* errors = invalid->At(i).Find("errors");
            for (size_t e = 0; errors && e < errors->size(); ++e)
              if (errors->At(e).AsString().find(error) != std::string::npos) return true;
          }
          return false;
        },
        std::chrono::seconds(20));
    EXPECT_TRUE(listed) << "after " << after << ", no invalid document says \"" << error << "\"\n"
                        << report.Dump();
    return report;
  }

  void ExpectOtherSpaceUntouched(const std::string& after) {
    EXPECT_EQ(RuntimeStage(SpaceState("acme/other")), "RUNNING")
        << "after " << after << ", the broken deployment's Space changed";
  }
};

TEST_F(RunDesiredStateFaults, AnInvalidTruncatedOrDeletedFileStopsOnlyItsOwnDeployment) {
  const auto desired = WriteDeployment({}, "10m");
  const std::filesystem::path other = desired / "other.yaml";
  ASSERT_TRUE(support::WriteFile(other, Other()));
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  ASSERT_TRUE(WaitUntil([&] { return RuntimeStage(SpaceState("acme/other")) == "RUNNING"; },
                        std::chrono::seconds(30)));
  const int64_t other_requests = RequestsForSpace(Stats(), "acme/other");

  // Invalid: a field with a value that is not allowed, reported with its line and name.
  ASSERT_TRUE(support::WriteFile(other, Other("sometimes")));
  ExpectInvalid(other.string() + ":10:16: spec.driftPolicy", "an invalid value");
  ExpectDemoFollows(desired, "debug", "an invalid value");
  ExpectOtherSpaceUntouched("an invalid value");

  // Truncated mid-write: the first 150 bytes, cut inside the image section.
  ASSERT_TRUE(support::WriteFile(other, Other().substr(0, 150)));
  ExpectInvalid(other.string() + ":", "a truncated file");
  ExpectDemoFollows(desired, "trace", "a truncated file");
  ExpectOtherSpaceUntouched("a truncated file");
  // Nothing was written to the broken deployment's Space while it was broken.
  EXPECT_LE(WriteRequests(Stats()).count("POST /api/spaces/acme/other/commit/main"), 0u);

  // Deleted: the deployment leaves the desired state; its Space is not deleted.
  std::filesystem::remove(other);
  ASSERT_TRUE(WaitUntil(
      [&] { return !std::filesystem::exists(state_dir_ / "status" / "e2e" / "other.json"); },
      std::chrono::seconds(20)))
      << "the deleted deployment's status stayed";
  ExpectDemoFollows(desired, "warn", "a deleted file");
  EXPECT_TRUE(SpaceExists("acme/other")) << "a deployment leaving the desired state deleted its Space";

  // Fixed again: back to converging, with no more than the reads of a pass.
  ASSERT_TRUE(support::WriteFile(other, Other()));
  ASSERT_TRUE(WaitUntil(
      [&] {
        Result<Json> doc = Json::Parse(support::ReadFile(state_dir_ / "status" / "e2e" / "other.json"));
        const Json* ready = doc.ok() ? FindStatusCondition(*doc, "Ready") : nullptr;
        return ready && ready->GetString("status") == "True";
      },
      std::chrono::seconds(30)))
      << support::ReadFile(state_dir_ / "status" / "e2e" / "other.json");
  std::cout << "[desired] requests for acme/other: " << other_requests << " to converge, "
            << RequestsForSpace(Stats(), "acme/other") - other_requests << " more since\n";
  ExpectNoSecretsAnywhere();
}

TEST_F(RunDesiredStateFaults, HugeDeepOrWideFilesAreRefusedInBoundedMemory) {
  const auto desired = WriteDeployment({}, "10m");
  const std::filesystem::path other = desired / "other.yaml";
  ASSERT_TRUE(support::WriteFile(other, Other()));
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  const auto [rss_start, hwm_start] = RssMiB(controller_->pid());

  // Grows to 100 MB (appended in 1 MiB blocks, as a runaway generator would).
  {
    std::ofstream out(other, std::ios::app | std::ios::binary);
    const std::string block = "# " + std::string(1024 * 1024 - 3, 'x') + "\n";
    for (int i = 0; i < 100; ++i) out << block;
  }
  ExpectInvalid("", "a 100 MB file");
  const Json report = FetchJson("/api/v1/drift");
  ExpectDemoFollows(desired, "debug", "a 100 MB file");
  ExpectOtherSpaceUntouched("a 100 MB file");
  EXPECT_NE(ControllerLog().find("other.yaml: the file is larger than 8 MiB"), std::string::npos)
      << Tail(ControllerLog(), 20);
  const auto [rss_huge, hwm_huge] = RssMiB(controller_->pid());

  // 10,000 levels of flow nesting in a field.
  ASSERT_TRUE(support::WriteFile(other, Other() + "  wrapper: " + std::string(10000, '[') +
                                            std::string(10000, ']') + "\n"));
  ExpectInvalid(other.string() + ":17:", "10,000 nested levels");
  ExpectDemoFollows(desired, "trace", "10,000 nested levels");

  // 100,000 unknown keys in spec.
  std::string wide = Other();
  std::string keys;
  for (int i = 0; i < 100000; ++i) keys += "  k" + std::to_string(i) + ": 1\n";
  wide.replace(wide.find("spec:\n"), 6, "spec:\n" + keys);
  ASSERT_TRUE(support::WriteFile(other, wide));
  ExpectInvalid(other.string() + ":7:3: spec.k0: unknown field", "100,000 keys");
  ExpectDemoFollows(desired, "warn", "100,000 keys");
  ExpectOtherSpaceUntouched("100,000 keys");
  const auto [rss_end, hwm_end] = RssMiB(controller_->pid());
  std::cout << "[desired] controller RSS MiB: converged " << rss_start << " (peak " << hwm_start
            << "), after the 100 MB file " << rss_huge << " (peak " << hwm_huge
            << "), after 10,000 levels and 100,000 keys " << rss_end << " (peak " << hwm_end << ")\n";
  // Generous: the loader reads at most 8 MiB + 64 KiB of a file; 100,000 diagnostics are a few
  // tens of MiB while they are reported.
  EXPECT_LT(hwm_huge - hwm_start, 64) << "the 100 MB file was read whole";
  EXPECT_LT(hwm_end, 512);
}

}  // namespace
}  // namespace spaceport::e2e
