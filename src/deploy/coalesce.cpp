#include "coalesce.hpp"

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

}  // namespace deployhook
