#include "state/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include "state/durable_file.hpp"

namespace deployhook {

std::optional<FileLock> FileLock::TryLock(const std::filesystem::path& path, bool exclusive,
                                          const std::optional<FileOwner>& owner) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640));
  if (!fd) throw StorageError("cannot open lock " + path.string() + ": " + std::strerror(errno));
  GiveTo(fd.get(), owner, path);
  if (::flock(fd.get(), (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) return std::nullopt;
  return FileLock(std::move(fd));
}

bool FileLock::IsHeld(const std::filesystem::path& path) noexcept {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  return ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0;
}

}  // namespace deployhook
