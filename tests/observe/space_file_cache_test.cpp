// The Space file cache: entries round-trip, land where documented, are replaced atomically and
// privately, and anything that is not a valid entry reads as absent.
#include "observe/space_file_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"

namespace spaceport::observe {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

const CachedSpaceFiles kEntry{"0123456789abcdef0123456789abcdef01234567",
                              "FROM ghcr.io/acme/app:hf-amd64-v1@sha256:ab\n",
                              "---\nsdk: docker\n---\n"};



TEST(SpaceFileCache, AnEntryRoundTripsWithPresentAndAbsentFiles) {
  support::TempDir dir("file-cache");
  SpaceFileCache cache(dir.path().string());
  ASSERT_TRUE(cache.Store("alice/demo", kEntry).ok());
  EXPECT_EQ(cache.Load("alice/demo"), kEntry);

  const CachedSpaceFiles empty{kEntry.sha, std::nullopt, std::nullopt};
  ASSERT_TRUE(cache.Store("alice/empty", empty).ok());
  EXPECT_EQ(cache.Load("alice/empty"), empty);
  EXPECT_EQ(cache.Load("alice/never-stored"), std::nullopt);
}

TEST(SpaceFileCache, EntriesLiveUnderSpacesOwnerNameJsonInPrivateDirectories) {
  support::TempDir dir("file-cache");
  SpaceFileCache cache(dir.path().string() + "/");
  const std::string path = cache.PathFor("alice/demo");
  EXPECT_EQ(path, dir.path().string() + "/spaces/alice/demo.json");
  ASSERT_TRUE(cache.Store("alice/demo", kEntry).ok());
  EXPECT_EQ(support::FileMode(path), 0600u);
  EXPECT_EQ(support::FileMode(dir.path().string() + "/spaces"), 0700u);
  EXPECT_EQ(support::FileMode(dir.path().string() + "/spaces/alice"), 0700u);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "{\"sha\":\"0123456789abcdef0123456789abcdef01234567\",\"dockerfile\":\"FROM "
            "ghcr.io/acme/app:hf-amd64-v1@sha256:ab\\n\",\"readme\":\"---\\nsdk: docker\\n---\\n\"}\n");
}

TEST(SpaceFileCache, IdsThatCannotNameAFileSafelyGetNoEntry) {
  SpaceFileCache cache("/state");
  for (const char* id : {"demo", "/demo", "alice/", "../demo", "alice/..", "./x", "a/b/c"}) {
    EXPECT_EQ(cache.PathFor(id), "") << id;
    EXPECT_FALSE(cache.Store(id, kEntry).ok()) << id;
    EXPECT_EQ(cache.Load(id), std::nullopt) << id;
  }
}

TEST(SpaceFileCache, ADisabledCacheFindsNothingAndWritesNothing) {
  SpaceFileCache cache("");
  EXPECT_FALSE(cache.enabled());
  EXPECT_TRUE(cache.Store("alice/demo", kEntry).ok());
  EXPECT_EQ(cache.Load("alice/demo"), std::nullopt);
  EXPECT_EQ(cache.PathFor("alice/demo"), "");
}

TEST(SpaceFileCache, ReplacingAnEntryIsAtomicAndLeavesNoTemporaryFile) {
  support::TempDir dir("file-cache");
  SpaceFileCache cache(dir.path().string());
  ASSERT_TRUE(cache.Store("alice/demo", kEntry).ok());
  const std::string path = cache.PathFor("alice/demo");
  // A reader that opened the old entry keeps reading the old entry in full: the new one is a new
  // file renamed over the name, never the old file rewritten in place.
  std::ifstream reader(path);
  ASSERT_TRUE(reader.is_open());

  CachedSpaceFiles next = kEntry;
  next.sha = "fedcba9876543210fedcba9876543210fedcba98";
  next.dockerfile = std::string(100000, 'x');
  ASSERT_TRUE(cache.Store("alice/demo", next).ok());

  std::stringstream old_text;
  old_text << reader.rdbuf();
  EXPECT_NE(old_text.str().find(kEntry.sha), std::string::npos);
  EXPECT_EQ(old_text.str().find("xxxx"), std::string::npos);
  EXPECT_EQ(cache.Load("alice/demo"), next);
  EXPECT_THAT(support::FileNames(dir.path() / "spaces" / "alice"), ElementsAre("demo.json"));
}

struct Corrupt {
  const char* name;
  std::string text;
};

class SpaceFileCacheIgnores : public ::testing::TestWithParam<Corrupt> {};

TEST_P(SpaceFileCacheIgnores, AnInvalidEntryAndTheNextStoreRepairsIt) {
  support::TempDir dir("file-cache");
  SpaceFileCache cache(dir.path().string());
  ASSERT_TRUE(support::WriteFile(cache.PathFor("alice/demo"), GetParam().text));
  EXPECT_EQ(cache.Load("alice/demo"), std::nullopt);
  ASSERT_TRUE(cache.Store("alice/demo", kEntry).ok());
  EXPECT_EQ(cache.Load("alice/demo"), kEntry);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SpaceFileCacheIgnores,
    ::testing::Values(Corrupt{"truncated_json", R"({"sha":"abc","dockerfile":"FR)"},
                      Corrupt{"empty_file", ""},
                      Corrupt{"not_an_object", R"(["abc"])"},
                      Corrupt{"missing_sha", R"({"dockerfile":null,"readme":null})"},
                      Corrupt{"empty_sha", R"({"sha":"","dockerfile":null,"readme":null})"},
                      Corrupt{"file_of_wrong_type", R"({"sha":"abc","dockerfile":42,"readme":null})"},
                      Corrupt{"missing_file_field", R"({"sha":"abc","dockerfile":null})"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace spaceport::observe
