#pragma once
// Temporary files (`<name>.tmp-<pid>-<n>`, see WriteFileDurably) that a process killed
// mid-write left in state_dir.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string_view>

namespace deployhook {

// Returns the pid of the process that wrote the temporary file named `file_name`, or nothing
// when the name is not one of a temporary file.
std::optional<pid_t> TemporaryWriter(std::string_view file_name);

// Removes every temporary file below `state_dir` whose writer is no longer running; returns how
// many it removed. A temporary of a live process (another worker, a `deployhook deploy` writing
// now) is left alone. Never throws.
std::size_t RemoveStaleTemporaries(const std::filesystem::path& state_dir) noexcept;

}  // namespace deployhook
