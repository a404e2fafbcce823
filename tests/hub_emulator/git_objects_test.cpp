// Object ids must equal what git itself computes (expected values from `git hash-object`,
// `git write-tree` and `git commit-tree`), so the emulator's oids, ETags and commit ids look
// like the Hub's.
#include <gtest/gtest.h>

#include "emulators/hub/git_objects.h"

namespace spaceport::hub_emulator {
namespace {

FileMap Sample() {
  return {{"hello.txt", MakeBlob("hello\n")}, {"src-b.txt", MakeBlob("b\n")}, {"src/a.txt", MakeBlob("a\n")}};
}

TEST(GitObjects, BlobIdsEqualGitHashObject) {
  EXPECT_EQ(GitBlobId(""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_EQ(GitBlobId("hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST(GitObjects, TreeIdsEqualGitWriteTreeIncludingGitsDirectorySortOrder) {
  // "src-b.txt" sorts before the directory "src" because git compares "src/" ('-' < '/').
  EXPECT_EQ(GitTreeId(Sample(), ""), "3816a9c67db68075ca3745b1933d2c85a7ee9957");
  EXPECT_EQ(GitTreeId(Sample(), "src"), "08585692ce06452da6f82ae66b90d98b55536fca");
}

TEST(GitObjects, CommitIdsEqualGitCommitTree) {
  const std::string tree = GitTreeId(Sample(), "");
  const std::string first = GitCommitId({tree, "", "alice", 1767225600, "initial commit\n"});
  EXPECT_EQ(first, "cb604090670daa591919822dd89de38a3c9f9cac");
  EXPECT_EQ(GitCommitId({tree, first, "alice", 1767225600, "second\n\nbody text\n"}),
            "d53a02e1617253bc5f6dafefdf423788e84faaf3");
}

TEST(GitObjects, ACommitIdChangesWithTheParentEvenForTheSameTree) {
  const std::string tree = GitTreeId(Sample(), "");
  EXPECT_NE(GitCommitId({tree, std::string(40, 'a'), "alice", 0, "m\n"}),
            GitCommitId({tree, std::string(40, 'b'), "alice", 0, "m\n"}));
}

}  // namespace
}  // namespace spaceport::hub_emulator
