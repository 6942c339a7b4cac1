#include "state/log_retention.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace deployhook {

std::vector<std::filesystem::path> LogsBeyondRetention(const std::vector<RunRecord>& newest_first,
                                                       std::size_t keep_runs,
                                                       const std::filesystem::path& logs_dir) {
  std::vector<std::filesystem::path> beyond;
  std::map<std::string, std::size_t> seen;  // runs met so far per target
  for (const RunRecord& run : newest_first) {
    if (++seen[run.target] <= keep_runs || run.log.empty()) continue;
    std::filesystem::path log = run.log;
    if (log.parent_path().lexically_normal() != logs_dir.lexically_normal() ||
        !log.filename().string().ends_with(".log")) {
      continue;
    }
    beyond.push_back(std::move(log));
  }
  return beyond;
}

namespace {

// Removes the logs in `logs_dir` that no run in `runs` names and that are older than
// UNRECORDED_LOG_AGE; returns how many.
std::size_t RemoveUnrecordedLogs(const std::filesystem::path& logs_dir,
                                 const std::vector<RunRecord>& runs,
                                 std::filesystem::file_time_type now) {
  std::set<std::string> named;
  for (const RunRecord& run : runs) named.insert(std::filesystem::path(run.log).filename());
  std::size_t removed = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(logs_dir, error)) {
    std::string name = entry.path().filename();
    if (!name.ends_with(".log") || named.contains(name)) continue;
    std::error_code ignored;
    auto modified = entry.last_write_time(ignored);
    if (ignored || now - modified < UNRECORDED_LOG_AGE) continue;
    if (std::filesystem::remove(entry.path(), ignored)) ++removed;
  }
  return removed;
}

}  // namespace

std::size_t PruneRunLogs(const std::filesystem::path& state_dir, std::size_t keep_runs,
                         std::filesystem::file_time_type now) noexcept {
  std::size_t removed = 0;
  try {
    // Only each run's target and log: a run's deliveries alone can be thousands of ids.
    std::vector<RunRecord> runs;
    ForEachRun(state_dir, [&](RunRecord&& run) {
      RunRecord& kept = runs.emplace_back();
      kept.target = std::move(run.target);
      kept.log = std::move(run.log);
    });
    std::reverse(runs.begin(), runs.end());  // newest first
    for (const std::filesystem::path& log :
         LogsBeyondRetention(runs, keep_runs, state_dir / "logs")) {
      std::error_code error;
      if (std::filesystem::remove(log, error)) ++removed;
    }
    removed += RemoveUnrecordedLogs(state_dir / "logs", runs, now);
  } catch (...) {
    // A log left behind is disk space, not a failed run.
  }
  return removed;
}

}  // namespace deployhook
