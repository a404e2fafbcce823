#include "report/markdown_escape.h"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace spaceport::report {
namespace {

struct EscapeCase {
  std::string name;
  std::string input;
  Cell where;
  std::string want;
};

// Names the case in test listings (ctest shows GetParam() otherwise as raw bytes).
void PrintTo(const EscapeCase& c, std::ostream* os) { *os << c.name; }

class CodeSpanTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(CodeSpanTest, RendersTheValueVerbatim) {
  EXPECT_EQ(CodeSpan(GetParam().input, GetParam().where), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CodeSpanTest,
    ::testing::Values(
        EscapeCase{"plain_value_gets_single_backticks", "v1.0.0", Cell::kInline, "`v1.0.0`"},
        EscapeCase{"a_backtick_inside_lengthens_the_fence", "a`b", Cell::kInline, "``a`b``"},
        EscapeCase{"a_double_backtick_run_needs_a_triple_fence", "a``b", Cell::kInline,
                   "```a``b```"},
        EscapeCase{"a_leading_backtick_is_padded_so_it_does_not_join_the_fence", "`x`",
                   Cell::kInline, "`` `x` ``"},
        EscapeCase{"a_pipe_in_a_table_cell_is_escaped_even_in_code", "a|b", Cell::kTable,
                   "`a\\|b`"},
        EscapeCase{"a_pipe_outside_a_table_stays_as_is", "a|b", Cell::kInline, "`a|b`"},
        EscapeCase{"html_is_inert_inside_code", "<absent>", Cell::kTable, "`<absent>`"},
        EscapeCase{"an_empty_value_is_shown_as_empty_not_as_a_broken_span", "", Cell::kTable,
                   "*empty*"},
        EscapeCase{"newlines_become_spaces_so_a_row_never_breaks", "a\nb", Cell::kTable,
                   "`a b`"},
        EscapeCase{"a_value_padded_with_spaces_keeps_them", " x ", Cell::kInline, "`  x  `"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(MarkdownText, MarkupCharactersAreBackslashEscaped) {
  EXPECT_EQ(MarkdownText("a|b *c* _d_ <e> [f] `g` & ~h~ \\"),
            "a\\|b \\*c\\* \\_d\\_ \\<e\\> \\[f\\] \\`g\\` \\& \\~h\\~ \\\\");
}

TEST(MarkdownText, ProseStaysOnOneLine) { EXPECT_EQ(MarkdownText("one\ntwo"), "one two"); }

TEST(HtmlText, RawHtmlContextGetsEntitiesNotBackslashes) {
  EXPECT_EQ(HtmlText("a<b> & \"c\" _d_"), "a&lt;b&gt; &amp; &quot;c&quot; _d_");
}

TEST(CodeFence, IsLongerThanAnyBacktickRunInTheBody) {
  EXPECT_EQ(CodeFence("plain"), "```");
  EXPECT_EQ(CodeFence("```\ncode\n```"), "````");
  EXPECT_EQ(CodeFence("`````"), "``````");
}

}  // namespace
}  // namespace spaceport::report
