// The git source against real repositories made with the git CLI in temp directories (file://
// and plain-path remotes): first fetch, new commits by RequestFetch and by polling, REF and PATH,
// failures that must name the problem but never a credential, and webhook matching.
#include "runtime/git_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "runtime/source_test_util.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace spaceport::runtime {
namespace {

namespace fs = std::filesystem;
using source_test::ChangeCounter;
using source_test::DeploymentYaml;
using source_test::Names;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

// Sets environment variables for one test and puts the old values back afterwards.
class ScopedEnv {
 public:
  void Set(const std::string& name, const std::string& value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace(name, old ? std::optional<std::string>(old) : std::nullopt);
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

class GitSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(support::RequireExecutable("git").ok()) << "run scripts/setup";
    // git reads no configuration of this machine or user, and commits need an identity. Set
    // before any thread of the test runs.
    fs::create_directories(dir_.path() / "home");
    env_.Set("HOME", (dir_.path() / "home").string());
    env_.Set("GIT_CONFIG_NOSYSTEM", "1");
    env_.Set("GIT_AUTHOR_NAME", "Spaceport Test");
    env_.Set("GIT_AUTHOR_EMAIL", "test@spaceport.invalid");
    env_.Set("GIT_COMMITTER_NAME", "Spaceport Test");
    env_.Set("GIT_COMMITTER_EMAIL", "test@spaceport.invalid");
    Git({"init", "--quiet", "--initial-branch=main", remote_.string()}, false);
    options_.cache_dir = (dir_.path() / "state").string();
    options_.poll_interval =
        std::chrono::hours(1);  // only RequestFetch fetches, unless a test says
  }

  // Runs git (in the remote repository unless `in_remote` is false); its trimmed output.
  std::string Git(std::vector<std::string> args, bool in_remote = true) {
    std::vector<std::string> argv{"git"};
    if (in_remote) argv.insert(argv.end(), {"-C", remote_.string()});
    argv.insert(argv.end(), args.begin(), args.end());
    const support::CommandResult result = support::RunCommand(argv);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::string out = result.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }

  // Writes `files` (path → content; "" deletes) into the remote and commits; the new sha.
  std::string Commit(const std::map<std::string, std::string>& files) {
    for (const auto& [path, content] : files) {
      if (content.empty()) {
        fs::remove(remote_ / path);
      } else {
        EXPECT_TRUE(support::WriteFile(remote_ / path, content));
      }
    }
    Git({"add", "--all"});
    Git({"commit", "--quiet", "--message", "change"});
    return Git({"rev-parse", "HEAD"});
  }

  std::string FileUrl() const { return "file://" + remote_.string(); }

  support::TempDir dir_{"git-source"};
  ScopedEnv env_;
  fs::path remote_ = dir_.path() / "remote";
  SourceOptions options_;
};

TEST_F(GitSourceTest, TheFirstLoadIsTheCommitTheRemoteHeadPointsAt) {
  const std::string sha = Commit({{"spaces/a.yaml", DeploymentYaml("a")}});
  GitSource source(FileUrl(), "", "", options_);
  ASSERT_TRUE(source.Start([] {}).ok()) << source.last_error().ToString();
  const auto snapshot = source.Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->revision, sha);
  EXPECT_THAT(Names(*snapshot), ::testing::ElementsAre("a"));
  EXPECT_TRUE(source.last_error().ok());
  EXPECT_EQ(source.Describe(), "git:" + FileUrl());
}

TEST_F(GitSourceTest, ANewCommitAfterRequestFetchFiresChangedAndLoads) {
  Commit({{"a.yaml", DeploymentYaml("a")}});
  GitSource source(FileUrl(), "main", "", options_);
  ChangeCounter changes;
  ASSERT_TRUE(source.Start(changes.Callback()).ok()) << source.last_error().ToString();
  const std::string second = Commit({{"b.yaml", DeploymentYaml("b")}});
  source.RequestFetch();
  ASSERT_TRUE(changes.WaitFor(1)) << source.last_error().ToString();
  const auto snapshot = source.Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->revision, second);
  EXPECT_THAT(Names(*snapshot), ::testing::ElementsAre("a", "b"));

  source.RequestFetch();  // nothing new: no second Changed()
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(changes.count(), 1);
  int checkouts = 0;
  for ([[maybe_unused]] const auto& entry :
       fs::directory_iterator(source.cache_path() + "/checkouts")) {
    ++checkouts;
  }
  EXPECT_EQ(checkouts, 1) << "the previous commit's checkout is removed";
}

