#pragma once
// What a notification is about, as a [[notify]] table's `on` names it: a run starting, a run's
// result, or the test message of `deployhook notify-test`. The results' names are RunResult's.

#include <array>
#include <optional>
#include <string_view>

#include "config/run_result.hpp"

namespace deployhook {

enum class NotifyEvent {
  Started,
  Succeeded,
  Unchanged,
  Stale,
  Failed,
  TimedOut,
  RolledBack,
  RollbackFailed,
  Test,  // `deployhook notify-test`; never in `on`
};

// The events `on` may name: the start and every result.
constexpr std::array<NotifyEvent, 8> ON_EVENTS = {
    NotifyEvent::Started, NotifyEvent::Succeeded,  NotifyEvent::Unchanged,     NotifyEvent::Stale,
    NotifyEvent::Failed,  NotifyEvent::TimedOut,   NotifyEvent::RolledBack,    NotifyEvent::RollbackFailed};

// Returns the event of a run that ended with `result`.
NotifyEvent EventOf(RunResult result) noexcept;

// Returns the result the event tells of; nothing for Started and Test.
std::optional<RunResult> ResultOf(NotifyEvent event) noexcept;

// Returns the event's name: "started", "test", or the result's name.
std::string_view Name(NotifyEvent event) noexcept;

// Returns the event named `name` (Test included), or nothing when no event has that name.
std::optional<NotifyEvent> ParseNotifyEvent(std::string_view name) noexcept;

// Returns true for the results that say something went wrong (they carry the failing step).
bool IsFailure(NotifyEvent event) noexcept;

}  // namespace deployhook
