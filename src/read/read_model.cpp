#include "read/read_model.hpp"

namespace deployhook {

const RunRecord* DeployedRun(const TargetHistory& history) {
  for (auto run = history.recent.rbegin(); run != history.recent.rend(); ++run) {
    if (LeftDeployed(*run)) return &*run;
  }
  return nullptr;
}

std::string_view ResultColour(std::string_view result) noexcept {
  if (result == "succeeded" || result == "unchanged") return "#2e7d32";
  if (result == "stale" || result == "waiting") return "#b58900";
  if (result == "rolled_back") return "#d9480f";
  if (result == "failed" || result == "timed_out" || result == "rollback_failed") return "#c62828";
  return "#6a737d";
}

}  // namespace deployhook
