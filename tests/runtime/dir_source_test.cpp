// The directory source: its revision, what Load reads, and which file-system changes the
// inotify watch and the rescan report (and which they keep quiet about).
#include "runtime/dir_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <functional>
#include <ostream>
#include <thread>

#include "runtime/source_test_util.h"
#include "support/temp_dir.h"

namespace spaceport::runtime {
namespace {

namespace fs = std::filesystem;
using source_test::ChangeCounter;
using source_test::DeploymentYaml;
using source_test::Names;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

SourceOptions FastOptions() {
  SourceOptions options;
  options.debounce = milliseconds(20);
  options.rescan_interval = std::chrono::seconds(60);  // events alone must be enough
  return options;
}

// --- revision ---

TEST(DirectoryRevision, IsStableUntilAYamlFileChangesAndFollowsContentNotTime) {
  support::TempDir dir("dir-source");
  ASSERT_TRUE(support::WriteFile(dir.path() / "a.yaml", DeploymentYaml("a")));
  ASSERT_TRUE(support::WriteFile(dir.path() / "sub" / "b.yml", DeploymentYaml("b")));
  const auto first = DirectoryRevision(dir.path().string());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_THAT(*first, ::testing::MatchesRegex("sha256:[0-9a-f]{64}"));
  EXPECT_EQ(*DirectoryRevision(dir.path().string()), *first);

  // Files the loader never reads do not count.
  ASSERT_TRUE(support::WriteFile(dir.path() / "README.md", "notes"));
  ASSERT_TRUE(support::WriteFile(dir.path() / ".hidden.yaml", DeploymentYaml("h")));
  ASSERT_TRUE(support::WriteFile(dir.path() / ".git" / "x.yaml", DeploymentYaml("g")));
  EXPECT_EQ(*DirectoryRevision(dir.path().string()), *first);

  ASSERT_TRUE(support::WriteFile(dir.path() / "a.yaml", DeploymentYaml("a", "other")));
  const auto edited = DirectoryRevision(dir.path().string());
  EXPECT_NE(*edited, *first);

  fs::rename(dir.path() / "a.yaml", dir.path() / "c.yaml");
  EXPECT_NE(*DirectoryRevision(dir.path().string()), *edited) << "a rename is a change";

  fs::rename(dir.path() / "c.yaml", dir.path() / "a.yaml");
  ASSERT_TRUE(support::WriteFile(dir.path() / "a.yaml", DeploymentYaml("a")));
  EXPECT_EQ(*DirectoryRevision(dir.path().string()), *first) << "same files, same revision";
}

TEST(DirectoryRevision, OfAMissingPathIsNotFoundNamingIt) {
  support::TempDir dir("dir-source");
  const std::string missing = (dir.path() / "nowhere").string();
  const auto revision = DirectoryRevision(missing);
  ASSERT_FALSE(revision.ok());
  EXPECT_EQ(revision.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(revision.status().message(), HasSubstr(missing));
}

// --- Load ---

TEST(DirSource, LoadsAValidFileBesideABrokenOneAndReportsTheBrokenOne) {
  support::TempDir dir("dir-source");
  ASSERT_TRUE(support::WriteFile(dir.path() / "good.yaml", DeploymentYaml("good")));
  ASSERT_TRUE(support::WriteFile(dir.path() / "broken.yaml", source_test::kBrokenYaml));
  DirSource source(dir.path().string(), FastOptions());
  const auto snapshot = source.Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_THAT(Names(*snapshot), ::testing::ElementsAre("good"));
  ASSERT_TRUE(snapshot->loaded.has_errors());
  EXPECT_THAT(snapshot->loaded.diagnostics[0].position.file, HasSubstr("broken.yaml"));
  EXPECT_EQ(snapshot->revision, *DirectoryRevision(dir.path().string()));
  EXPECT_EQ(source.Describe(), "dir:" + dir.path().string());
  EXPECT_FALSE(source.Matches("acme/deploy", "refs/heads/main"));
}

TEST(DirSource, LoadAndStartOfAMissingPathFailNamingIt) {
  support::TempDir dir("dir-source");
  const std::string missing = (dir.path() / "nowhere").string();
  DirSource source(missing, FastOptions());
  const auto snapshot = source.Load();
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(snapshot.status().message(), HasSubstr(missing));
  const Status started = source.Start([] {});
  EXPECT_EQ(started.code(), StatusCode::kNotFound);
  EXPECT_THAT(started.message(), HasSubstr(missing));
}

TEST(DirSource, ASingleFileIsLoadedAloneAndItsRevisionIgnoresItsNeighbours) {
  support::TempDir dir("dir-source");
  ASSERT_TRUE(support::WriteFile(dir.path() / "one.yaml", DeploymentYaml("one")));
  ASSERT_TRUE(support::WriteFile(dir.path() / "two.yaml", DeploymentYaml("two")));
  DirSource source((dir.path() / "one.yaml").string(), FastOptions());
  const auto before = source.Load();
  ASSERT_TRUE(before.ok());
  EXPECT_THAT(Names(*before), ::testing::ElementsAre("one"));
  ASSERT_TRUE(support::WriteFile(dir.path() / "two.yaml", DeploymentYaml("two", "elsewhere")));
  EXPECT_EQ(source.Load()->revision, before->revision);
}

// --- watching ---

// Each case changes the watched directory one way; `fires` says whether Changed() must follow.
struct WatchCase {
  const char* name;
  std::function<void(const fs::path&)> change;
  bool fires;

  friend void PrintTo(const WatchCase& c, std::ostream* os) { *os << c.name; }
};

class DirSourceWatch : public ::testing::TestWithParam<WatchCase> {};

TEST_P(DirSourceWatch, ChangedFiresExactlyWhenTheYamlChanged) {
  support::TempDir dir("dir-source");
  ASSERT_TRUE(support::WriteFile(dir.path() / "a.yaml", DeploymentYaml("a")));
  ASSERT_TRUE(support::WriteFile(dir.path() / "deep" / "er" / "b.yaml", DeploymentYaml("b")));
  SourceOptions options = FastOptions();
  // A change must be seen by inotify alone; when nothing changed, frequent rescans must stay quiet.
  options.rescan_interval = GetParam().fires ? std::chrono::hours(1) : milliseconds(50);
  DirSource source(dir.path().string(), options);
  ChangeCounter changes;
  ASSERT_TRUE(source.Start(changes.Callback()).ok());
  GetParam().change(dir.path());
  if (GetParam().fires) {
    EXPECT_TRUE(changes.WaitFor(1)) << "no Changed() within 5 s";
  } else {
    std::this_thread::sleep_for(milliseconds(400));  // several rescans and debounce windows
    EXPECT_EQ(changes.count(), 0);
  }
  source.Stop();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DirSourceWatch,
    ::testing::Values(
        WatchCase{
            "a new file fires",
            [](const fs::path& d) { support::WriteFile(d / "new.yaml", DeploymentYaml("new")); },
            true},
        WatchCase{"an edited file fires",
                  [](const fs::path& d) {
                    support::WriteFile(d / "a.yaml", DeploymentYaml("a", "moved"));
                  },
                  true},
        WatchCase{"an editor's write-then-rename fires",
                  [](const fs::path& d) {
                    support::WriteFile(d / ".a.yaml.swp", DeploymentYaml("a", "renamed"));
                    fs::rename(d / ".a.yaml.swp", d / "a.yaml");
                  },
                  true},
        WatchCase{"a deleted file fires", [](const fs::path& d) { fs::remove(d / "a.yaml"); },
                  true},
        WatchCase{"a file in a new subdirectory fires",
                  [](const fs::path& d) {
                    fs::create_directories(d / "new" / "nested");
                    std::this_thread::sleep_for(milliseconds(100));  // past the debounce
                    support::WriteFile(d / "new" / "nested" / "c.yaml", DeploymentYaml("c"));
                  },
                  true},
        WatchCase{"a file in an existing deep subdirectory fires",
                  [](const fs::path& d) {
                    support::WriteFile(d / "deep" / "er" / "b.yaml", DeploymentYaml("b", "x"));
                  },
                  true},
        WatchCase{"a subdirectory moved away fires",
                  [](const fs::path& d) { fs::rename(d / "deep", d / ".trash"); }, true},
        WatchCase{"nothing happening never fires", [](const fs::path&) {}, false},
        WatchCase{"a non-YAML file never fires",
                  [](const fs::path& d) { support::WriteFile(d / "notes.txt", "hello"); }, false},
        WatchCase{"a hidden file never fires",
                  [](const fs::path& d) {
                    support::WriteFile(d / ".draft.yaml", DeploymentYaml("draft"));
                  },
                  false},
        WatchCase{"rewriting the same content never fires",
                  [](const fs::path& d) { support::WriteFile(d / "a.yaml", DeploymentYaml("a")); },
                  false}),
    [](const ::testing::TestParamInfo<WatchCase>& param_info) {
      std::string name;
      for (const char* c = param_info.param.name; *c != '\0'; ++c) {
        name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
      }
      return name;
    });

TEST(DirSource, ASingleFileSourceSeesItsFileReplacedByRename) {
  support::TempDir dir("dir-source");
  const fs::path file = dir.path() / "deploy.yaml";
  ASSERT_TRUE(support::WriteFile(file, DeploymentYaml("a")));
  DirSource source(file.string(), FastOptions());
  ChangeCounter changes;
  ASSERT_TRUE(source.Start(changes.Callback()).ok());

  ASSERT_TRUE(support::WriteFile(dir.path() / "other.yaml", DeploymentYaml("other")));
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(changes.count(), 0) << "a neighbour of the file is not the source";

  ASSERT_TRUE(support::WriteFile(dir.path() / "deploy.yaml.tmp", DeploymentYaml("b")));
  fs::rename(dir.path() / "deploy.yaml.tmp", file);
  EXPECT_TRUE(changes.WaitFor(1));
  EXPECT_THAT(Names(*source.Load()), ::testing::ElementsAre("b"));
}

TEST(DirSource, ABurstOfWritesWithinTheDebounceFiresOnce) {
  support::TempDir dir("dir-source");
  SourceOptions options = FastOptions();
  options.debounce = milliseconds(1500);
  DirSource source(dir.path().string(), options);
  ChangeCounter changes;
  ASSERT_TRUE(source.Start(changes.Callback()).ok());
  for (int i = 0; i < 5; ++i) {
    support::WriteFile(dir.path() / ("f" + std::to_string(i) + ".yaml"), DeploymentYaml("f"));
  }
  ASSERT_TRUE(changes.WaitFor(1));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(changes.count(), 1);
}

TEST(DirSource, TheRescanCatchesAChangeMadeWhileNoWatchCouldSeeIt) {
  // The whole watched directory is replaced: its watch dies with it, and only the rescan can
  // notice the new one.
  support::TempDir dir("dir-source");
  const fs::path watched = dir.path() / "deploy";
  ASSERT_TRUE(support::WriteFile(watched / "a.yaml", DeploymentYaml("a")));
  SourceOptions options = FastOptions();
  options.rescan_interval = milliseconds(100);
  DirSource source(watched.string(), options);
  ChangeCounter changes;
  ASSERT_TRUE(source.Start(changes.Callback()).ok());
  fs::rename(watched, dir.path() / "old");
  ASSERT_TRUE(changes.WaitFor(1)) << "the directory went away";
  ASSERT_TRUE(support::WriteFile(dir.path() / "staging" / "b.yaml", DeploymentYaml("b")));
  fs::rename(dir.path() / "staging", watched);
  EXPECT_TRUE(changes.WaitFor(2)) << "the directory came back with new content";
  EXPECT_THAT(Names(*source.Load()), ::testing::ElementsAre("b"));
}

TEST(DirSource, RequestFetchRescansAtOnce) {
  support::TempDir dir("dir-source");
  const fs::path watched = dir.path() / "deploy";
  ASSERT_TRUE(support::WriteFile(watched / "a.yaml", DeploymentYaml("a")));
  SourceOptions options = FastOptions();
  options.rescan_interval = std::chrono::hours(1);
  DirSource source(watched.string(), options);
  ChangeCounter changes;
  ASSERT_TRUE(source.Start(changes.Callback()).ok());
  fs::rename(watched, dir.path() / "old");
  ASSERT_TRUE(changes.WaitFor(1));
  ASSERT_TRUE(support::WriteFile(dir.path() / "staging" / "b.yaml", DeploymentYaml("b")));
  fs::rename(dir.path() / "staging", watched);  // unseen: the watch went with the old directory
  source.RequestFetch();
  EXPECT_TRUE(changes.WaitFor(2));
}

TEST(DirSource, StopReturnsPromptlyAndTwice) {
  support::TempDir dir("dir-source");
  SourceOptions options = FastOptions();
  options.rescan_interval = std::chrono::hours(1);
  DirSource source(dir.path().string(), options);
  ASSERT_TRUE(source.Start([] {}).ok());
  EXPECT_EQ(source.Start([] {}).code(), StatusCode::kFailedPrecondition);
  const auto start = std::chrono::steady_clock::now();
  source.Stop();
  source.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
}

}  // namespace
}  // namespace spaceport::runtime
