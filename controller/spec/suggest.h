// "Did you mean?" suggestions for misspelt field names and enum values.
//
// Suggest() returns the candidate closest to a word by optimal-string-alignment distance (edits
// are insertions, deletions, substitutions and swaps of two neighbouring letters, compared
// case-insensitively), provided it is close enough to be a plausible typo: at most one edit per
// three letters, and never more than three. Ties go to the earlier candidate. A word of four
// letters or more that begins a candidate ("drift" for "driftPolicy") is suggested first.
//
//   Suggest("reposiotry", {"repository", "version", "policy"})  →  "repository"
//   Suggest("colour", {"repository", "version"})                 →  nullopt
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spaceport::spec {

// Case-insensitive optimal-string-alignment distance.
int EditDistance(std::string_view a, std::string_view b);

std::optional<std::string_view> Suggest(std::string_view word,
                                        std::span<const std::string_view> candidates);

// "; did you mean \"x\"?" or "" when nothing is close: ready to append to a message.
std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace spaceport::spec
