#pragma once
// state_dir/rejected/<target>/: files found in a target's queue that are not its jobs (corrupt,
// empty, a directory, another target's job, a name that is not `<id>.json`), moved aside so that
// they neither run nor stop the queue. Nothing reads them again: an operator looks, then removes
// them (or queues the deployment again with `deployhook deploy`).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/state_owner.hpp"

namespace deployhook {

std::filesystem::path RejectedDirectory(const std::filesystem::path& state_dir,
                                        std::string_view target);

// Moves `file` (a file or a directory) into the target's rejected directory under its own name,
// or with a suffix `.1`, `.2`, ... when that name is taken. Returns where it went, or nothing when
// `file` was already gone (another worker sharing the state_dir moved it first). Throws
// StorageError when it cannot be moved; it then stays where it is.
std::optional<std::filesystem::path> MoveToRejected(const std::filesystem::path& state_dir,
                                                    std::string_view target,
                                                    const std::filesystem::path& file,
                                                    const std::optional<FileOwner>& owner);

// Returns the names in the target's rejected directory, sorted; none when there is no such
// directory or it cannot be listed. Never throws.
std::vector<std::string> RejectedFiles(const std::filesystem::path& state_dir,
                                       std::string_view target) noexcept;

}  // namespace deployhook
