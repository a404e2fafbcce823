// The status store: one JSON file per deployment under <state>/status/<ns>/<name>.json, written
// atomically, read back equal, listed with problems reported per file, removed when asked.
#include "runtime/status_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <vector>

#include "support/temp_dir.h"

namespace spaceport::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;



DeploymentStatus Sample(const std::string& key, const std::string& reason = "Succeeded") {
  DeploymentStatus s;
  s.key = key;
  s.revision = "4f2a9c1e";
  s.resolved_version = "v1.2.0";
  s.conditions = {{"Ready", reason == "Succeeded" ? "True" : "False", reason, "",
                   "2026-01-01T00:00:00Z"}};
  s.spaces = {{"acme/tools", "RUNNING", "sha256:bb", "c0ffee", "https://hf.co/spaces/acme/tools"}};
  s.drift = {{key, "space:acme/tools", "hardware", "cpu-upgrade", "cpu-basic"}};
  s.history = {{"2026-01-01T00:00:00Z", "success", "InSync", reason, "", "4f2a9c1e", 0.5, 0, 1, 0}};
  return s;
}

std::vector<std::string> Keys(const std::vector<DeploymentStatus>& statuses) {
  std::vector<std::string> out;
  for (const DeploymentStatus& s : statuses) out.push_back(s.key);
  return out;
}

TEST(StatusStore, AWrittenStatusReadsBackEqualFromItsDocumentedPath) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state + "/");
  const std::string path = store.PathOf("default/tools");
  EXPECT_EQ(path, state + "/status/default/tools.json");

  ASSERT_TRUE(store.Write(Sample("default/tools")).ok());
  auto back = store.Read("default/tools");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(**back, Sample("default/tools"));

  const std::string text = support::ReadFile(path);
  EXPECT_THAT(text, HasSubstr("\"kind\": \"SpaceDeploymentStatus\""));
  EXPECT_EQ(text.back(), '\n');
}

TEST(StatusStore, FilesAreWorldReadableInsidePrivateDirectoriesAndNoTemporaryFileRemains) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state);
  ASSERT_TRUE(store.Write(Sample("default/tools")).ok());
  ASSERT_TRUE(store.Write(Sample("default/tools", "Drifted")).ok());  // replaced, not appended
  EXPECT_EQ(support::FileMode(store.PathOf("default/tools")), 0644u);
  EXPECT_EQ(support::FileMode(state + "/status"), 0700u);
  EXPECT_EQ(support::FileMode(state + "/status/default"), 0700u);
  EXPECT_THAT(support::FileNames(state + "/status/default"), ElementsAre("tools.json"));
  EXPECT_EQ((*store.Read("default/tools"))->conditions[0].reason, "Drifted");
}

TEST(StatusStore, ADeploymentNeverWrittenHasNoStatus) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state);
  auto read = store.Read("default/new");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, std::nullopt);
  EXPECT_THAT(store.ReadAll().statuses, IsEmpty());
  EXPECT_THAT(store.ReadAll().problems, IsEmpty());
}

TEST(StatusStore, RemoveDeletesTheStatusAndAMissingOneIsFine) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state);
  ASSERT_TRUE(store.Write(Sample("default/tools")).ok());
  ASSERT_TRUE(store.Remove("default/tools").ok());
  EXPECT_FALSE(fs::exists(store.PathOf("default/tools")));
  EXPECT_EQ(*store.Read("default/tools"), std::nullopt);
  EXPECT_TRUE(store.Remove("default/tools").ok());
  EXPECT_TRUE(store.Remove("other/never").ok());
}

TEST(StatusStore, ReadAllListsEveryNamespaceSortedByKey) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state);
  for (const char* key : {"prod/web", "default/tools", "default/api"}) {
    ASSERT_TRUE(store.Write(Sample(key)).ok()) << key;
  }
  const StoredStatuses all = store.ReadAll();
  EXPECT_THAT(all.problems, IsEmpty());
  EXPECT_THAT(Keys(all.statuses), ElementsAre("default/api", "default/tools", "prod/web"));
  EXPECT_EQ(all.statuses[2], Sample("prod/web"));
}

