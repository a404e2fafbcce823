// The broken-input corpus: every tests/spec/corpus/NN-what-is-wrong.yaml, loaded from the repo
// root as a relative path, must produce exactly the diagnostics in its NN-what-is-wrong.golden,
// have errors, and still return its valid-* siblings.
//
// To regenerate the goldens after a deliberate change of messages (then review every diff):
//   SPACEPORT_UPDATE_GOLDEN=1 build/tests/spec_tests --gtest_filter='Corpus*'
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "spec/loader.h"

namespace spaceport::spec {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCorpus = "tests/spec/corpus";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The corpus file names, discovered at run time so a new file needs no code change.
std::vector<std::string> CorpusFiles() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(SPACEPORT_SOURCE_DIR) / kCorpus, ec)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Runs `body` with the repository root as the working directory, so paths stay relative.
template <typename F>
auto FromSourceDir(F body) {
  const fs::path before = fs::current_path();
  fs::current_path(SPACEPORT_SOURCE_DIR);
  auto result = body();
  fs::current_path(before);
  return result;
}

std::string Render(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += d.ToString() + "\n";
  return out;
}

// metadata.name values starting with "valid-" written in the file.
std::set<std::string> ValidNames(const std::string& text) {
  std::set<std::string> names;
  static const std::regex kName(R"(\n  name: (valid-[a-z0-9-]+))");
  for (std::sregex_iterator it(text.begin(), text.end(), kName), end; it != end; ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, ReportsExactlyTheGoldenDiagnosticsAndKeepsValidSiblings) {
  const std::string file = std::string(kCorpus) + "/" + GetParam();
  const fs::path golden =
      fs::path(SPACEPORT_SOURCE_DIR) / kCorpus / fs::path(GetParam()).replace_extension(".golden");
  const LoadResult result = FromSourceDir([&] { return LoadPaths({file}); });
  const std::string actual = Render(result.diagnostics);

  const char* update = std::getenv("SPACEPORT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, Slurp(golden)) << "golden: " << golden.string();
  EXPECT_TRUE(result.has_errors()) << "a corpus file must be broken";
  EXPECT_FALSE(result.invalid.empty()) << "a corpus file must hold an invalid document";

  std::set<std::string> loaded;
  for (const SpaceDeployment& d : result.deployments) loaded.insert(d.name);
  for (const std::string& name : ValidNames(Slurp(fs::path(SPACEPORT_SOURCE_DIR) / file))) {
    EXPECT_TRUE(loaded.count(name)) << name << " should still load beside the broken documents";
  }
  for (const std::string& name : loaded) {
    EXPECT_TRUE(name.starts_with("valid-")) << name << " should have been refused";
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return "f" + name;
}

INSTANTIATE_TEST_SUITE_P(BrokenFiles, Corpus, ::testing::ValuesIn(CorpusFiles()), TestName);

TEST(CorpusLayout, HoldsAtLeastThirtyNumberedFilesEachWithAGolden) {
  const std::vector<std::string> files = CorpusFiles();
  EXPECT_GE(files.size(), 30u);
  static const std::regex kPattern(R"(\d\d-[a-z0-9-]+\.yaml)");
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_TRUE(std::regex_match(files[i], kPattern)) << files[i];
    const std::string number =
        std::string(i + 1 < 10 ? "0" : "").append(std::to_string(i + 1)) + "-";
    EXPECT_TRUE(files[i].starts_with(number)) << files[i] << " should be numbered " << number;
    const fs::path golden =
        fs::path(SPACEPORT_SOURCE_DIR) / kCorpus / fs::path(files[i]).replace_extension(".golden");
    EXPECT_TRUE(fs::exists(golden)) << golden.string();
  }
}

TEST(CorpusLayout, LoadedAllAtOnceTheFilesDoNotInterfere) {
  // The CLI tests load the whole folder at once; that must give the union of the per-file
  // diagnostics (no name or Space shared between files) and keep every valid sibling.
  const LoadResult whole = FromSourceDir([] { return LoadPaths({kCorpus}); });
  std::vector<std::string> expected;
  size_t valid = 0;
  for (const std::string& name : CorpusFiles()) {
    const std::string file = std::string(kCorpus) + "/" + name;
    const LoadResult one = FromSourceDir([&] { return LoadPaths({file}); });
    for (const Diagnostic& d : one.diagnostics) expected.push_back(d.ToString());
    valid += one.deployments.size();
  }
  std::vector<std::string> actual;
  for (const Diagnostic& d : whole.diagnostics) actual.push_back(d.ToString());
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(whole.deployments.size(), valid);
}

}  // namespace
}  // namespace spaceport::spec
