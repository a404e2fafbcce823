// A real build through the command backend: `buildah bud` (vfs storage, chroot isolation, no
// daemon) of a tiny Dockerfile, then `buildah push` to a real registry (the CNCF Distribution
// registry started by tests/support), all driven by CommandBuilder with IMAGE in the
// environment. The image is then read back from the registry with skopeo: a real image in a real
// registry, not a claim in a log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "act/build_command.h"
#include "base/json.h"
#include "support/process.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"

namespace spaceport::build_testing {
namespace {

using ::testing::HasSubstr;

TEST(CommandBuilderWithBuildah, BuildsATinyDockerfileAndPushesItToARealRegistry) {
  ASSERT_TRUE(support::RequireExecutable("buildah").ok()) << "run scripts/setup";
  ASSERT_TRUE(support::RequireExecutable("skopeo").ok()) << "run scripts/setup";
  auto registry = support::RegistryProcess::Start({});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();

  support::TempDir work("build-buildah");
  const auto context = work.path() / "context";
  ASSERT_TRUE(support::WriteFile(context / "hello.txt", "hello from spaceport\n"));
  ASSERT_TRUE(support::WriteFile(context / "Dockerfile",
                                 "FROM scratch\nCOPY hello.txt /hello.txt\n"
                                 "LABEL org.opencontainers.image.title=spaceport-build-test\n"));
  const std::string buildah = "buildah --root " + (work.path() / "root").string() +
                              " --runroot " + (work.path() / "run").string() +
                              " --storage-driver vfs";
  // The test's own script; Spaceport passes the argv as is (no shell of its own).
  const std::string script = buildah + " bud --isolation chroot -t localhost/built:latest " +
                             context.string() + " && " + buildah +
                             " push --tls-verify=false localhost/built:latest \"docker://$IMAGE\"";

  act::BuildRequest request;
  request.repository = (*registry)->host() + "/owner/built";
  request.version = "v1.0.0";
  request.build_id = "sp-b01d00000001";
  request.spec.command = spec::CommandBuild{{"/bin/sh", "-c", script}, spec::Duration{600, "10m"}, {}};

  FakeClock clock;
  act::CommandBuilder builder(work.path() / "state", clock);
  auto handle = builder.Start(request);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  act::BuildState state;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto polled = builder.Poll(request, *handle);
    ASSERT_TRUE(polled.ok()) << polled.status().ToString();
    state = *polled;
  } while (!state.finished() && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(state.phase, act::BuildPhase::kSucceeded) << state.message << "\n" << state.output_tail;

  support::CommandResult inspect = support::RunCommand(
      {"skopeo", "inspect", "--tls-verify=false", "docker://" + request.Image()});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  auto doc = Json::Parse(inspect.output);
  ASSERT_TRUE(doc.ok()) << inspect.output;
  EXPECT_THAT(doc->GetString("Digest"), ::testing::StartsWith("sha256:"));
  const Json* labels = doc->Find("Labels");
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(labels->GetString("org.opencontainers.image.title"), "spaceport-build-test");
  EXPECT_EQ(doc->Find("Layers")->size(), 1u);
}

}  // namespace
}  // namespace spaceport::build_testing
