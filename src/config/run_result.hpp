#pragma once
// How a finished run ended, and the names it has in the history, logs, notifications and on the
// read side. The one table of those names is in run_result.cpp.

#include <array>
#include <optional>
#include <string_view>

namespace deployhook {

enum class RunResult {
  Succeeded,       // the new images run and passed the gate
  Unchanged,       // every image stayed what ran before
  Stale,           // no image of the commit within image_timeout; nothing recreated
  Failed,          // a step failed; nothing (more) to put back
  TimedOut,        // a step or the engine took longer than its timeout
  RolledBack,      // the gate failed and the previous images run again
  RollbackFailed,  // the gate failed and putting the previous images back failed too
};

// Every result, in the order above.
constexpr std::array<RunResult, 7> ALL_RUN_RESULTS = {
    RunResult::Succeeded, RunResult::Unchanged,  RunResult::Stale,         RunResult::Failed,
    RunResult::TimedOut,  RunResult::RolledBack, RunResult::RollbackFailed};

// Returns the result's name ("succeeded", "timed_out", ...).
std::string_view Name(RunResult result) noexcept;

// Returns the result named `name`, or nothing when no result has that name.
std::optional<RunResult> ParseRunResult(std::string_view name) noexcept;

// What a run was: a deployment of pushed commits, or `deployhook rollback`.
enum class RunKind { Deploy, Rollback };

constexpr std::array<RunKind, 2> ALL_RUN_KINDS = {RunKind::Deploy, RunKind::Rollback};

// Returns "deploy" or "rollback".
std::string_view Name(RunKind kind) noexcept;

// Returns the kind named `name`, or nothing when no kind has that name.
std::optional<RunKind> ParseRunKind(std::string_view name) noexcept;

}  // namespace deployhook
