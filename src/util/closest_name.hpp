#pragma once
// "Did you mean ...?": the known name a mistyped one was most likely meant to be.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace deployhook {

// Returns the name in `names` nearest to `word` (fewest insertions, deletions, substitutions
// and swaps of two neighbours), or nothing when none is near enough to be a typo of it: at most
// two edits, and fewer than half of the word's length.
std::optional<std::string> ClosestName(std::string_view word,
                                       std::span<const std::string_view> names);

}  // namespace deployhook
