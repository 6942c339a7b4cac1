#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace deployhook {

// Returns `bytes` as lowercase hex digits, two per byte.
std::string HexEncode(const unsigned char* bytes, std::size_t size);

// Returns the SHA-256 of `data` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace deployhook
