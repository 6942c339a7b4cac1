#pragma once
// At start, the worker looks for entries in state_dir it does not own (left by an older
// `sudo deployhook deploy`, or a chown gone wrong): what it can take back, it does; the rest it
// names, so an operator knows why a target answers 503 or a job never runs.

#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

namespace deployhook {

struct ForeignEntry {
  std::filesystem::path path;
  uid_t owner = 0;
};

struct OwnershipRepair {
  std::size_t repaired = 0;
  std::vector<ForeignEntry> unusable;  // not the worker's and left so
};

// Returns what was repaired below `state_dir` and what could not be, for a worker running as
// `worker`. As root, every entry is handed to state_dir's owner (when that is someone else).
// Otherwise a foreign file the worker can read, in a directory of its own, is rewritten as its
// own file; a foreign directory, or a file it cannot read, is reported (with nothing below it).
// Never throws: what cannot be examined is skipped.
OwnershipRepair RepairOwnership(const std::filesystem::path& state_dir, uid_t worker = ::geteuid());

}  // namespace deployhook
