#pragma once
// Which earlier run `deployhook rollback` puts back: pure logic over the history.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/history.hpp"

namespace deployhook {

struct RestoreChoice {
  std::optional<RunRecord> run;  // the run whose images go back
  std::string error;             // why there is none, one line for the operator
};

// Chooses from `history` (newest first, every target's runs) the run of `target` to restore:
// the one named by `to`, or by default the newest succeeded deployment before the run now
// deployed (for a rollback now deployed, before the run it restored). Only a run that
// succeeded (or was unchanged) and recorded its images can be restored.
RestoreChoice ChooseRestore(const std::vector<RunRecord>& history, std::string_view target,
                            const std::optional<std::string>& to);

}  // namespace deployhook