TEST_F(GitSourceTest, ThePollIntervalAloneFetchesANewCommit) {
  Commit({{"a.yaml", DeploymentYaml("a")}});
  options_.poll_interval = milliseconds(100);
  GitSource source(FileUrl(), "", "", options_);
  ChangeCounter changes;
  ASSERT_TRUE(source.Start(changes.Callback()).ok());
  const std::string second = Commit({{"a.yaml", ""}, {"c.yaml", DeploymentYaml("c")}});
  ASSERT_TRUE(changes.WaitFor(1));
  EXPECT_EQ(source.Load()->revision, second);
  EXPECT_THAT(Names(*source.Load()), ::testing::ElementsAre("c"));
}

TEST_F(GitSourceTest, PathSelectsAFolderAndDiagnosticsNameFilesAsInTheRepository) {
  const std::string sha = Commit({{"spaces/prod/a.yaml", DeploymentYaml("a")},
                                  {"spaces/prod/broken.yaml", source_test::kBrokenYaml},
                                  {"spaces/dev/b.yaml", DeploymentYaml("b")}});
  // The plain-path form of the URL, parsed as the flag is.
  auto source = ParseSourceSpec("git:" + remote_.string() + "#main:spaces/prod", options_);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ASSERT_TRUE((*source)->Start([] {}).ok());
  const auto snapshot = (*source)->Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->revision, sha);
  EXPECT_THAT(Names(*snapshot), ::testing::ElementsAre("a"));
  ASSERT_FALSE(snapshot->loaded.diagnostics.empty());
  EXPECT_EQ(snapshot->loaded.diagnostics[0].position.file, "spaces/prod/broken.yaml");
  EXPECT_EQ(snapshot->loaded.deployments[0].position.file, "spaces/prod/a.yaml");
  EXPECT_EQ(snapshot->loaded.deployments[0].spaces[0].position.file, "spaces/prod/a.yaml");
}

TEST_F(GitSourceTest, APathTheCommitDoesNotHaveIsNotFound) {
  Commit({{"a.yaml", DeploymentYaml("a")}});
  GitSource source(FileUrl(), "", "deploy", options_);
  ASSERT_TRUE(source.Start([] {}).ok());
  const auto snapshot = source.Load();
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(snapshot.status().message(), HasSubstr("deploy does not exist"));
}

TEST_F(GitSourceTest, ATagLoadsTheCommitItPointsAtNotTheBranch) {
  const std::string tagged = Commit({{"a.yaml", DeploymentYaml("a")}});
  Git({"tag", "--annotate", "v1", "--message", "release v1"});
  Commit({{"b.yaml", DeploymentYaml("b")}});
  GitSource source(FileUrl(), "v1", "", options_);
  ASSERT_TRUE(source.Start([] {}).ok()) << source.last_error().ToString();
  EXPECT_EQ(source.Load()->revision, tagged);
  EXPECT_THAT(Names(*source.Load()), ::testing::ElementsAre("a"));
}

TEST_F(GitSourceTest, ARefTheRemoteDoesNotHaveFailsStartWithNotFoundNamingIt) {
  Commit({{"a.yaml", DeploymentYaml("a")}});
  GitSource source(FileUrl(), "no-such-branch", "", options_);
  const Status started = source.Start([] {});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), StatusCode::kNotFound);
  EXPECT_THAT(started.message(), HasSubstr("no-such-branch"));
  const auto snapshot = source.Load();
  ASSERT_FALSE(snapshot.ok()) << "never fetched: Load has the fetch's error";
  EXPECT_THAT(snapshot.status().message(), HasSubstr("no-such-branch"));
}

