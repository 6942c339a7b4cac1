#include "read/read_model.hpp"

namespace deployhook {

const RunRecord* DeployedRun(const TargetHistory& history) {
  for (auto run = history.recent.rbegin(); run != history.recent.rend(); ++run) {
    if (LeftDeployed(*run)) return &*run;
  }
  return nullptr;
}

std::string_view ResultColour(std::optional<RunResult> result) noexcept {
  if (!result) return "#6a737d";
  switch (*result) {
    case RunResult::Succeeded:
    case RunResult::Unchanged: return "#2e7d32";
    case RunResult::Stale: return "#b58900";
    case RunResult::RolledBack: return "#d9480f";
    case RunResult::Failed:
    case RunResult::TimedOut:
    case RunResult::RollbackFailed: return "#c62828";
  }
  return "#6a737d";  // not reached: every enumerator is listed above
}

}  // namespace deployhook
