#pragma once
// Hex digits as forges and git write them.

#include <string_view>

namespace deployhook {

// Returns the value of one hex digit (either case), or -1 when `c` is not one.
int HexDigitValue(char c) noexcept;

// Returns true when `text` is a full git commit id: exactly 40 hex digits (SHA-1), or 64 in a
// SHA-256 repository; either case.
bool IsCommitId(std::string_view text) noexcept;

}  // namespace deployhook
