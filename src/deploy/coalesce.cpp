#include "deploy/coalesce.hpp"

#include <algorithm>

namespace deployhook {

CoalescedRun Coalesce(const std::vector<Job>& jobs) {
  CoalescedRun run;
  for (const Job& job : jobs) {
    run.deliveries.push_back(job.delivery);
    if (!job.after.empty()) run.after = job.after;  // manual jobs name no commit
    if (run.queued_at.empty() || job.queued_at < run.queued_at) run.queued_at = job.queued_at;
    if (!run.snapshot && job.snapshot) run.snapshot = job.snapshot;
  }
  return run;
}

std::vector<Job> NextBatch(std::vector<Job> pending, bool paused) {
  if (pending.empty()) return pending;
  auto rollback = std::find_if(pending.begin(), pending.end(), [](const Job& job) { return job.IsRollback(); });
  if (rollback == pending.begin() || (paused && rollback != pending.end())) return {*rollback};
  if (paused) return {};
  pending.erase(rollback, pending.end());
  return pending;
}

}  // namespace deployhook
