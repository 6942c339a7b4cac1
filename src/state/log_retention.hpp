#pragma once
// state_dir/logs/<id>.log kept for the newest `keep_runs` recorded runs of each target; a log no
// recorded run names (its run was interrupted, and ran again under another id) for a week.

#include <chrono>
#include <filesystem>
#include <vector>

#include "state/history.hpp"

namespace deployhook {

// Returns the logs of the runs in `newest_first` beyond the newest `keep_runs` of their target.
// Only paths directly in `logs_dir` are returned: a history line never makes anything else go.
std::vector<std::filesystem::path> LogsBeyondRetention(const std::vector<RunRecord>& newest_first,
                                                       std::size_t keep_runs,
                                                       const std::filesystem::path& logs_dir);

// A log no history line names is removed once unchanged for this long: long enough that it
// cannot be the log of a run still going (a step or an image wait is bounded far below it).
constexpr std::chrono::hours UNRECORDED_LOG_AGE{24 * 7};

// Removes from state_dir/logs the logs of every target's runs beyond its newest `keep_runs`,
// and the logs no recorded run names that are older than UNRECORDED_LOG_AGE at `now`; returns
// how many files it removed. Never throws (pruning is housekeeping).
std::size_t PruneRunLogs(const std::filesystem::path& state_dir, std::size_t keep_runs,
                         std::filesystem::file_time_type now =
                             std::filesystem::file_time_type::clock::now()) noexcept;

}  // namespace deployhook
