#include "report/line_diff.h"

#include <algorithm>

namespace spaceport::report {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string DiffLineText(const DiffLine& line) {
  std::string text = std::string(1, line.op) + ' ' + line.text;
  text.erase(text.find_last_not_of(" \t") + 1);
  return text;
}

bool IsMultiLine(std::string_view value) { return value.find('\n') != std::string_view::npos; }

bool HasChanges(const std::vector<DiffLine>& diff) {
  return std::any_of(diff.begin(), diff.end(), [](const DiffLine& l) { return l.op != ' '; });
}

std::vector<DiffLine> DiffLines(std::string_view observed, std::string_view desired) {
  const std::vector<std::string> a = SplitLines(observed);
  const std::vector<std::string> b = SplitLines(desired);
  std::vector<DiffLine> out;
  if (a.size() * b.size() > kMaxDiffCells) {
    for (const std::string& l : a) out.push_back({'-', l});
    for (const std::string& l : b) out.push_back({'+', l});
    return out;
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const size_t n = a.size(), m = b.size();
  std::vector<size_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> size_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] == b[j]) {
      out.push_back({' ', a[i]});
      ++i, ++j;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      out.push_back({'-', a[i++]});
    } else {
      out.push_back({'+', b[j++]});
    }
  }
  for (; i < n; ++i) out.push_back({'-', a[i]});
  for (; j < m; ++j) out.push_back({'+', b[j]});
  return out;
}

}  // namespace spaceport::report
