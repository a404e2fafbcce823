// The state directory's location and creation, and the fingerprint key: created once, private,
// read afterwards, overridden by the environment.
#include "runtime/state_dir.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <vector>

namespace spaceport::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}



struct Where {
  friend void PrintTo(const Where& w, std::ostream* os) { *os << w.name; }
  const char* name;
  std::string configured;
  std::map<std::string, std::string> env;
  std::string expected;  // the path, or the error text it must contain
  bool ok = true;
};

class StateDirLocation : public ::testing::TestWithParam<Where> {};

TEST_P(StateDirLocation, FollowsThePrecedence) {
  Result<std::string> dir = StateDirPath(Env(GetParam().env), GetParam().configured);
  if (GetParam().ok) {
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    EXPECT_EQ(*dir, GetParam().expected);
  } else {
    ASSERT_FALSE(dir.ok()) << *dir;
    EXPECT_THAT(dir.status().message(), HasSubstr(GetParam().expected));
  }
}

const std::map<std::string, std::string> kAll = {{"SPACEPORT_STATE_DIR", "/srv/spaceport"},
                                                 {"XDG_STATE_HOME", "/home/a/.state"},
                                                 {"HOME", "/home/a"}};

INSTANTIATE_TEST_SUITE_P(
    Cases, StateDirLocation,
    ::testing::Values(
        Where{"the_configured_directory_wins_over_everything", "/etc/sp/", kAll, "/etc/sp"},
        Where{"spaceport_state_dir_wins_over_xdg_and_home", "", kAll, "/srv/spaceport"},
        Where{"xdg_state_home_wins_over_home", "",
              {{"XDG_STATE_HOME", "/home/a/.state"}, {"HOME", "/home/a"}},
              "/home/a/.state/spaceport"},
        Where{"a_relative_xdg_state_home_is_ignored", "",
              {{"XDG_STATE_HOME", "state"}, {"HOME", "/home/a"}},
              "/home/a/.local/state/spaceport"},
        Where{"home_is_the_last_resort", "", {{"HOME", "/home/a"}}, "/home/a/.local/state/spaceport"},
        Where{"an_empty_variable_counts_as_unset", "",
              {{"SPACEPORT_STATE_DIR", ""}, {"HOME", "/home/a"}},
              "/home/a/.local/state/spaceport"},
        Where{"a_relative_spaceport_state_dir_is_an_error", "",
              {{"SPACEPORT_STATE_DIR", "state"}, {"HOME", "/home/a"}},
              "state directory state (from SPACEPORT_STATE_DIR) is not an absolute path", false},
        Where{"no_source_at_all_is_an_error", "", {}, "no state directory", false}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(StateDir, IsCreatedWithItsParentsPrivately) {
  support::TempDir scratch;
  const std::string wanted = (scratch / "a/b/spaceport");
  Result<std::string> dir = PrepareStateDir(Env({{"SPACEPORT_STATE_DIR", wanted}}));
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(*dir, wanted);
  EXPECT_TRUE(fs::is_directory(wanted));
  EXPECT_EQ(support::FileMode(wanted), 0700u);
  EXPECT_EQ(support::FileMode((scratch / "a")), 0700u);
  // Preparing it again is harmless.
  EXPECT_TRUE(PrepareStateDir(Env({{"SPACEPORT_STATE_DIR", wanted}})).ok());
}

TEST(StateDir, AFileInItsPlaceIsAnError) {
  support::TempDir scratch;
  const std::string file = (scratch / "state");
  std::ofstream(file) << "x";
  Result<std::string> dir = PrepareStateDir(Env({}), file);
  ASSERT_FALSE(dir.ok());
  EXPECT_THAT(dir.status().message(), HasSubstr("is not a directory"));
}

TEST(FingerprintKey, IsCreatedOnceWithMode0600AndReadAfterwards) {
  support::TempDir state;
  Result<FingerprintKey> first = LoadFingerprintKey(Env({}), state.path());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_THAT(first->value, MatchesRegex("[0-9a-f]{64}"));
  const std::string path = (state / "fingerprint.key");
  EXPECT_EQ(first->source, path);
  EXPECT_EQ(support::FileMode(path), 0600u);

  Result<FingerprintKey> second = LoadFingerprintKey(Env({}), state.path());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->value, first->value);
  // Nothing but the key file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(state.path()), fs::directory_iterator()), 1);
}

TEST(FingerprintKey, TwoStateDirectoriesGetDifferentKeys) {
  support::TempDir a; support::TempDir b;
  Result<FingerprintKey> ka = LoadFingerprintKey(Env({}), a.path());
  Result<FingerprintKey> kb = LoadFingerprintKey(Env({}), b.path());
  ASSERT_TRUE(ka.ok() && kb.ok());
  EXPECT_NE(ka->value, kb->value);
}

TEST(FingerprintKey, ProcessesStartingAtOnceAgreeOnOneKey) {
  support::TempDir state;
  std::vector<std::string> keys(8);
  std::vector<int> created(8, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] {
      Result<FingerprintKey> k = LoadFingerprintKey(Env({}), state.path());
      if (k.ok()) {
        keys[i] = k->value;
        created[i] = k->created ? 1 : 0;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), 1u);
  EXPECT_FALSE(keys[0].empty());
  EXPECT_EQ(std::count(created.begin(), created.end(), 1), 1);
}

TEST(FingerprintKey, TheEnvironmentOverridesTheFileAndCreatesNothing) {
  support::TempDir state;
  Result<FingerprintKey> key =
      LoadFingerprintKey(Env({{"SPACEPORT_FINGERPRINT_KEY", "from-the-environment"}}), state.path());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->value, "from-the-environment");
  EXPECT_EQ(key->source, "SPACEPORT_FINGERPRINT_KEY");
  EXPECT_FALSE(fs::exists((state / "fingerprint.key")));
}

TEST(FingerprintKey, AHandWrittenKeyIsReadWithoutItsTrailingNewline) {
  support::TempDir state;
  std::ofstream((state / "fingerprint.key")) << "restored-from-backup\n";
  Result<FingerprintKey> key = LoadFingerprintKey(Env({}), state.path());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->value, "restored-from-backup");
  EXPECT_FALSE(key->created);
}

TEST(FingerprintKey, AnEmptyKeyFileIsAnErrorAndIsNotReplaced) {
  support::TempDir state;
  const std::string path = (state / "fingerprint.key");
  std::ofstream(path) << "\n";
  Result<FingerprintKey> key = LoadFingerprintKey(Env({}), state.path());
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.status().message(), HasSubstr("is empty"));
  EXPECT_EQ(fs::file_size(path), 1u);
}

}  // namespace
}  // namespace spaceport::runtime
