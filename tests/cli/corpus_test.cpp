// The broken desired-state corpus (tests/spec/corpus/NN-*.yaml) through the real binary:
//   - `spaceport validate FILE` exits 2 and prints exactly the .golden beside the file;
//   - `spaceport plan FILE -o json` exits 2, yet every valid sibling document in the file (the
//     ones named valid-*) is planned: one broken document never hides the others.
// Files are found when the test starts, so a new corpus file is a new case after a rebuild.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/json.h"
#include "cli/run_command.h"

namespace spaceport::cli {
namespace {

namespace fs = std::filesystem;
using spaceport::testing::CommandResult;
using spaceport::testing::RunCommand;

// The goldens name files as tests/spec/corpus/NN-….yaml, relative to the repository root, which
// is where the binary runs.
const std::string kCorpus = "tests/spec/corpus";
const std::string kCorpusDir = std::string(SPACEPORT_SOURCE_DIR) + "/" + kCorpus;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The corpus files, by name (NN-what-is-broken.yaml), sorted.
std::vector<std::string> CorpusFiles() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(kCorpusDir, ec))
    if (e.path().extension() == ".yaml") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// metadata.name values starting with "valid-", found by scanning the text: the test must not
// trust the loader it is checking to tell it which documents are valid.
std::set<std::string> ValidSiblingNames(const std::string& yaml) {
  static const std::regex kName(
      R"(^\s*name:\s*["']?(valid-[A-Za-z0-9.-]*[A-Za-z0-9])["']?\s*(#.*)?$)");
  std::set<std::string> names;
  std::istringstream lines(yaml);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, kName)) names.insert(m[1]);
  }
  return names;
}

// "07-unknown-field.yaml" → "07_unknown_field": gtest names allow only letters, digits and _.
std::string TestName(const std::string& file) {
  std::string id = fs::path(file).stem().string();
  for (char& c : id)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return id;
}

CommandResult Spaceport(std::vector<std::string> args) {
  args.insert(args.begin(), SPACEPORT_BIN);
  return RunCommand(args, SPACEPORT_SOURCE_DIR);
}

TEST(Corpus, HoldsAtLeastThirtyBrokenFilesEachWithAGolden) {
  const std::vector<std::string> files = CorpusFiles();
  EXPECT_GE(files.size(), 30u);
  for (const std::string& name : files)
    EXPECT_TRUE(fs::exists(fs::path(kCorpusDir) / fs::path(name).replace_extension(".golden")))
        << name << " has no .golden";
}

// Guards the sibling check below: a scan that found no names would pass vacuously.
TEST(Corpus, MostFilesCarryAValidSiblingForThePlanCheck) {
  int with_siblings = 0;
  for (const std::string& name : CorpusFiles())
    if (!ValidSiblingNames(ReadFile(fs::path(kCorpusDir) / name)).empty()) ++with_siblings;
  EXPECT_GE(with_siblings, 30);
}

class CorpusFile : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusFile, ValidateExitsWithAnErrorAndPrintsTheGolden) {
  const std::string name = GetParam();
  const CommandResult r = Spaceport({"validate", kCorpus + "/" + name});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  const fs::path golden = fs::path(kCorpusDir) / fs::path(name).replace_extension(".golden");
  EXPECT_EQ(r.out, ReadFile(golden)) << "stdout of `spaceport validate " << name
                                     << "` differs from " << golden.string();
}

TEST_P(CorpusFile, PlanExitsWithAnErrorButStillPlansEveryValidSibling) {
  const std::string name = GetParam();
  const CommandResult r =
      Spaceport({"plan", kCorpus + "/" + name, "--observation",
                 std::string(SPACEPORT_TEST_DATA) + "/cli/data/empty-observation.json", "-o",
                 "json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  Result<Json> plan = Json::Parse(r.out);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString() << "\n" << r.out;
  ASSERT_NE(plan->Find("deployments"), nullptr);
  std::set<std::string> planned;
  const Json& deployments = *plan->Find("deployments");
  for (size_t i = 0; i < deployments.size(); ++i) {
    const std::string key = deployments.At(i).GetString("key");
    planned.insert(key.substr(key.find('/') + 1));
  }
  for (const std::string& sibling : ValidSiblingNames(ReadFile(fs::path(kCorpusDir) / name)))
    EXPECT_TRUE(planned.count(sibling)) << sibling << " is valid but was not planned";
}

INSTANTIATE_TEST_SUITE_P(Files, CorpusFile, ::testing::ValuesIn(CorpusFiles()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return TestName(param_info.param);
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CorpusFile);

}  // namespace
}  // namespace spaceport::cli
