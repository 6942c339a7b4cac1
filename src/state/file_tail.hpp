#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace deployhook {

// Returns the last `max_bytes` bytes of the file at `path` (all of it when smaller), or nothing
// when it cannot be opened. Never throws for an I/O failure; a short read returns what was read.
std::optional<std::string> ReadFileTail(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace deployhook
