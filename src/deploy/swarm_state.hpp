#pragma once
// What the engine says of Swarm services (read by engine_state.hpp) and `docker service ps`, and whether an
// update has converged: pure parsing and judging.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

struct SwarmService {
  std::string name;
  std::string image;                  // the spec's reference, pinned to a digest by the CLI
  std::optional<unsigned> replicas;   // nothing for a global service
  std::string update_state;           // updating, paused, completed, rollback_*; empty: none
  std::string update_started;
};

struct SwarmTask {
  std::string service;  // the task name up to its last dot
  std::string image;
  std::string state;    // the first word of the current state: Running, Preparing, Failed, ...
};

enum class Convergence { Converged, Updating, RolledBack, Paused };

// Parses ServiceTasksArgv output; lines without three fields are skipped.
std::vector<SwarmTask> ParseTaskLines(std::string_view output);

// Judges the services `now` after an update from `before` (an update status that did not change
// since is an earlier run's, and ignored): RolledBack when one's update ended rollback_completed,
// Paused when one is paused, Converged when no update is going and every service runs its
// replicas (one task for a global one), all on its spec's image; else Updating. `reason` names a
// service and its state on RolledBack, Paused and Updating.
Convergence JudgeConvergence(const std::vector<SwarmService>& before,
                             const std::vector<SwarmService>& now,
                             const std::vector<SwarmTask>& tasks, std::string& reason);

}  // namespace deployhook
