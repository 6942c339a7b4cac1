// deployhook rollback TARGET [--to RUN_ID]: queues a run that puts an earlier run's images back.

#include <cstdio>

#include "util/clock.hpp"
#include "app/commands.hpp"
#include "state/history.hpp"
#include "state/job_queue.hpp"
#include "deploy/restore_choice.hpp"
#include "state/worker_presence.hpp"

namespace deployhook {
namespace {

// Enough history to find the run before the deployed one; keep_runs bounds it in practice.
constexpr std::size_t HISTORY_LIMIT = 100000;

}  // namespace

int RunRollback(const CommandLine& line) {
  Config config = LoadConfigFor(line);
  const Target& target = FindTarget(config, line.target);
  RestoreChoice choice = ChooseRestore(ReadHistory(config.state_dir, HISTORY_LIMIT), target.name, line.to);
  if (!choice.run) throw UsageError(choice.error);
  const RunRecord& restored = *choice.run;

  SystemTime now = std::chrono::system_clock::now();
  Job job{.id = NewId(now), .target = target.name, .delivery = "rollback",
          .repository = target.repository, .ref = "refs/heads/" + target.branch,
          .after = RunCommit(restored), .body_sha256 = "", .queued_at = FormatRfc3339(now),
          .restores = restored.id};
  for (const ImageRecord& image : restored.images) {
    if (image.after.empty()) continue;
    job.restore.push_back(
        {.image_id = image.after, .reference = image.reference, .service = image.service});
  }
  JobQueue(config.state_dir).Enqueue({job});
  std::printf("queued rollback %s of target %s to run %s (finished %s, commit %.12s)\n", job.id.c_str(),
              target.name.c_str(), restored.id.c_str(), restored.finished_at.c_str(), job.after.c_str());
  if (!WorkerIsRunning(config.state_dir)) {
    std::printf("no worker is running on %s: it runs when `deployhook serve` starts\n",
                config.state_dir.c_str());
  }
  return 0;
}

}  // namespace deployhook
