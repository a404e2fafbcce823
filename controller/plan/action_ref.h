// References between the actions of a plan. A parameter whose value is only known once an earlier
// action ran (a wrapper digest a Space commit pins) is written as "<from action N>"; the executor
// substitutes N's result, and the controller renumbers N when it merges the plans of several
// deployments into one.
//
// Substitution is one left-to-right scan: text put in place of a reference is never scanned
// again, so a reference that maps to itself, or a chain 1 -> 2 -> 3, is replaced exactly once.
//
//   ActionRef(2) == "<from action 2>"
//   SubstituteActionRefs("sha256:<from action 2>", [](int id) -> std::optional<std::string> {
//     return id == 2 ? std::optional<std::string>("abc") : std::nullopt;
//   }) == "sha256:abc"
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace spaceport::plan {

std::string ActionRef(int id);

// Every well-formed "<from action N>" whose `value_of(N)` has a value is replaced by it; the rest
// of the text, unknown ids and malformed markers are kept as they are.
std::string SubstituteActionRefs(std::string_view text,
                                 const std::function<std::optional<std::string>(int id)>& value_of);

}  // namespace spaceport::plan
