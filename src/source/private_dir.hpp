#pragma once
// The private tmpfs folder a run's decrypted files live in: never on a disk, never readable by
// another user, removed when the run ends.

#include <filesystem>
#include <string>

namespace deployhook {

// Returns the folder decrypted files go below: $RUNTIME_DIRECTORY (systemd's RuntimeDirectory,
// a tmpfs under /run) when set, else /dev/shm/deployhook-<uid>.
std::filesystem::path SecretsBase(const char* runtime_directory);

// Returns why `base` cannot hold secrets ("" when it can), creating it 0700 when missing: it
// must be a directory (not a symlink) owned by this user, with no access for group or others,
// on a tmpfs.
std::string PrepareSecretsBase(const std::filesystem::path& base);

// Returns a new folder (0700) below `base` whose name starts with `prefix`; throws
// std::filesystem::filesystem_error when it cannot be made.
std::filesystem::path MakePrivateDir(const std::filesystem::path& base, const std::string& prefix);

// Removes `path` and what it holds, making read-only folders writable first; never throws.
void RemoveTree(const std::filesystem::path& path) noexcept;

// Makes every file and folder below `root` (and itself) read-only, keeping execute bits.
void MakeReadOnly(const std::filesystem::path& root);

}  // namespace deployhook
