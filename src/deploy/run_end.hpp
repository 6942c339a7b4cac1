#pragma once
// How a step of a run ends it: with a result, or interrupted because the worker is stopping (the
// run then records nothing and its jobs stay queued). Interrupted is no RunResult, so it can never
// be recorded as one.

#include <optional>
#include <variant>

#include "config/run_result.hpp"

namespace deployhook {

// The worker is stopping: the run is not finished.
struct RunInterrupted {
  friend bool operator==(RunInterrupted, RunInterrupted) = default;
};

// The end of a run: its result, or interrupted.
using RunEnd = std::variant<RunResult, RunInterrupted>;

// What a step says: nothing (the run goes on), or the end of the run.
using StepEnd = std::optional<RunEnd>;

}  // namespace deployhook
