#pragma once
// flock(2) locks on files in state_dir: released by the kernel when the holder dies.

#include <filesystem>
#include <optional>

#include "state/state_owner.hpp"
#include "util/unique_fd.hpp"

namespace deployhook {

class FileLock {
 public:
  // Returns the lock when it could be taken without waiting, else nothing. `exclusive` false
  // takes a shared lock; a lock file created here is given to `owner`. Throws StorageError when
  // the file cannot be opened.
  static std::optional<FileLock> TryLock(const std::filesystem::path& path, bool exclusive = true,
                                         const std::optional<FileOwner>& owner = std::nullopt);

  // Returns true while someone holds an exclusive lock on `path`; never creates it (a reader
  // running as another user must not leave a lock file the worker cannot open).
  static bool IsHeld(const std::filesystem::path& path) noexcept;

  // Returns the locked file's descriptor: a child that keeps it open keeps the lock held.
  int Descriptor() const noexcept { return fd_.get(); }

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace deployhook
