#pragma once
// state_dir/deployments.jsonl: one JSON object per finished run. Beside it,
// deployments-compacted.json holds the tallies of the runs compaction removed, and
// deployments.unparsable.jsonl the lines compaction could not read as runs.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/run_result.hpp"
#include "util/log.hpp"

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
  std::optional<std::string> digest;    // the registry digest of `after` ("repo@sha256:..."), when
                                        // the image came from (or went to) a registry
};

struct RunRecord {
  std::string id;
  std::string target;
  RunKind kind = RunKind::Deploy;
  std::string restores;  // the run a rollback put back; empty for a deployment
  std::vector<std::string> deliveries;
  std::string after;   // the newest pushed commit among the deliveries (kept for older readers)
  std::string commit;  // the commit the run aimed at; empty for a manual run without one
  std::string queued_at;
  std::string started_at;
  std::string finished_at;
  RunResult result = RunResult::Failed;  // a run whose end was never told to it failed
  std::vector<StepRecord> steps;
  std::vector<ImageRecord> images;
  std::string log;  // path of the run's output
  std::string slot;  // blue-green: the slot serving when the run ended; empty otherwise
  // "sha256:<hex>" of the resolved compose config (`compose config`) the run deployed; empty when
  // it did not read one (Swarm targets, a run that ended before)
  std::string config{};
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

// Returns the record as one line of JSON with "kind" and "result" as given: a notification of a
// run's start ("started") or a test message ("test") says what it is in those fields.
std::string SerializeRun(const RunRecord& run, std::string_view kind, std::string_view result);

// Returns the record a history line holds, or nothing for a line that is not one (a result or
// kind this build does not know included: such a line is unparsable like a torn one).
std::optional<RunRecord> ParseRun(std::string_view line);

std::filesystem::path HistoryPath(const std::filesystem::path& state_dir);

// Appends the record durably: one write under an exclusive lock, then fsync. A write that fails
// or stops short, or a failed fsync, cuts the file back to the size it had (under the same lock)
// before throwing StorageError, so a failed append leaves the file as it was and a retry appends
// a whole line. A tail without a newline (a record torn before this guarantee) is ended first,
// so the record never joins it.
void AppendHistory(const std::filesystem::path& state_dir, const RunRecord& run);

// Returns true when the history holds a readable record of run `id`; an unreadable history
// holds none.
bool HistoryHoldsRun(const std::filesystem::path& state_dir, std::string_view id);

// Upper bounds (seconds) of the run-duration histogram's buckets; +Inf comes after.
inline const std::vector<double> DURATION_BUCKETS = {5, 15, 30, 60, 120, 300, 600, 1800, 3600};

// The counts a target's runs add up to: runs by result, their wall times as a histogram, and the
// last time one left the target deployed.
struct RunTally {
  std::map<std::string, std::uint64_t> results;  // result name -> runs (as metrics and the file)
  std::vector<std::uint64_t> buckets;            // cumulative per DURATION_BUCKETS, then +Inf
  double duration_sum = 0;
  std::uint64_t duration_count = 0;
  double last_success = 0;  // seconds since the epoch; 0: never
};

// Counts one run into `tally`.
void CountRun(RunTally& tally, const RunRecord& run);

// state_dir/deployments-compacted.json: per target, the tally of every run compaction removed
// from the history. The counters are this plus what the history holds, so they never fall
// whatever keep_runs removes, across restarts. Compaction writes it durably, under the history's
// lock, before the shorter history replaces the old one: a crash between the two counts the
// removed runs twice (the next compaction removes them again), it never loses them.
std::filesystem::path CompactedTallyPath(const std::filesystem::path& state_dir);

// Returns the tallies of deployments-compacted.json by target; none when it does not exist.
// Throws StorageError when it cannot be read or is not such a file (the counters would fall).
std::map<std::string, RunTally> ReadCompactedTally(const std::filesystem::path& state_dir);

// state_dir/deployments.unparsable.jsonl: the lines compaction found in the history that are not
// runs (a record torn by a crash, a hand edit), moved here verbatim, oldest first.
std::filesystem::path UnparsableHistoryPath(const std::filesystem::path& state_dir);

// A history text cut for compaction.
struct HistorySplit {
  std::vector<std::string_view> kept;        // the newest keep_runs runs of each target, in order
  std::vector<RunRecord> dropped;            // the older runs, oldest first
  std::vector<std::string_view> unparsable;  // lines that are not runs, in order
};

// Returns the history text cut into the newest `keep_runs` runs of each target, the runs beyond
// them and the lines that are not runs. Blank lines carry nothing and are in none of them.
HistorySplit SplitHistory(std::string_view text, std::size_t keep_runs);

struct CompactionReport {
  std::size_t dropped = 0;    // runs beyond keep_runs, now counted in deployments-compacted.json
  std::size_t set_aside = 0;  // lines that are not runs, now in deployments.unparsable.jsonl
};

// Keeps only the newest `keep_runs` runs of each target in the history; returns how many runs it
// dropped and how many unparsable lines it moved to UnparsableHistoryPath (an operator should
// hear of those: one warning naming that file). Under the history's lock, the tally of the
// dropped runs and the set-aside lines are written durably first, then the history is replaced
// whole (written beside it, renamed over it); an append waiting on the lock follows the new file.
// Throws StorageError (an unreadable tally included: the history is left as it was).
CompactionReport CompactHistory(const std::filesystem::path& state_dir, std::size_t keep_runs);

// Housekeeping after a run or at start: compacts the history and logs what it did (runs dropped,
// at info; lines set aside, once, as a warning naming the file; a failure, as a warning). Never
// throws: the runs are recorded either way.
void CompactHistoryLogged(const std::filesystem::path& state_dir, std::size_t keep_runs,
                          const Logger& log) noexcept;

// Returns up to `limit` records, newest first; unparsable lines are skipped.
std::vector<RunRecord> ReadHistory(const std::filesystem::path& state_dir, std::size_t limit);

// Hands `visit` each record, oldest first, one at a time (unparsable lines are skipped): for
// readers that keep little of each run.
void ForEachRun(const std::filesystem::path& state_dir,
                const std::function<void(RunRecord&&)>& visit);

// What a reader following the history (HistoryIndex) reads in one look.
struct HistoryChunk {
  bool from_start = false;   // the file is not the one read before, or was cut: start over
  std::uint64_t inode = 0;   // 0: there is no history
  std::uintmax_t end = 0;    // the offset after `bytes`
  std::string bytes;
  std::map<std::string, RunTally> compacted;  // when from_start: ReadCompactedTally
};

// Returns the history's bytes from `offset` (at most `max_bytes` of them) when it is still file
// `inode` and that long, else from the start together with the compacted tallies. Read under a
// shared lock on the history, so never in the middle of a compaction (its tally written, the
// history not yet replaced) nor of an append. Throws StorageError.
HistoryChunk ReadHistoryChunk(const std::filesystem::path& state_dir, std::uint64_t inode,
                              std::uintmax_t offset,
                              std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

}  // namespace deployhook
