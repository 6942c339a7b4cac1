#include "state/state_owner.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "state/durable_file.hpp"

namespace deployhook {
namespace {

[[noreturn]] void Fail(const std::filesystem::path& path) {
  throw StorageError("cannot give " + path.string() + " to the owner of state_dir: " +
                     std::strerror(errno));
}

}  // namespace

std::optional<FileOwner> StateOwner(const std::filesystem::path& state_dir, uid_t writer) {
  if (writer != 0) return std::nullopt;  // only root can give files away, and only root must
  struct stat info {};
  if (::stat(state_dir.c_str(), &info) != 0) return std::nullopt;
  if (info.st_uid == writer) return std::nullopt;
  return FileOwner{info.st_uid, info.st_gid};
}

void GiveTo(int fd, const std::optional<FileOwner>& owner, const std::filesystem::path& path) {
  if (owner && ::fchown(fd, owner->uid, owner->gid) != 0) Fail(path);
}

void GiveTo(const std::filesystem::path& path, const std::optional<FileOwner>& owner) {
  if (owner && ::lchown(path.c_str(), owner->uid, owner->gid) != 0) Fail(path);
}

void EnsureOwnedDirectory(const std::filesystem::path& directory,
                          const std::optional<FileOwner>& owner) {
  std::vector<std::filesystem::path> missing;
  std::error_code error;
  for (std::filesystem::path at = directory; !at.empty() && !std::filesystem::exists(at, error);
       at = at.parent_path()) {
    missing.push_back(at);
    if (at == at.parent_path()) break;
  }
  EnsureDirectory(directory);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) GiveTo(*it, owner);
}

}  // namespace deployhook
