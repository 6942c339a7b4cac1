#include "deploy/batch.hpp"

#include <cassert>

namespace deployhook {
namespace {

// Returns the record of a run of `jobs` starting at `started`, before any step.
RunRecord OpeningRecord(const std::filesystem::path& state_dir, const std::vector<Job>& jobs,
                        const CoalescedRun& coalesced, SystemTime started) {
  const Job& first = jobs.front();
  std::string id = NewId(started);
  std::string log = (state_dir / "logs" / (id + ".log")).string();
  return RunRecord{.id = std::move(id),
                   .target = first.target,
                   .kind = first.IsRollback() ? RunKind::Rollback : RunKind::Deploy,
                   .restores = first.restores,
                   .deliveries = coalesced.deliveries,
                   .after = coalesced.after,
                   .commit = "",
                   .queued_at = coalesced.queued_at,
                   .started_at = FormatRfc3339(started),
                   .finished_at = "",
                   .result = RunResult::Failed,
                   .steps = {},
                   .images = {},
                   .log = std::move(log),
                   .slot = "",
                   .config = ""};
}

}  // namespace

Batch::Batch(JobQueue& queue, const std::filesystem::path& state_dir, std::vector<Job> jobs,
             SystemTime started)
    : queue_(&queue), jobs_(std::move(jobs)), coalesced_(Coalesce(jobs_)),
      run_(OpeningRecord(state_dir, jobs_, coalesced_, started)) {}

std::optional<std::string> Batch::Join(std::vector<Job> pending) {
  if (pending.size() <= jobs_.size()) return std::nullopt;
  jobs_ = std::move(pending);
  coalesced_ = Coalesce(jobs_);
  run_.deliveries = coalesced_.deliveries;
  run_.after = coalesced_.after;
  return coalesced_.after;
}

void Batch::SaveSnapshot(const std::vector<ContainerImage>& images) {
  for (Job& job : jobs_) job.snapshot = images;
  queue_->Rewrite(jobs_);
}

void Batch::Close(DeploymentOutcome outcome, SystemTime finished) {
  run_.finished_at = FormatRfc3339(finished);
  run_.result = outcome.result;
  run_.commit = std::move(outcome.commit);
  run_.steps = std::move(outcome.steps);
  run_.images = std::move(outcome.images);
  run_.slot = std::move(outcome.slot);
  run_.config = std::move(outcome.config);
}

void Batch::RemoveJobs() {
  queue_->Remove(jobs_);
  // A burst's jobs are not needed past this point: housekeeping after it reads the history.
  std::vector<Job>().swap(jobs_);
}

std::optional<std::vector<ContainerImage>> Batch::Restore() const {
  assert(!jobs_.empty());
  if (!jobs_.front().IsRollback()) return std::nullopt;
  return jobs_.front().restore;
}

}  // namespace deployhook
