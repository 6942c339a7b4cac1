#pragma once
// The "a|b|c" lines that docker --format templates print, split into fields.

#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

// Returns the lines of `output` that have exactly `fields` fields separated by '|' and a
// non-empty first field; other lines (warnings, blanks) are skipped.
std::vector<std::vector<std::string>> SplitFieldLines(std::string_view output, std::size_t fields);

}  // namespace deployhook
