#include "state/rejected_jobs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "state/durable_file.hpp"

namespace deployhook {
namespace {

// Names tried before giving up: an operator who let a thousand copies of one name pile up has
// more to look at than this.
constexpr int MAX_SUFFIX = 1000;

// Best effort: a move the crash forgets only brings the file back to be moved again.
void SyncQuietly(const std::filesystem::path& directory) noexcept {
  try {
    SyncDirectory(directory);
  } catch (const StorageError&) {
  }
}

}  // namespace

std::filesystem::path RejectedDirectory(const std::filesystem::path& state_dir,
                                        std::string_view target) {
  return state_dir / "rejected" / std::string(target);
}

std::optional<std::filesystem::path> MoveToRejected(const std::filesystem::path& state_dir,
                                                    std::string_view target,
                                                    const std::filesystem::path& file,
                                                    const std::optional<FileOwner>& owner) {
  std::filesystem::path directory = RejectedDirectory(state_dir, target);
  EnsureOwnedDirectory(directory, owner);
  std::string name = file.filename().string();
  for (int suffix = 0; suffix <= MAX_SUFFIX; ++suffix) {
    std::filesystem::path destination =
        directory / (suffix == 0 ? name : name + "." + std::to_string(suffix));
    std::error_code error;
    if (std::filesystem::exists(std::filesystem::symlink_status(destination, error))) continue;
    if (::rename(file.c_str(), destination.c_str()) != 0) {
      if (errno == ENOENT) return std::nullopt;
      throw StorageError("cannot move " + file.string() + " to " + destination.string() + ": " +
                         std::strerror(errno));
    }
    SyncQuietly(file.parent_path());
    SyncQuietly(directory);
    return destination;
  }
  throw StorageError("cannot move " + file.string() + " to " + directory.string() +
                     ": every name up to ." + std::to_string(MAX_SUFFIX) + " is taken");
}

std::vector<std::string> RejectedFiles(const std::filesystem::path& state_dir,
                                       std::string_view target) noexcept {
  std::vector<std::string> names;
  try {
    std::error_code error;
    std::filesystem::directory_iterator it(RejectedDirectory(state_dir, target), error);
    for (std::filesystem::directory_iterator end; !error && it != end; it.increment(error)) {
      names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
  } catch (...) {
    names.clear();  // an allocation failure: shown as none rather than breaking a status page
  }
  return names;
}

}  // namespace deployhook