// A bad file is reported with its path and why, never deleted (kept aside as .unreadable, so the
// next write destroys nothing), and does not hide the others.
TEST(StatusStore, ReadAllReportsBadFilesAndStillLoadsTheRest) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state);
  ASSERT_TRUE(store.Write(Sample("default/good")).ok());
  const std::string dir = state + "/status/default/";
  ASSERT_TRUE(support::WriteFile(
      dir + "torn.json", R"({"apiVersion":"spaceport.dev/v1alpha1","kind":"SpaceDep)"));
  ASSERT_TRUE(support::WriteFile(
      dir + "spec.json",
      R"({"apiVersion":"spaceport.dev/v1alpha1","kind":"SpaceDeployment","key":"default/spec"})"));
  ASSERT_TRUE(support::WriteFile(dir + "moved.json", ToJson(Sample("default/elsewhere")).Dump()));
  // A write cut short by a crash leaves its temporary file; it is not a status.
  ASSERT_TRUE(support::WriteFile(dir + "good.json.tmp.Ab12Cd", "half a docu"));
  ASSERT_TRUE(support::WriteFile(dir + "README", "not a status"));

  const StoredStatuses all = store.ReadAll();
  EXPECT_THAT(Keys(all.statuses), ElementsAre("default/good"));
  ASSERT_EQ(all.problems.size(), 3u);
  EXPECT_THAT(all.problems[0],
              HasSubstr(dir + "moved.json: holds the status of \"default/elsewhere\""));
  EXPECT_THAT(all.problems[1], HasSubstr(dir + "spec.json: status document: field \"kind\""));
  EXPECT_THAT(all.problems[2], HasSubstr(dir + "torn.json: "));
  EXPECT_THAT(all.problems[2], HasSubstr("; kept as " + dir + "torn.json.unreadable"));
  EXPECT_EQ(support::ReadFile(dir + "torn.json.unreadable"),
            R"({"apiVersion":"spaceport.dev/v1alpha1","kind":"SpaceDep)");
  EXPECT_FALSE(fs::exists(dir + "torn.json"));
  // Read again, the aside copies are not statuses and not problems.
  EXPECT_THAT(store.ReadAll().problems, IsEmpty());
}

// A status file of another format version (a newer Spaceport's) is named as such, kept aside,
// and a second unreadable file of the same name does not overwrite the first copy.
TEST(StatusStore, AFileOfANewerFormatVersionIsKeptAsideNotOverwritten) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state);
  const std::string path = store.PathOf("default/tools");
  const std::string newer =
      R"({"apiVersion":"spaceport.dev/v2","kind":"SpaceDeploymentStatus","key":"default/tools"})";
  ASSERT_TRUE(support::WriteFile(path, newer));
  StoredStatuses all = store.ReadAll();
  ASSERT_EQ(all.problems.size(), 1u);
  EXPECT_THAT(all.problems[0], HasSubstr(path + ": status document: field \"apiVersion\""));
  EXPECT_THAT(all.problems[0], HasSubstr("(got \"spaceport.dev/v2\")"));
  EXPECT_THAT(all.problems[0], HasSubstr("kept as " + path + ".unreadable"));
  ASSERT_TRUE(store.Write(Sample("default/tools")).ok());
  EXPECT_EQ(support::ReadFile(path + ".unreadable"), newer);

  ASSERT_TRUE(support::WriteFile(path, "{"));
  all = store.ReadAll();
  ASSERT_EQ(all.problems.size(), 1u);
  EXPECT_THAT(all.problems[0], HasSubstr("kept as " + path + ".unreadable.2"));
  EXPECT_EQ(support::ReadFile(path + ".unreadable"), newer);
  EXPECT_EQ(support::ReadFile(path + ".unreadable.2"), "{");
}

TEST(StatusStore, ReadingACorruptFileFailsNamingIt) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state);
  ASSERT_TRUE(support::WriteFile(store.PathOf("default/tools"), "{"));
  auto read = store.Read("default/tools");
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(), HasSubstr(store.PathOf("default/tools") + ": "));
}

TEST(StatusStore, AStateDirectoryThatIsAFileFailsTheWriteNamingThePath) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  ASSERT_TRUE(support::WriteFile(state + "/state", "a file, not a directory"));
  StatusStore store(state + "/state");
  const Status s = store.Write(Sample("default/tools"));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(state + "/state/status"));
}

struct BadKey {
  friend void PrintTo(const BadKey& c, std::ostream* os) { *os << c.name; }
  const char* name;
  const char* key;
};

class StatusStoreRefuses : public ::testing::TestWithParam<BadKey> {};

TEST_P(StatusStoreRefuses, AKeyThatCannotNameAFileSafely) {
  support::TempDir temp("status-store");
  const std::string state = temp.path().string();
  StatusStore store(state);
  const std::string key = GetParam().key;
  EXPECT_EQ(store.PathOf(key), "");
  DeploymentStatus s;
  s.key = key;
  const Status written = store.Write(s);
  EXPECT_EQ(written.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(written.message(), HasSubstr("is not namespace/name"));
  EXPECT_EQ(store.Read(key).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Remove(key).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(state + "/status"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StatusStoreRefuses,
    ::testing::Values(BadKey{"no_namespace", "tools"}, BadKey{"empty_namespace", "/tools"},
                      BadKey{"empty_name", "default/"}, BadKey{"parent_namespace", "../tools"},
                      BadKey{"parent_name", "default/.."}, BadKey{"three_parts", "a/b/c"},
                      BadKey{"upper_case", "Default/tools"}, BadKey{"a_space", "default/my tools"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace spaceport::runtime
