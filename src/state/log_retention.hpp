#pragma once
// state_dir/logs/<id>.log kept for the newest `keep_runs` recorded runs of each target.

#include <filesystem>
#include <vector>

#include "history.hpp"

namespace deployhook {

// Returns the logs of the runs in `newest_first` beyond the newest `keep_runs` of their target.
// Only paths directly in `logs_dir` are returned: a history line never makes anything else go.
std::vector<std::filesystem::path> LogsBeyondRetention(const std::vector<RunRecord>& newest_first,
                                                       std::size_t keep_runs,
                                                       const std::filesystem::path& logs_dir);

// Removes the logs of every target's runs beyond its newest `keep_runs` from state_dir/logs;
// returns how many files it removed. Never throws (pruning is housekeeping).
std::size_t PruneRunLogs(const std::filesystem::path& state_dir, std::size_t keep_runs) noexcept;

}  // namespace deployhook
