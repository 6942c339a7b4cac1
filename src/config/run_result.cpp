#include "config/run_result.hpp"

#include "util/name_table.hpp"

namespace deployhook {

std::string_view Name(RunResult result) noexcept {
  switch (result) {
    case RunResult::Succeeded: return "succeeded";
    case RunResult::Unchanged: return "unchanged";
    case RunResult::Stale: return "stale";
    case RunResult::Failed: return "failed";
    case RunResult::TimedOut: return "timed_out";
    case RunResult::RolledBack: return "rolled_back";
    case RunResult::RollbackFailed: return "rollback_failed";
  }
  return "failed";  // not reached: every enumerator is named above
}

std::optional<RunResult> ParseRunResult(std::string_view name) noexcept {
  return ValueNamed(ALL_RUN_RESULTS, name);
}

std::string_view Name(RunKind kind) noexcept {
  switch (kind) {
    case RunKind::Deploy: return "deploy";
    case RunKind::Rollback: return "rollback";
  }
  return "deploy";  // not reached: every enumerator is named above
}

std::optional<RunKind> ParseRunKind(std::string_view name) noexcept {
  return ValueNamed(ALL_RUN_KINDS, name);
}

}  // namespace deployhook
