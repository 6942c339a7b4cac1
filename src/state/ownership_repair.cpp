#include "state/ownership_repair.hpp"

#include <sys/stat.h>

#include "state/durable_file.hpp"
#include "state/state_owner.hpp"

namespace deployhook {
namespace {

bool OwnedBy(const std::filesystem::path& path, uid_t user) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 && info.st_uid == user;
}

// Replaces a readable foreign file by a copy of it that `worker` owns (it owns the directory,
// so the rename is allowed). Returns false when it cannot.
bool TakeBack(const std::filesystem::path& path, uid_t worker) {
  if (!OwnedBy(path.parent_path(), worker)) return false;
  try {
    std::string content;
    if (!ReadWholeFile(path, content)) return true;  // gone meanwhile: nothing left to repair
    WriteFileDurably(path, content);
    return true;
  } catch (const StorageError&) {
    return false;
  }
}

}  // namespace

OwnershipRepair RepairOwnership(const std::filesystem::path& state_dir, uid_t worker) {
  OwnershipRepair repair;
  std::optional<FileOwner> owner = StateOwner(state_dir, worker);
  // As root without a state_dir owner to give to, every entry is usable as it is.
  if (worker == 0 && !owner) return repair;
  const uid_t rightful = owner ? owner->uid : worker;
  std::error_code error;
  std::filesystem::recursive_directory_iterator it(
      state_dir, std::filesystem::directory_options::skip_permission_denied, error);
  std::filesystem::recursive_directory_iterator end;
  for (; !error && it != end; it.increment(error)) {
    const std::filesystem::path& path = it->path();
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || info.st_uid == rightful) continue;
    bool directory = S_ISDIR(info.st_mode);
    bool fixed = false;
    if (owner) {
      try {
        GiveTo(path, owner);
        fixed = true;
      } catch (const StorageError&) {
      }
    } else if (S_ISREG(info.st_mode)) {
      fixed = TakeBack(path, worker);
    }
    if (fixed) {
      ++repair.repaired;
    } else {
      repair.unusable.push_back({path, info.st_uid});
      if (directory) it.disable_recursion_pending();
    }
  }
  return repair;
}

}  // namespace deployhook
