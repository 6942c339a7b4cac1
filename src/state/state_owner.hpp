#pragma once
// Everything in state_dir belongs to state_dir's owner, whoever writes it. The worker runs as that
// user; `sudo deployhook deploy` runs as root, and a job file or queue directory it left as
// root's would be one the worker can neither take nor add to. Every file and directory the
// command line creates in state_dir is handed over through here.

#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

namespace deployhook {

struct FileOwner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Returns the owner to hand what this process creates in `state_dir` to: state_dir's owner
// when `writer` is root and state_dir belongs to someone else; nothing otherwise (also when
// state_dir does not exist yet: what root creates then is root's, state_dir included).
std::optional<FileOwner> StateOwner(const std::filesystem::path& state_dir,
                                    uid_t writer = ::geteuid());

// Hands the open file `fd` to `owner`; nothing to do without one. Throws StorageError.
void GiveTo(int fd, const std::optional<FileOwner>& owner, const std::filesystem::path& path);

// Hands `path` itself (a symlink is not followed) to `owner`; nothing to do without one.
// Throws StorageError.
void GiveTo(const std::filesystem::path& path, const std::optional<FileOwner>& owner);

// Creates `directory` and its missing parents, handing each one it created to `owner`.
// Throws StorageError.
void EnsureOwnedDirectory(const std::filesystem::path& directory,
                          const std::optional<FileOwner>& owner);

}  // namespace deployhook
