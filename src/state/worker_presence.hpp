#pragma once
// Whether some `deployhook serve` is running on a state_dir: each holds a shared lock on
// state_dir/worker.lock for its lifetime.

#include <filesystem>

#include "state/file_lock.hpp"

namespace deployhook {

// Returns the lock a serving worker holds; throws StorageError when it cannot be opened.
FileLock AnnounceWorker(const std::filesystem::path& state_dir);

// Returns true while any worker holds its lock.
bool WorkerIsRunning(const std::filesystem::path& state_dir);

}  // namespace deployhook
