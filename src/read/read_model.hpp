#pragma once
// The plain values every read-side page is rendered from.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "deploy/target_activity.hpp"
#include "read/history_index.hpp"
#include "state/pause.hpp"

namespace deployhook {

struct TargetView {
  std::string name;
  Activity activity = Activity::Idle;
  std::size_t queued = 0;
  std::size_t rejected = 0;  // files in state_dir/rejected/<target>/
  std::optional<Pause> pause;
  TargetHistory history;  // empty when the target never ran
};

// Returns the run that deployed what runs now: the newest succeeded or unchanged one.
const RunRecord* DeployedRun(const TargetHistory& history);

// Returns the colour a result is shown in (badge, page): green, amber, orange or red; grey for
// none (no run yet).
std::string_view ResultColour(std::optional<RunResult> result) noexcept;

}  // namespace deployhook
