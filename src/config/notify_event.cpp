#include "config/notify_event.hpp"

namespace deployhook {

NotifyEvent EventOf(RunResult result) noexcept {
  switch (result) {
    case RunResult::Succeeded: return NotifyEvent::Succeeded;
    case RunResult::Unchanged: return NotifyEvent::Unchanged;
    case RunResult::Stale: return NotifyEvent::Stale;
    case RunResult::Failed: return NotifyEvent::Failed;
    case RunResult::TimedOut: return NotifyEvent::TimedOut;
    case RunResult::RolledBack: return NotifyEvent::RolledBack;
    case RunResult::RollbackFailed: return NotifyEvent::RollbackFailed;
  }
  return NotifyEvent::Failed;  // not reached: every enumerator is listed above
}

std::optional<RunResult> ResultOf(NotifyEvent event) noexcept {
  switch (event) {
    case NotifyEvent::Started:
    case NotifyEvent::Test: return std::nullopt;
    case NotifyEvent::Succeeded: return RunResult::Succeeded;
    case NotifyEvent::Unchanged: return RunResult::Unchanged;
    case NotifyEvent::Stale: return RunResult::Stale;
    case NotifyEvent::Failed: return RunResult::Failed;
    case NotifyEvent::TimedOut: return RunResult::TimedOut;
    case NotifyEvent::RolledBack: return RunResult::RolledBack;
    case NotifyEvent::RollbackFailed: return RunResult::RollbackFailed;
  }
  return std::nullopt;  // not reached: every enumerator is listed above
}

std::string_view Name(NotifyEvent event) noexcept {
  if (std::optional<RunResult> result = ResultOf(event)) return Name(*result);
  return event == NotifyEvent::Test ? "test" : "started";
}

std::optional<NotifyEvent> ParseNotifyEvent(std::string_view name) noexcept {
  if (name == Name(NotifyEvent::Started)) return NotifyEvent::Started;
  if (name == Name(NotifyEvent::Test)) return NotifyEvent::Test;
  if (std::optional<RunResult> result = ParseRunResult(name)) return EventOf(*result);
  return std::nullopt;
}

bool IsFailure(NotifyEvent event) noexcept {
  switch (event) {
    case NotifyEvent::Started:
    case NotifyEvent::Succeeded:
    case NotifyEvent::Unchanged:
    case NotifyEvent::Test: return false;
    case NotifyEvent::Stale:
    case NotifyEvent::Failed:
    case NotifyEvent::TimedOut:
    case NotifyEvent::RolledBack:
    case NotifyEvent::RollbackFailed: return true;
  }
  return true;  // not reached: every enumerator is listed above
}

}  // namespace deployhook
