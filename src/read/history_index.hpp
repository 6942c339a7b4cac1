#pragma once
// What the read side shows of the history, kept in memory and brought up to date by reading
// only what was appended since the last look: a scrape or page view never reads the whole
// history again (unless the file was replaced or shortened). The counts start from the tallies
// of the runs compaction removed (deployments-compacted.json), so they never fall.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "state/history.hpp"

namespace deployhook {

// Every run a target ever recorded, counted (those compaction removed included), and its
// recent runs.
struct TargetHistory : RunTally {
  std::deque<RunRecord> recent;  // newest last, at most RECENT
};

class HistoryIndex {
 public:
  static constexpr std::size_t RECENT = 30;

  explicit HistoryIndex(std::filesystem::path state_dir) : state_dir_(std::move(state_dir)) {}

  // Reads what was appended since the last call, a chunk at a time, and returns every target's
  // summary; memory a large read took is given back. Throws StorageError when the history or
  // the compacted tallies cannot be read.
  std::map<std::string, TargetHistory> Refresh();

 private:
  void Add(const RunRecord& run);
  // Reads and counts the next chunk of the history; returns how many bytes it read.
  std::size_t ReadMore();

  std::filesystem::path state_dir_;
  std::mutex mutex_;
  std::uintmax_t offset_ = 0;
  std::uint64_t inode_ = 0;
  std::string partial_;  // a line still being written
  std::map<std::string, TargetHistory> targets_;
};

}  // namespace deployhook
