#pragma once
// Many queued jobs of one target become one run.

#include <optional>
#include <string>
#include <vector>

#include "state/job.hpp"

namespace deployhook {

struct CoalescedRun {
  std::vector<std::string> deliveries;  // every delivery the run covers, oldest first
  std::string after;                    // the newest pushed commit among them
  std::string queued_at;                // when the oldest was queued
  // The images an interrupted run covering some of these jobs replaced: a rerun goes back to them.
  std::optional<std::vector<ContainerImage>> snapshot;
};

// Returns what one run covering `jobs` (oldest first, as the queue lists them) deploys.
CoalescedRun Coalesce(const std::vector<Job>& jobs);

// Returns the jobs the next run covers: a rollback alone, else every deployment queued before
// the next rollback (oldest first, as the queue lists them). While the target is `paused`, only
// the oldest rollback (the operator asked for it) runs; deployments wait.
std::vector<Job> NextBatch(std::vector<Job> pending, bool paused = false);

}  // namespace deployhook
