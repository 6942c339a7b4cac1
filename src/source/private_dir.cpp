#include "source/private_dir.hpp"

#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <vector>

namespace deployhook {
namespace {

constexpr long TMPFS_MAGIC_NUMBER = 0x01021994;
constexpr long RAMFS_MAGIC_NUMBER = 0x858458f6;

namespace fs = std::filesystem;

}  // namespace

fs::path SecretsBase(const char* runtime_directory) {
  if (runtime_directory != nullptr && *runtime_directory != '\0') {
    std::string first(runtime_directory);
    first = first.substr(0, first.find(':'));  // systemd lists several with ':'
    return fs::path(first) / "secrets";
  }
  return fs::path("/dev/shm") / ("deployhook-" + std::to_string(geteuid()));
}

std::string PrepareSecretsBase(const fs::path& base) {
  if (mkdir(base.c_str(), 0700) != 0 && errno != EEXIST) {
    return "cannot create " + base.string() + ": " + std::generic_category().message(errno);
  }
  struct stat info {};
  if (lstat(base.c_str(), &info) != 0) return "cannot read " + base.string();
  if (!S_ISDIR(info.st_mode)) return base.string() + " is not a folder";
  if (info.st_uid != geteuid()) return base.string() + " belongs to another user";
  if ((info.st_mode & 077) != 0) return base.string() + " is open to other users (mode must be 0700)";
  struct statfs filesystem {};
  if (statfs(base.c_str(), &filesystem) != 0) return "cannot read the file system of " + base.string();
  long type = static_cast<long>(filesystem.f_type);
  if (type != TMPFS_MAGIC_NUMBER && type != RAMFS_MAGIC_NUMBER) {
    return base.string() + " is not on a tmpfs: decrypted files would reach a disk";
  }
  return {};
}

fs::path MakePrivateDir(const fs::path& base, const std::string& prefix) {
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw fs::filesystem_error("cannot create a private folder", fs::path(pattern),
                               std::error_code(errno, std::generic_category()));
  }
  return pattern;
}

void RemoveTree(const fs::path& path) noexcept {
  std::error_code error;
  if (fs::is_directory(fs::symlink_status(path, error))) {
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, error);
    for (auto it = fs::recursive_directory_iterator(path, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
      if (it->is_directory(error) && !it->is_symlink(error)) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, error);
      }
    }
  }
  fs::remove_all(path, error);
}

void MakeReadOnly(const fs::path& root) {
  constexpr fs::perms WRITE = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
  std::vector<fs::path> folders{root};
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_symlink()) continue;
    if (entry.is_directory()) {
      folders.push_back(entry.path());
    } else {
      fs::permissions(entry.path(), WRITE, fs::perm_options::remove);
    }
  }
  // Folders last, deepest first: a read-only folder's entries cannot be changed any more.
  for (auto it = folders.rbegin(); it != folders.rend(); ++it) fs::permissions(*it, WRITE, fs::perm_options::remove);
}

}  // namespace deployhook
