#include "state/state_layout.hpp"

#include <sys/stat.h>

#include "state/durable_file.hpp"
#include "state/history.hpp"
#include "state/pause.hpp"
#include "state/rejected_jobs.hpp"

namespace deployhook {
namespace {

struct Expected {
  std::filesystem::path path;
  EntryKind kind;
};

std::vector<Expected> FixedEntries(const std::filesystem::path& state_dir,
                                   const std::vector<std::string>& targets) {
  std::vector<Expected> entries = {
      {HistoryPath(state_dir), EntryKind::File},
      {CompactedTallyPath(state_dir), EntryKind::File},
      {UnparsableHistoryPath(state_dir), EntryKind::File},
      {state_dir / "worker.lock", EntryKind::File},
      {state_dir / "queue", EntryKind::Directory},
      {state_dir / "locks", EntryKind::Directory},
      {state_dir / "logs", EntryKind::Directory},
      {state_dir / "seen", EntryKind::Directory},
      {state_dir / "outbox", EntryKind::Directory},
      {state_dir / "paused", EntryKind::Directory},
      {state_dir / "rejected", EntryKind::Directory},
  };
  for (const std::string& target : targets) {
    entries.push_back({state_dir / "queue" / target, EntryKind::Directory});
    entries.push_back({state_dir / "locks" / (target + ".lock"), EntryKind::File});
    entries.push_back({PausePath(state_dir, target), EntryKind::File});
    entries.push_back({RejectedDirectory(state_dir, target), EntryKind::Directory});
  }
  return entries;
}

}  // namespace

std::vector<MisplacedEntry> FindMisplacedEntries(const std::filesystem::path& state_dir,
                                                 const std::vector<std::string>& targets) noexcept {
  std::vector<MisplacedEntry> misplaced;
  try {
    for (const Expected& entry : FixedEntries(state_dir, targets)) {
      struct stat info {};
      if (::stat(entry.path.c_str(), &info) != 0) continue;  // absent (or unreachable): not wrong
      bool fits = entry.kind == EntryKind::File ? S_ISREG(info.st_mode) : S_ISDIR(info.st_mode);
      if (!fits) {
        misplaced.push_back({.path = entry.path, .expected = entry.kind,
                             .found = DescribeFileType(info.st_mode)});
      }
    }
  } catch (...) {
    // Out of memory while listing: what was found so far is still true.
  }
  return misplaced;
}

std::string DescribeMisplaced(const MisplacedEntry& entry) {
  return std::string(entry.found) + " where deployhook needs " +
         (entry.expected == EntryKind::File ? "a regular file" : "a directory");
}

}  // namespace deployhook
