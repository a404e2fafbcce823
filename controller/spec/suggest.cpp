#include "spec/suggest.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace spaceport::spec {
namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Words longer than this are not typos of a field name; skip the quadratic table.
constexpr size_t kMaxWordLength = 64;

}  // namespace

int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  // Three rows suffice: the swap rule looks two rows back.
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      int best = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && Lower(a[i - 1]) == Lower(b[j - 2]) &&
          Lower(a[i - 2]) == Lower(b[j - 1])) {
        best = std::min(best, before[j - 2] + 1);
      }
      current[j] = best;
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::optional<std::string_view> Suggest(std::string_view word,
                                        std::span<const std::string_view> candidates) {
  if (word.empty() || word.size() > kMaxWordLength) return std::nullopt;
  const int limit = std::clamp(static_cast<int>(word.size()) / 3, 1, 3);
  std::optional<std::string_view> best;
  int best_distance = limit + 1;
  // A clipped name ("drift" for "driftPolicy") is far in edits but plainly meant.
  if (word.size() >= 4) {
    for (std::string_view candidate : candidates) {
      if (candidate.size() > word.size() &&
          EditDistance(candidate.substr(0, word.size()), word) == 0) {
        return candidate;
      }
    }
  }
  for (std::string_view candidate : candidates) {
    const int d = EditDistance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates) {
  auto best = Suggest(word, candidates);
  if (!best) return "";
  return "; did you mean \"" + std::string(*best) + "\"?";
}

}  // namespace spaceport::spec
