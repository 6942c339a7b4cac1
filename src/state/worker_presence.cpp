#include "state/worker_presence.hpp"

#include "state/durable_file.hpp"

namespace deployhook {
namespace {

std::filesystem::path LockPath(const std::filesystem::path& state_dir) {
  return state_dir / "worker.lock";
}

}  // namespace

FileLock AnnounceWorker(const std::filesystem::path& state_dir) {
  std::optional<FileLock> lock = FileLock::TryLock(LockPath(state_dir), false);
  // A shared lock is refused only while `WorkerIsRunning` holds the exclusive one for a moment.
  for (int attempt = 0; !lock && attempt < 100; ++attempt) {
    lock = FileLock::TryLock(LockPath(state_dir), false);
  }
  if (!lock) throw StorageError("cannot take " + LockPath(state_dir).string());
  return std::move(*lock);
}

bool WorkerIsRunning(const std::filesystem::path& state_dir) {
  // `sudo deployhook deploy` asks this: a lock file it creates must stay the worker's to open.
  return !FileLock::TryLock(LockPath(state_dir), true, StateOwner(state_dir)).has_value();
}

}  // namespace deployhook
