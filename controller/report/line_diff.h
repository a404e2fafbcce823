// A line diff for multi-line drift values (a Dockerfile, a README) in reports.
//
// Drift items carry whole file contents when a Space's files differ; printing both in full hides
// the one changed line, so reports show a diff instead: lines kept, removed (observed only) and
// added (desired only), in order, from a longest common subsequence. Files on a Space are small;
// above kMaxDiffCells (lines × lines) the diff degrades to "all removed, all added" rather than
// spend quadratic time and memory on a pathological input.
//
//   for (const DiffLine& l : DiffLines("a\nb\n", "a\nc\n")) out << l.op << ' ' << l.text << '\n';
//   // prints "  a", "- b", "+ c"
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spaceport::report {

inline constexpr size_t kMaxDiffCells = 1'000'000;

struct DiffLine {
  char op = ' ';  // ' ' kept, '-' only in observed, '+' only in desired
  std::string text;
};

// Splits on '\n'; a trailing newline does not make an extra empty line.
std::vector<std::string> SplitLines(std::string_view text);

std::vector<DiffLine> DiffLines(std::string_view observed, std::string_view desired);

// "- text", "+ text" or "  text", without trailing spaces (an empty kept line is "").
std::string DiffLineText(const DiffLine& line);

// True when a value holds a newline: it is shown as a diff rather than inline.
bool IsMultiLine(std::string_view value);

// False when every line is kept: the two values differ only in a final newline.
bool HasChanges(const std::vector<DiffLine>& diff);

}  // namespace spaceport::report
