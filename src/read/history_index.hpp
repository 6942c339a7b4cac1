#pragma once
// What the read side shows of the history, kept in memory and brought up to date by reading
// only what was appended since the last look: a scrape or page view never reads the whole
// history again (unless the file was replaced or shortened).

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "history.hpp"

namespace deployhook {

// Upper bounds (seconds) of the run-duration histogram's buckets; +Inf comes after.
inline const std::vector<double> DURATION_BUCKETS = {5, 15, 30, 60, 120, 300, 600, 1800, 3600};

struct TargetHistory {
  std::map<std::string, std::uint64_t> results;  // result -> runs
  std::vector<std::uint64_t> buckets;            // cumulative per DURATION_BUCKETS, then +Inf
  double duration_sum = 0;
  std::uint64_t duration_count = 0;
  double last_success = 0;      // seconds since the epoch; 0: never
  std::deque<RunRecord> recent; // newest last, at most RECENT
};

class HistoryIndex {
 public:
  static constexpr std::size_t RECENT = 30;

  explicit HistoryIndex(std::filesystem::path state_dir) : state_dir_(std::move(state_dir)) {}

  // Reads what was appended since the last call and returns every target's summary.
  std::map<std::string, TargetHistory> Refresh();

 private:
  void Add(const RunRecord& run);

  std::filesystem::path state_dir_;
  std::mutex mutex_;
  std::uintmax_t offset_ = 0;
  std::uint64_t inode_ = 0;
  std::string partial_;  // a line still being written
  std::map<std::string, TargetHistory> targets_;
};

}  // namespace deployhook