TEST_F(GitSourceTest, AnUnreachableUrlFailsStartNamingItWithoutItsCredentials) {
  GitSource source("https://user:secret@127.0.0.1:1/x.git", "main", "", options_);
  const Status started = source.Start([] {});
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.message(), HasSubstr("127.0.0.1:1/x.git"));
  EXPECT_THAT(started.message(), Not(HasSubstr("secret")));
  EXPECT_THAT(started.message(), Not(HasSubstr("user:")));
  EXPECT_THAT(source.last_error().message(), Not(HasSubstr("secret")));
  EXPECT_EQ(source.Describe(), "git:https://***@127.0.0.1:1/x.git#main");
  EXPECT_THAT(source.cache_path(), Not(HasSubstr("secret")));
}

TEST_F(GitSourceTest, AFailedFetchAfterAGoodOneKeepsTheLastCheckoutAndRemembersTheError) {
  const std::string sha = Commit({{"a.yaml", DeploymentYaml("a")}});
  GitSource source(FileUrl(), "main", "", options_);
  ASSERT_TRUE(source.Start([] {}).ok());
  fs::rename(remote_, dir_.path() / "gone");
  source.RequestFetch();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (source.last_error().ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_FALSE(source.last_error().ok());
  EXPECT_THAT(source.last_error().message(), HasSubstr(remote_.string()));
  const auto snapshot = source.Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->revision, sha);
  EXPECT_THAT(Names(*snapshot), ::testing::ElementsAre("a"));

  fs::rename(dir_.path() / "gone", remote_);
  source.RequestFetch();
  const auto recovered = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!source.last_error().ok() && std::chrono::steady_clock::now() < recovered) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(source.last_error().ok()) << "a good fetch clears the error";
}

TEST_F(GitSourceTest, ASecondProcessReusesTheCacheAnEarlierOneLeft) {
  const std::string sha = Commit({{"a.yaml", DeploymentYaml("a")}});
  std::string cache;
  {
    GitSource first(FileUrl(), "", "", options_);
    ASSERT_TRUE(first.Start([] {}).ok());
    cache = first.cache_path();
  }
  GitSource second(FileUrl(), "", "", options_);
  EXPECT_EQ(second.cache_path(), cache);
  ASSERT_TRUE(second.Start([] {}).ok()) << second.last_error().ToString();
  EXPECT_EQ(second.Load()->revision, sha);
}

