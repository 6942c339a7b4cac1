#pragma once
// The fixed entries of state_dir and what each must be: a file of the wrong type there (a lock
// that is a directory, a directory where the history should be) is named once when the worker
// starts and by `deployhook status`, instead of surfacing as a failure at every look.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

enum class EntryKind { File, Directory };

struct MisplacedEntry {
  std::filesystem::path path;
  EntryKind expected = EntryKind::File;
  std::string_view found;  // DescribeFileType's words
};

// Returns the fixed entries of state_dir (those of `targets` included: locks, queues, pauses,
// rejected files) that exist but are not what deployhook uses them as, in a fixed order.
// Symbolic links are followed. Never throws.
std::vector<MisplacedEntry> FindMisplacedEntries(const std::filesystem::path& state_dir,
                                                 const std::vector<std::string>& targets) noexcept;

// Returns "a directory where deployhook needs a regular file" and the like (the path not included).
std::string DescribeMisplaced(const MisplacedEntry& entry);

}  // namespace deployhook
