// A githubActions build under `spaceport run`: the controller dispatches exactly one run, does
// not wait for it in a worker (it comes back every --progress-poll), and once the built tag is in
// the registry deploys it. The run's link is in the status (`buildUrl`) and in the
// DeploySucceeded notification, as ops need it.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <string>

#include "e2e/build_fixture.h"
#include "e2e/controller_process.h"
#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

class RunGithubBuild : public BuildE2eTest {
 protected:
  void SetUp() override {
    BuildE2eTest::SetUp();
    ASSERT_TRUE(receiver_.Start().ok());
  }
  Json Status() const {
    Result<Json> doc = Json::Parse(support::ReadFile(state_dir_ / "status" / "e2e" / "demo.json"));
    return doc.ok() ? *doc : Json();
  }
  std::string Ready() const {
    const Json status = Status();  // kept: the condition points into it
    const Json* ready = FindStatusCondition(status, "Ready");
    return ready ? ready->GetString("status") : "";
  }

  NotificationReceiver receiver_;
};

TEST_F(RunGithubBuild, DispatchesOneRunAndReportsItsLinkInStatusAndNotification) {
  StartGithub(WriteBuildScript("push.sh", BuildScript::Push("INPUT_VERSION", /*sleep=*/1)));
  ASSERT_FALSE(HasFailure());
  const auto desired = WriteDesired("desired", WithInterval(BuildDeployment("v2.0.0", GithubBuild()), "10m"));
  // The controller inherits this process's environment (each ctest test is its own process).
  ::setenv("HOME", (dir_.path() / "home").c_str(), 1);
  ::setenv("HF_TOKEN_E2E", kHubToken, 1);
  ::setenv("DEMO_API_KEY", kSecretValue, 1);
  ::setenv("GITHUB_TOKEN", kGithubToken, 1);
  ::setenv("GITHUB_API_URL", github_->base_url().c_str(), 1);
  auto controller = ControllerProcess::Start(
      {"run", desired.string(), "--config", config_.string(), "--notify", receiver_.url(),
       "--progress-poll", "300ms"},
      dir_.path() / "run.log");
  ASSERT_TRUE(controller.ok()) << controller.status().ToString();

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (Ready() != "True" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(Ready(), "True") << Status().Dump() << (*controller)->Log();

  const Json runs = GithubRuns();
  ASSERT_EQ(runs.size(), 1u) << "exactly one run should have been dispatched: " << runs.Dump();
  EXPECT_EQ(CountLines(Counter()), 1) << "the workflow's command should have run exactly once";
  const std::string run_url =
      github_->base_url() + "/acme/app/actions/runs/" + runs.At(0).Find("id")->Lexeme();
  EXPECT_EQ(Status().GetString("buildUrl"), run_url) << Status().Dump();
  ExpectRunningOnWrapperOf("v2.0.0");

  const auto bodies = receiver_.Bodies();
  int succeeded = 0;
  for (const std::string& body : bodies) {
    Result<Json> n = Json::Parse(body);
    ASSERT_TRUE(n.ok()) << body;
    if (n->GetString("event") != "DeploySucceeded") continue;
    ++succeeded;
    EXPECT_EQ(Field(*n, {"build", "url"}), run_url) << body;
    EXPECT_EQ(Field(*n, {"image", "ref"}), "ghcr.io/acme/app:v2.0.0") << body;
  }
  EXPECT_EQ(succeeded, 1) << bodies.size() << " notification(s)";
  const std::string log = (*controller)->Log();
  EXPECT_EQ(log.find(kGithubToken), std::string::npos) << "the GitHub token was logged";
  EXPECT_EQ(log.find(kSecretValue), std::string::npos) << "the secret was logged";
  EXPECT_EQ((*controller)->Terminate(), 0);
}

}  // namespace
}  // namespace spaceport::e2e
