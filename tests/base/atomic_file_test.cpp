// WriteFileAtomically: the new content and mode land under the name, readers of the old file keep
// the old content, and a failed write leaves the old content and no temporary file behind.
#include "base/atomic_file.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace spaceport {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;





struct ModeCase {
  friend void PrintTo(const ModeCase& c, std::ostream* os) { *os << c.name; }
  const char* name;
  mode_t mode;
};

class AtomicWriteMode : public ::testing::TestWithParam<ModeCase> {};

TEST_P(AtomicWriteMode, TheFileGetsExactlyTheRequestedModeWhateverTheUmask) {
  support::TempDir dir;
  const mode_t old_umask = ::umask(0077);  // would strip group/other bits from a plain open()
  const Status s = WriteFileAtomically(dir / "f.json", "{}\n", GetParam().mode);
  ::umask(old_umask);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(support::FileMode(dir / "f.json"), GetParam().mode);
  EXPECT_EQ(support::ReadFile(dir / "f.json"), "{}\n");
}

INSTANTIATE_TEST_SUITE_P(Cases, AtomicWriteMode,
                         ::testing::Values(ModeCase{"private_0600", 0600},
                                           ModeCase{"world_readable_0644", 0644},
                                           ModeCase{"group_readable_0640", 0640}),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(AtomicWrite, ReplacingAFileLeavesOnlyTheNewContentAndNoTemporaryFile) {
  support::TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir / "status.json", "old\n").ok());
  ASSERT_TRUE(WriteFileAtomically(dir / "status.json", "new\n").ok());
  EXPECT_EQ(support::ReadFile(dir / "status.json"), "new\n");
  EXPECT_THAT(support::FileNames(dir.path()), ElementsAre("status.json"));
}

TEST(AtomicWrite, AReaderOfTheOldFileKeepsReadingTheOldContentInFull) {
  support::TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir / "f", "old content\n").ok());
  std::ifstream reader(dir / "f", std::ios::binary);
  ASSERT_TRUE(reader.is_open());
  ASSERT_TRUE(WriteFileAtomically(dir / "f", std::string(200000, 'x')).ok());
  std::stringstream seen;
  seen << reader.rdbuf();
  EXPECT_EQ(seen.str(), "old content\n");
  EXPECT_EQ(support::ReadFile(dir / "f").size(), 200000u);
}

TEST(AtomicWrite, EmptyContentMakesAnEmptyFile) {
  support::TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir / "f", "something").ok());
  ASSERT_TRUE(WriteFileAtomically(dir / "f", "").ok());
  EXPECT_TRUE(fs::exists(dir / "f"));
  EXPECT_EQ(fs::file_size(dir / "f"), 0u);
}

TEST(AtomicWrite, AMissingParentDirectoryFailsNamingThePathAndTheReason) {
  support::TempDir dir;
  const std::string path = dir / "absent/f.json";
  const Status s = WriteFileAtomically(path, "{}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(path));
  EXPECT_THAT(s.message(), HasSubstr("No such file or directory"));
  EXPECT_TRUE(support::FileNames(dir.path()).empty());
}

// An unwritable directory stops the write before anything is replaced. Root ignores directory
// permissions, so there the failure comes from a parent that does not exist; either way the old
// file is untouched and nothing else appears beside it.
TEST(AtomicWrite, AFailedWriteKeepsTheOldContentAndLeavesNoTemporaryFile) {
  support::TempDir dir;
  ASSERT_TRUE(CreateDirectories(dir / "state", 0700).ok());
  const std::string existing = dir / "state/status.json";
  ASSERT_TRUE(WriteFileAtomically(existing, "old\n").ok());

  const bool root = ::geteuid() == 0;
  std::string target = existing;
  if (root) {
    target = dir / "state/missing/status.json";
  } else {
    ASSERT_EQ(::chmod((dir / "state").c_str(), 0500), 0);
  }
  const Status s = WriteFileAtomically(target, "new\n");
  ::chmod((dir / "state").c_str(), 0700);

  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(target));
  EXPECT_THAT(s.message(), HasSubstr(root ? "No such file or directory" : "Permission denied"));
  EXPECT_EQ(support::ReadFile(existing), "old\n");
  EXPECT_THAT(support::FileNames(dir / "state"), ElementsAre("status.json"));
}

// Here the temporary file is written in full before the rename fails (a non-empty directory
// cannot be replaced by a file), so this checks the cleanup of a temporary file that exists;
// it fails the same way for root.
TEST(AtomicWrite, AFailedRenameRemovesTheTemporaryFileAndKeepsWhatWasThere) {
  support::TempDir dir;
  ASSERT_TRUE(CreateDirectories(dir / "busy", 0700).ok());
  ASSERT_TRUE(WriteFileAtomically(dir / "busy/inside", "kept\n").ok());
  const Status s = WriteFileAtomically(dir / "busy", "new\n");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("cannot replace " + (dir / "busy")));
  EXPECT_THAT(support::FileNames(dir.path()), ElementsAre("busy"));
  EXPECT_EQ(support::ReadFile(dir / "busy/inside"), "kept\n");
}

TEST(CreateDirectories, CreatesEveryMissingLevelWithTheModeAndLeavesExistingOnesAlone) {
  support::TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  ASSERT_TRUE(CreateDirectories(dir / "a/b/c", 0700).ok());
  EXPECT_EQ(support::FileMode(dir / "a"), 0700u);
  EXPECT_EQ(support::FileMode(dir / "a/b/c"), 0700u);
  EXPECT_EQ(support::FileMode(dir.path()), 0755u);
  EXPECT_TRUE(CreateDirectories(dir / "a/b/c", 0700).ok());  // already there: fine
}

TEST(CreateDirectories, AFileInTheWayFailsNamingIt) {
  support::TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir / "file", "x").ok());
  const Status s = CreateDirectories(dir / "file/sub", 0700);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(dir / "file/sub"));
}

TEST(RemoveInterruptedWrites, RemovesOnlyTheTemporaryFilesOfWritesThatNeverFinished) {
  support::TempDir dir;
  fs::create_directories(dir / "status/e2e");
  ASSERT_TRUE(WriteFileAtomically(dir / "status/e2e/demo.json", "{}\n").ok());
  for (const char* name : {"status/e2e/demo.json.tmp.Ab12Cd", "fingerprint.key.tmp.zzzzzz"})
    std::ofstream(dir / name) << "half";
  // Not the shape WriteFileAtomically leaves: kept.
  for (const char* name : {"notes.tmp", "status/e2e/x.tmp.toolong1", "status/e2e/y.tmp.short"})
    std::ofstream(dir / name) << "keep";
  EXPECT_EQ(RemoveInterruptedWrites(dir.path()), 2);
  EXPECT_THAT(support::FileNames(dir / "status/e2e"), ElementsAre("demo.json", "x.tmp.toolong1", "y.tmp.short"));
  EXPECT_THAT(support::FileNames(dir.path()), ElementsAre("notes.tmp", "status"));
  EXPECT_EQ(support::ReadFile(dir / "status/e2e/demo.json"), "{}\n");
  EXPECT_EQ(RemoveInterruptedWrites(dir / "missing"), 0);
}

}  // namespace
}  // namespace spaceport
