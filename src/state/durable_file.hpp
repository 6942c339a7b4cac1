#pragma once
// Files that are either wholly there or not there at all, even across a crash or power loss.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "state/state_owner.hpp"

namespace deployhook {

// Raised when the disk refuses a write (full, read-only, permissions); what() says where.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes `content` to a temporary file beside `path`, fsyncs it, renames it over `path` and
// fsyncs the directory, so readers see the old file or the whole new one. With an `owner`, the
// file is that user's before it appears. Throws StorageError.
void WriteFileDurably(const std::filesystem::path& path, std::string_view content,
                      const std::optional<FileOwner>& owner = std::nullopt);

// Creates `directory` (and parents) when missing. Throws StorageError.
void EnsureDirectory(const std::filesystem::path& directory);

// Reads the whole file into `content`; returns false when it does not exist. Throws StorageError
// for any other failure.
bool ReadWholeFile(const std::filesystem::path& path, std::string& content);

}  // namespace deployhook
