#pragma once
// Reading a name back into a value of a closed set: an enum class whose one name table is its
// `Name(value)` function and whose values are listed in one array.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace deployhook {

// Returns the value of `all` whose Name() is `name`, or nothing when none is.
template <typename Enum, std::size_t N>
std::optional<Enum> ValueNamed(const std::array<Enum, N>& all, std::string_view name) noexcept {
  for (Enum value : all) {
    if (Name(value) == name) return value;
  }
  return std::nullopt;
}

}  // namespace deployhook
