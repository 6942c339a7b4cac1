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

// A file written and synced under a temporary name beside `path` (`<path>.tmp-<pid>-<n>`, which
// readers of state_dir skip), not yet in place: several can be prepared before any appears.
// Destroyed before Place, it removes its temporary.
class StagedFile {
 public:
  // Writes `content` to the temporary and fsyncs it; with an `owner`, the file is that user's.
  // Throws StorageError.
  StagedFile(std::filesystem::path path, std::string_view content,
             const std::optional<FileOwner>& owner = std::nullopt);
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  ~StagedFile();

  // Renames the temporary over the path. The directory is not synced: SyncDirectory does that,
  // once for several files. Throws StorageError (the temporary is then removed).
  void Place();

  const std::filesystem::path& Path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temporary_;  // empty once placed or moved from
};

// Returns what an lstat st_mode is, in words for a message: "a regular file", "a directory",
// "a symbolic link", "a FIFO", "a socket" or "a device".
std::string_view DescribeFileType(unsigned mode) noexcept;

// Fsyncs a directory, so the renames into it survive a crash. Throws StorageError.
void SyncDirectory(const std::filesystem::path& directory);

// Creates `directory` (and parents) when missing. Throws StorageError.
void EnsureDirectory(const std::filesystem::path& directory);

// Reads the whole file into `content`; returns false when it does not exist. Throws StorageError
// naming the path for any other failure, something else than a regular file (a directory, a
// FIFO) included; never opens a FIFO for long.
bool ReadWholeFile(const std::filesystem::path& path, std::string& content);

}  // namespace deployhook
