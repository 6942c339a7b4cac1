// deployhook status [TARGET]: paused targets and the latest runs, newest first; for one target
// also whether it runs now, what is deployed and what is queued.

#include <algorithm>
#include <cstdio>

#include "app/commands.hpp"
#include "state/file_lock.hpp"
#include "state/history.hpp"
#include "state/job_queue.hpp"
#include "util/log.hpp"
#include "state/pause.hpp"
#include "state/rejected_jobs.hpp"
#include "state/state_layout.hpp"

namespace deployhook {
namespace {

std::string Short(const std::string& sha) { return sha.substr(0, 12); }

std::string Commit(const RunRecord& run) { return Short(RunCommit(run)); }

// The revision label of the images the run left in place: "-" when none carries one.
std::string Revision(const RunRecord& run) {
  std::string revision = RunRevision(run);
  return revision.empty() ? "-" : Short(revision);
}

// Every value read back from history may come from a payload: printed escaped, never as bytes
// a terminal would act on.
std::string Shown(const std::string& value) { return EscapeBytes(value); }

// How much history one `status` reads to find a target's latest runs.
constexpr std::size_t HISTORY_SCAN = 100000;


// Prints whether the target is paused; returns true when it is.
bool PrintPause(const Config& config, const std::string& target) {
  std::optional<Pause> pause = ReadPause(config.state_dir, target);
  if (!pause) return false;
  std::printf("%s: paused by %s since %s%s%s\n", target.c_str(), Shown(pause->user).c_str(),
              pause->since.c_str(), pause->reason.empty() ? "" : ": ",
              pause->reason.empty() ? "" : Shown(pause->reason).c_str());
  return true;
}

// Prints how many files the target's queue set aside in rejected/ (and, with `each`, their
// names); nothing when there are none.
void PrintRejected(const Config& config, const std::string& target, bool each) {
  std::vector<std::string> rejected = RejectedFiles(config.state_dir, target);
  if (rejected.empty()) return;
  std::printf("%s: %zu rejected file%s in %s (never run: look, then remove them)\n", target.c_str(),
              rejected.size(), rejected.size() == 1 ? "" : "s",
              Shown(RejectedDirectory(config.state_dir, target).string()).c_str());
  if (!each) return;
  for (const std::string& name : rejected) std::printf("  %s\n", Shown(name).c_str());
}

// Names every entry of state_dir of the wrong type on stderr; the rest of `status` goes on.
void WarnMisplaced(const Config& config) {
  std::vector<std::string> targets;
  for (const Target& target : config.targets) targets.push_back(target.name);
  for (const MisplacedEntry& entry : FindMisplacedEntries(config.state_dir, targets)) {
    std::fprintf(stderr, "deployhook: %s: %s\n", Shown(entry.path.string()).c_str(),
                 DescribeMisplaced(entry).c_str());
  }
}

void PrintTarget(const Config& config, const std::string& target, const std::vector<RunRecord>& runs) {
  if (!PrintPause(config, target)) std::printf("%s: active\n", target.c_str());
  bool running = FileLock::IsHeld(config.state_dir / "locks" / (target + ".lock"));
  std::printf("running now: %s\n", running ? "yes" : "no");
  auto deployed = std::find_if(runs.begin(), runs.end(), LeftDeployed);
  if (deployed != runs.end()) {
    std::printf("deployed: commit %s, revision %s, by run %s (%s)\n", Shown(Commit(*deployed)).c_str(),
                Shown(Revision(*deployed)).c_str(), deployed->id.c_str(), deployed->finished_at.c_str());
  } else {
    std::printf("deployed: nothing recorded\n");
  }
  auto slotted = std::find_if(runs.begin(), runs.end(), [](const RunRecord& run) { return !run.slot.empty(); });
  if (slotted != runs.end()) std::printf("live slot: %s (after run %s)\n", slotted->slot.c_str(), slotted->id.c_str());
  QueueScan queue = JobQueue(config.state_dir).Scan(target);
  std::printf("queued: %zu job%s\n", queue.jobs.size(), queue.jobs.size() == 1 ? "" : "s");
  for (const Job& job : queue.jobs) {
    std::printf("  %s  %s  %s\n", job.id.c_str(), job.IsRollback() ? "rollback" : "deploy",
                Shown(job.IsRollback() ? job.restores : job.delivery).c_str());
  }
  if (!queue.unfit.empty()) {
    std::printf("not jobs, in the queue: %zu (a worker moves them to %s)\n", queue.unfit.size(),
                Shown(RejectedDirectory(config.state_dir, target).string()).c_str());
    for (const UnfitFile& file : queue.unfit) {
      std::printf("  %s: %s\n", Shown(file.path.string()).c_str(), DescribeUnfit(file, target).c_str());
    }
  }
  PrintRejected(config, target, true);
  std::printf("\n");
}

}  // namespace

int RunStatus(const CommandLine& line) {
  Config config = LoadConfigFor(line);
  std::string only = line.target.empty() ? std::string{} : FindTarget(config, line.target).name;
  WarnMisplaced(config);
  std::vector<RunRecord> runs = ReadHistory(config.state_dir, HISTORY_SCAN);
  if (!only.empty()) {
    std::erase_if(runs, [&](const RunRecord& run) { return run.target != only; });
  }
  if (runs.size() > static_cast<std::size_t>(line.limit)) runs.resize(static_cast<std::size_t>(line.limit));
  if (line.json) {
    for (const RunRecord& run : runs) std::printf("%s\n", SerializeRun(run).c_str());
    return 0;
  }
  if (!only.empty()) {
    PrintTarget(config, only, runs);
  } else {
    for (const Target& target : config.targets) {
      PrintPause(config, target.name);
      PrintRejected(config, target.name, false);
    }
  }
  if (runs.empty()) {
    std::printf("no deployments recorded in %s\n", HistoryPath(config.state_dir).c_str());
    return 0;
  }
  std::printf("%-24s  %-16s  %-11s  %-12s  %-12s  %10s  %8s  %s\n", "FINISHED", "TARGET",
              "RESULT", "COMMIT", "REVISION", "DELIVERIES", "SECONDS", "ID");
  for (const RunRecord& run : runs) {
    std::string result(Name(run.result));
    if (run.kind == RunKind::Rollback) result += "*";
    std::printf("%-24s  %-16s  %-11s  %-12s  %-12s  %10zu  %8.1f  %s\n", Shown(run.finished_at).c_str(),
                Shown(run.target).c_str(), Shown(result).c_str(), Shown(Commit(run)).c_str(),
                Shown(Revision(run)).c_str(), run.deliveries.size(), RunSeconds(run), Shown(run.id).c_str());
  }
  if (std::any_of(runs.begin(), runs.end(), [](const RunRecord& run) { return run.kind == RunKind::Rollback; })) {
    std::printf("* a rollback (deployhook rollback)\n");
  }
  return 0;
}

}  // namespace deployhook
