#pragma once
// state_dir/deployments.jsonl: one JSON object per finished run.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

struct StepRecord {
  std::string name;  // pull, up, health, tag, rollback-up, ...
  std::vector<std::string> argv;
  int exit_code = 0;
  double seconds = 0;
};

// One service's image across a run's pull.
struct ImageRecord {
  std::string service;
  std::string reference;                // the image reference the compose file names
  std::string before;                   // image id the service ran before; empty: none
  std::string after;                    // image id the reference names after the pull; empty: none
  std::optional<std::string> revision;  // the pulled image's revision label, a commit SHA
};

struct RunRecord {
  std::string id;
  std::string target;
  std::string kind = "deploy";  // deploy, or rollback (`deployhook rollback`)
  std::string restores;         // the run a rollback put back; empty for a deployment
  std::vector<std::string> deliveries;
  std::string after;   // the newest pushed commit among the deliveries (kept for older readers)
  std::string commit;  // the commit the run aimed at; empty for a manual run without one
  std::string queued_at;
  std::string started_at;
  std::string finished_at;
  std::string result;  // succeeded, unchanged, stale, failed, timed_out, rolled_back
  std::vector<StepRecord> steps;
  std::vector<ImageRecord> images;
  std::string log;  // path of the run's output
};

// Returns true when the run left its images running: it succeeded, or changed nothing.
bool LeftDeployed(const RunRecord& run) noexcept;

// Returns the commit the run aimed at; for records written before runs named one, the pushed
// `after`.
const std::string& RunCommit(const RunRecord& run) noexcept;

// Returns the first revision label among the run's images, or "".
std::string RunRevision(const RunRecord& run);

// Returns the run's wall time in seconds (finished_at - started_at), or the sum of its steps
// when those times cannot be read.
double RunSeconds(const RunRecord& run);

// Returns the record as one line of JSON (no newline).
std::string SerializeRun(const RunRecord& run);

// Returns the record a history line holds, or nothing for a line that is not one.
std::optional<RunRecord> ParseRun(std::string_view line);

std::filesystem::path HistoryPath(const std::filesystem::path& state_dir);

// Appends the record durably (one write under an exclusive lock, then fsync). Throws
// StorageError.
void AppendHistory(const std::filesystem::path& state_dir, const RunRecord& run);

// Returns the lines of a history text to keep: the newest `keep_runs` runs of each target, in
// their order; lines that are not runs are dropped.
std::vector<std::string_view> LinesToKeep(std::string_view text, std::size_t keep_runs);

// Keeps only the newest `keep_runs` runs of each target in the history; returns how many lines it
// dropped. The file is replaced whole (written beside it, renamed over it) while its lock is
// held, and an append waiting on that lock follows the new file. Throws StorageError.
std::size_t CompactHistory(const std::filesystem::path& state_dir, std::size_t keep_runs);

// Returns up to `limit` records, newest first; unparsable lines are skipped.
std::vector<RunRecord> ReadHistory(const std::filesystem::path& state_dir, std::size_t limit);

// Hands `visit` each record, oldest first, one at a time (unparsable lines are skipped): for
// readers that keep little of each run.
void ForEachRun(const std::filesystem::path& state_dir,
                const std::function<void(RunRecord&&)>& visit);

}  // namespace deployhook
