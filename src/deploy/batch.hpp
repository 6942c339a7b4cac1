#pragma once
// The jobs one run covers, what they coalesce to, and the run's record from its start to its
// end: newer jobs join it while it waits for an image, the images it replaces go into its job
// files, and its jobs leave the queue once it is recorded.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "deploy/coalesce.hpp"
#include "deploy/deployment.hpp"
#include "state/history.hpp"
#include "state/job.hpp"
#include "state/job_queue.hpp"
#include "util/clock.hpp"

namespace deployhook {

class Batch {
 public:
  // Opens the record of a run of `jobs` (the target's next batch, oldest first, not empty)
  // starting at `started`; its output goes to state_dir/logs/<run id>.log.
  Batch(JobQueue& queue, const std::filesystem::path& state_dir, std::vector<Job> jobs,
        SystemTime started);

  // Takes `pending` (the target's next batch as queued now) as the run's jobs when it covers
  // more of them: pushes that arrive while the run waits for an image join it. Returns the
  // commit the run aims at now, or nothing when no job joined.
  std::optional<std::string> Join(std::vector<Job> pending);
  // Writes the images the run is about to replace into its job files, so that a rerun after a
  // crash or a stop rolls back to them. Throws StorageError.
  void SaveSnapshot(const std::vector<ContainerImage>& images);
  // Fills in what the record learns at the run's end, which is `finished`.
  void Close(DeploymentOutcome outcome, SystemTime finished);
  // Removes the jobs from the queue (once the run is recorded) and lets go of them; a job
  // already gone is not an error. Throws StorageError.
  void RemoveJobs();

  const std::vector<Job>& Jobs() const noexcept { return jobs_; }
  const CoalescedRun& Coalesced() const noexcept { return coalesced_; }
  const RunRecord& Record() const noexcept { return run_; }
  // Returns, for a rollback, the image each service gets back (by id); nothing for a deployment.
  std::optional<std::vector<ContainerImage>> Restore() const;

 private:
  JobQueue* queue_;
  std::vector<Job> jobs_;
  CoalescedRun coalesced_;
  RunRecord run_;
};

}  // namespace deployhook
