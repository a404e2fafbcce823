// The desired state as `spaceport run` reads it from a Git repository: the commit it deployed is
// the revision in the status, and a GitHub push webhook (signed) makes it fetch at once, although
// it polls only every 10 minutes — so a pushed change reaches the Space within seconds. A push
// with a bad signature fetches nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/digest.h"
#include "e2e/run_fixture.h"
#include "support/process.h"

namespace spaceport::e2e {
namespace {

class RunGitSource : public RunTest {
 protected:
  // git with a fixed identity and no user or system configuration; fails the test on error.
  std::string Git(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-c", "user.name=Spaceport Test", "-c",
                                     "user.email=test@spaceport.invalid", "-c",
                                     "init.defaultBranch=main"};
    argv.insert(argv.end(), args.begin(), args.end());
    support::CommandResult r = support::RunCommand(argv);
    if (r.exit_code != 0) {
      std::string line;
      for (const std::string& a : args) line += " " + a;
      ADD_FAILURE() << "git" << line << " exited " << r.exit_code << ":\n" << r.output;
    }
    return r.output;
  }

  // acme/deploy.git (bare, where the controller fetches from) and a work tree that pushes to it;
  // the deployment lives in spaces/demo.yaml.
  void MakeRepository(const std::string& yaml) {
    bare_ = dir_.path() / "remote" / "acme" / "deploy.git";
    work_ = dir_.path() / "work";
    std::filesystem::create_directories(bare_);
    Git({"init", "--bare", "-q", bare_.string()});
    Git({"init", "-q", work_.string()});
    Commit(yaml, "first deployment");
  }
  void Commit(const std::string& yaml, const std::string& message) {
    ASSERT_TRUE(support::WriteFile(work_ / "spaces" / "demo.yaml", yaml));
    Git({"-C", work_.string(), "add", "-A"});
    Git({"-C", work_.string(), "commit", "-q", "-m", message});
    Git({"-C", work_.string(), "push", "-q", bare_.string(), "HEAD:refs/heads/main"});
  }
  std::string Head() {
    std::string sha = Git({"-C", work_.string(), "rev-parse", "HEAD"});
    while (!sha.empty() && std::isspace(static_cast<unsigned char>(sha.back()))) sha.pop_back();
    return sha;
  }
  http::Response Push(const std::string& signature_secret) {
    const std::string body =
        R"({"ref":"refs/heads/main","repository":{"full_name":"acme/deploy",)"
        R"("clone_url":"https://github.com/acme/deploy.git","html_url":"https://github.com/acme/deploy"}})";
    http::Headers headers;
    headers.Set("Content-Type", "application/json");
    headers.Set("X-GitHub-Event", "push");
    headers.Set("X-Hub-Signature-256", "sha256=" + HmacSha256Hex(signature_secret, body));
    return Post("/hooks/github", body, headers);
  }

  std::filesystem::path bare_;
  std::filesystem::path work_;
};

TEST_F(RunGitSource, APushWebhookFetchesAtOnceAndTheCommitIsTheRecordedRevision) {
  const std::string yaml = WithInterval(DemoDeployment({}), "10m");
  ASSERT_NO_FATAL_FAILURE(MakeRepository(yaml));
  const std::string first = Head();
  const std::string source = "git:file://" + bare_.string() + "#main:spaces";
  ASSERT_NO_FATAL_FAILURE(StartControllerOn({"--source", source}, {"--git-poll-interval", "10m"}));
  ASSERT_TRUE(WaitConverged()) << StatusFile().Dump() << ControllerLog();
  ASSERT_TRUE(WaitIdle());
  EXPECT_EQ(StatusFile().GetString("revision"), first);
  EXPECT_EQ(FetchJson("/api/v1/status").GetString("revision"), first);
  // Positions name the file inside the repository, not the controller's cache.
  EXPECT_EQ(StatusFile().GetString("source").rfind("spaces/demo.yaml:", 0), 0u) << StatusFile().Dump();

  std::string changed = yaml;
  const size_t at = changed.find("LOG_LEVEL: info");
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, std::string("LOG_LEVEL: info").size(), "LOG_LEVEL: warning");
  ASSERT_NO_FATAL_FAILURE(Commit(changed, "quieter logs"));
  const std::string second = Head();

  // A push signed with the wrong secret is refused and fetches nothing.
  EXPECT_EQ(Push("not-the-secret").status, 401);
  ASSERT_TRUE(WaitIdle());
  EXPECT_EQ(Field(SpaceState(), {"variables", "LOG_LEVEL", "value"}), "info");
  EXPECT_EQ(StatusFile().GetString("revision"), first);

  const http::Response accepted = Push(kGithubWebhookSecret);
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_TRUE(WaitUntil(
      [&] { return Field(SpaceState(), {"variables", "LOG_LEVEL", "value"}) == "warning"; },
      std::chrono::seconds(20)))
      << "the pushed change did not reach the Space\n" << ControllerLog();
  ASSERT_TRUE(WaitConverged()) << StatusFile().Dump();
  EXPECT_EQ(StatusFile().GetString("revision"), second);
  ExpectNoSecretsAnywhere();
  EXPECT_EQ(StopController(), 0);
}

}  // namespace
}  // namespace spaceport::e2e