TEST_F(GitSourceTest, LoadBeforeStartIsAFailedPrecondition) {
  GitSource source(FileUrl(), "", "", options_);
  EXPECT_EQ(source.Load().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(GitSourceTest, WithoutACacheDirectoryStartFails) {
  options_.cache_dir.clear();
  GitSource source(FileUrl(), "", "", options_);
  const Status started = source.Start([] {});
  EXPECT_EQ(started.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(started.message(), HasSubstr("cache directory"));
}

// A stand-in for git that hangs, to see Stop and the timeout end it.
std::string HangingGit(const fs::path& dir) {
  const fs::path script = dir / "hanging-git";
  support::WriteFile(script, "#!/bin/sh\nexec sleep 30\n");
  ::chmod(script.c_str(), 0755);
  return script.string();
}

TEST_F(GitSourceTest, StopKillsAFetchInFlight) {
  options_.git_binary = HangingGit(dir_.path());
  GitSource source(FileUrl(), "", "", options_);
  auto started = std::async(std::launch::async, [&] { return source.Start([] {}); });
  std::this_thread::sleep_for(milliseconds(200));
  const auto stop_began = std::chrono::steady_clock::now();
  source.Stop();
  ASSERT_EQ(started.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_began, std::chrono::seconds(2));
  EXPECT_FALSE(started.get().ok());
}

TEST_F(GitSourceTest, AGitCommandOverItsTimeoutIsKilled) {
  options_.git_binary = HangingGit(dir_.path());
  options_.git_timeout = milliseconds(300);
  GitSource source(FileUrl(), "", "", options_);
  const auto began = std::chrono::steady_clock::now();
  const Status started = source.Start([] {});
  EXPECT_EQ(started.code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
}

// --- webhook matching, identity and redaction: pure functions ---

struct MatchCase {
  const char* source_url;
  const char* source_ref;
  const char* push_repository;
  const char* push_ref;
  bool matches;
};

TEST(GitSourceMatches, APushMatchesTheSameRepositoryAndRefInAnyForm) {
  const MatchCase cases[] = {
      {"https://github.com/acme/deploy", "main", "https://github.com/acme/deploy.git",
       "refs/heads/main", true},
      {"https://github.com/acme/deploy", "main", "acme/deploy", "refs/heads/main", true},
      {"https://github.com/acme/deploy", "main", "Acme/Deploy", "refs/heads/main", true},
      {"https://tok@GitHub.com/acme/deploy.git/", "main", "git@github.com:acme/deploy.git",
       "refs/heads/main", true},
      {"ssh://git@github.com:22/acme/deploy.git", "main", "https://github.com/acme/deploy",
       "refs/heads/main", true},
      {"https://github.com/acme/deploy", "v1", "acme/deploy", "refs/tags/v1", true},
      {"https://github.com/acme/deploy", "", "acme/deploy", "refs/heads/anything", true},
      {"https://github.com/acme/deploy", "main", "acme/deploy", "", true},
      {"https://github.com/acme/deploy", "main", "acme/deploy", "refs/heads/dev", false},
      {"https://github.com/acme/deploy", "main", "acme/other", "refs/heads/main", false},
      {"https://github.com/acme/deploy", "main", "https://gitlab.com/acme/deploy",
       "refs/heads/main", false},
      {"https://github.com/acme/deploy", "main", "other/acme/deploy", "refs/heads/main", false},
  };
  SourceOptions options;
  for (const MatchCase& c : cases) {
    GitSource source(c.source_url, c.source_ref, "", options);
    EXPECT_EQ(source.Matches(c.push_repository, c.push_ref), c.matches)
        << c.source_url << "#" << c.source_ref << " vs " << c.push_repository << " " << c.push_ref;
  }
}

TEST(RepositoryIdentity, DropsSchemeCredentialsPortAndGitSuffix) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://tok@GitHub.com/Acme/Deploy.git/", "github.com/acme/deploy"},
      {"git@github.com:acme/deploy.git", "github.com/acme/deploy"},
      {"ssh://git@github.com:22/acme/deploy", "github.com/acme/deploy"},
      {"file:///srv/Repo.git", "/srv/Repo"},
      {"/srv/repo.git/", "/srv/repo"},
  };
  for (const auto& [url, identity] : cases) EXPECT_EQ(RepositoryIdentity(url), identity) << url;
}

TEST(RedactUrlCredentials, HidesUserinfoWhereverAUrlAppears) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://user:tok@host/x", "https://***@host/x"},
      {"https://tok@host", "https://***@host"},
      {"fatal: unable to access 'https://u:p@h/x.git/': refused",
       "fatal: unable to access 'https://***@h/x.git/': refused"},
      {"https://host/x@y", "https://host/x@y"},
      {"git@github.com:acme/deploy.git", "git@github.com:acme/deploy.git"},
      {"a https://a:b@h1/ b ssh://c@h2/", "a https://***@h1/ b ssh://***@h2/"},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(RedactUrlCredentials(in), out) << in;
}

TEST(GitSourceCache, IsKeyedByUrlRefAndPathButNotByCredentials) {
  SourceOptions options;
  options.cache_dir = "/state";
  const auto cache = [&](const char* url, const char* ref, const char* path) {
    return GitSource(url, ref, path, options).cache_path();
  };
  const std::string plain = cache("https://github.com/acme/deploy", "main", "");
  EXPECT_THAT(plain, ::testing::MatchesRegex("/state/git/[0-9a-f]{16}"));
  EXPECT_EQ(cache("https://x:tok@github.com/acme/deploy", "main", ""), plain);
  EXPECT_EQ(cache("https://y:rotated@github.com/acme/deploy", "main", ""), plain);
  EXPECT_NE(cache("https://github.com/acme/deploy", "dev", ""), plain);
  EXPECT_NE(cache("https://github.com/acme/deploy", "main", "spaces"), plain);
  EXPECT_NE(cache("https://github.com/acme/other", "main", ""), plain);
}

}  // namespace
}  // namespace spaceport::runtime
