#include "report/line_diff.h"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace spaceport::report {
namespace {

std::string Show(const std::vector<DiffLine>& diff) {
  std::string out;
  for (const DiffLine& l : diff) out += std::string(1, l.op) + l.text + "\n";
  return out;
}

struct DiffCase {
  std::string name;
  std::string observed;
  std::string desired;
  std::string want;  // Show() of the diff
};

// Names the case in test listings (ctest shows GetParam() otherwise as raw bytes).
void PrintTo(const DiffCase& c, std::ostream* os) { *os << c.name; }

class LineDiffTest : public ::testing::TestWithParam<DiffCase> {};

TEST_P(LineDiffTest, ShowsKeptRemovedAndAddedLinesInOrder) {
  EXPECT_EQ(Show(DiffLines(GetParam().observed, GetParam().desired)), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LineDiffTest,
    ::testing::Values(
        DiffCase{"one_changed_line_among_kept_ones_is_a_removal_and_an_addition",
                 "# managed\nFROM a\nEXPOSE 1\n", "# managed\nFROM b\nEXPOSE 1\n",
                 " # managed\n-FROM a\n+FROM b\n EXPOSE 1\n"},
        DiffCase{"identical_values_keep_every_line", "a\nb\n", "a\nb\n", " a\n b\n"},
        DiffCase{"an_absent_file_is_all_additions", "", "a\nb\n", "+a\n+b\n"},
        DiffCase{"a_deleted_file_is_all_removals", "a\n", "", "-a\n"},
        DiffCase{"an_inserted_line_keeps_its_neighbours", "a\nc\n", "a\nb\nc\n", " a\n+b\n c\n"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(LineDiff, ValuesThatDifferOnlyInTheFinalNewlineHaveNoChangedLine) {
  EXPECT_FALSE(HasChanges(DiffLines("FROM x\n", "FROM x")));
  EXPECT_TRUE(HasChanges(DiffLines("FROM x\n", "FROM y\n")));
}

TEST(LineDiff, HugeInputsDegradeToRemoveAllAddAllInsteadOfQuadraticWork) {
  std::string a, b;
  for (int i = 0; i < 1500; ++i)
    a += "a" + std::to_string(i) + "\n", b += "b" + std::to_string(i) + "\n";
  const std::vector<DiffLine> diff = DiffLines(a, b);
  ASSERT_EQ(diff.size(), 3000u);
  EXPECT_EQ(diff.front().op, '-');
  EXPECT_EQ(diff.back().op, '+');
}

TEST(LineDiff, ATrailingNewlineDoesNotMakeAnExtraLine) {
  EXPECT_EQ(SplitLines("a\nb\n").size(), 2u);
  EXPECT_EQ(SplitLines("a\nb").size(), 2u);
  EXPECT_TRUE(SplitLines("").empty());
}

}  // namespace
}  // namespace spaceport::report
