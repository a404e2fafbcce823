// SubstituteActionRefs: one left-to-right scan, so every reference is replaced exactly once —
// also when it maps to itself (which looped for ever in the controller's plan merge) or along a
// chain — and what it cannot fill is kept as it was.
#include "plan/action_ref.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace spaceport::plan {
namespace {

struct RefCase {
  std::string name;
  std::string text;
  std::map<int, std::string> values;
  std::string want;
};
void PrintTo(const RefCase& c, std::ostream* os) { *os << c.name; }

class SubstituteActionRefsTest : public ::testing::TestWithParam<RefCase> {};

TEST_P(SubstituteActionRefsTest, ReplacesEachReferenceOnce) {
  const RefCase& c = GetParam();
  const std::string got = SubstituteActionRefs(c.text, [&](int id) -> std::optional<std::string> {
    auto v = c.values.find(id);
    return v == c.values.end() ? std::nullopt : std::optional<std::string>(v->second);
  });
  EXPECT_EQ(got, c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SubstituteActionRefsTest,
    ::testing::Values(
        RefCase{"a_reference_is_replaced_by_its_value", "FROM app@<from action 2>", {{2, "sha256:ab"}},
                "FROM app@sha256:ab"},
        RefCase{"a_reference_mapped_to_itself_is_kept_and_the_scan_ends", "<from action 2>",
                {{2, "<from action 2>"}}, "<from action 2>"},
        RefCase{"a_chain_is_followed_one_step_only", "<from action 1> <from action 2>",
                {{1, "<from action 2>"}, {2, "<from action 3>"}}, "<from action 2> <from action 3>"},
        RefCase{"every_occurrence_is_replaced", "<from action 1>,<from action 1>", {{1, "x"}}, "x,x"},
        RefCase{"an_unknown_id_is_kept", "a <from action 9> b", {{1, "x"}}, "a <from action 9> b"},
        RefCase{"malformed_markers_are_kept",
                "<from action x> <from action > <from action 1", {{1, "y"}},
                "<from action x> <from action > <from action 1"},
        RefCase{"a_marker_inside_a_malformed_one_is_still_found", "<from action <from action 1>>", {{1, "7"}},
                "<from action 7>"},
        RefCase{"text_without_references_is_unchanged", "plain text > <", {{1, "x"}}, "plain text > <"},
        RefCase{"a_value_holding_a_marker_is_not_rescanned", "<from action 1>", {{1, "<from action 1><from action 1>"}},
                "<from action 1><from action 1>"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(ActionRef, IsTheMarkerThePlannerWrites) { EXPECT_EQ(ActionRef(12), "<from action 12>"); }

}  // namespace
}  // namespace spaceport::plan
