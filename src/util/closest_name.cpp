#include "util/closest_name.hpp"

#include <algorithm>
#include <vector>

namespace deployhook {
namespace {

constexpr std::size_t MAX_EDITS = 2;

// Returns the optimal-string-alignment distance between `a` and `b`.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  const std::size_t columns = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * columns);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * columns + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

}  // namespace

std::optional<std::string> ClosestName(std::string_view word,
                                       std::span<const std::string_view> names) {
  // A key is short; a long word (a pasted value, say) is not worth a quadratic table.
  constexpr std::size_t MAX_WORD = 64;
  if (word.empty() || word.size() > MAX_WORD) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = MAX_EDITS + 1;
  for (std::string_view name : names) {
    if (name.size() > MAX_WORD) continue;
    std::size_t distance = EditDistance(word, name);
    if (distance < best_distance && distance * 2 < word.size()) {
      best = std::string(name);
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace deployhook
