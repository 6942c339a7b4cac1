#pragma once
// The clock seam (the time now, a pause), wall-clock formatting and unique, time-ordered
// identifiers.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "util/stop_flag.hpp"

namespace deployhook {

using SystemTime = std::chrono::system_clock::time_point;

// Where code that waits takes its time from: the system's clocks and real pauses, or a test's
// fake whose pauses move it on at once.
class Clock {
 public:
  virtual ~Clock() = default;
  // The clock deadlines and pauses are measured on.
  virtual std::chrono::steady_clock::time_point SteadyNow() = 0;
  // The time records and identifiers carry.
  virtual SystemTime WallNow() = 0;
  // Waits `duration`, cut short when `stop` is set; returns false when it is.
  virtual bool Sleep(std::chrono::milliseconds duration, const StopFlag& stop) = 0;
};

// Returns the system's clock; it keeps no state, so every thread may share it.
Clock& SystemClock();

// Returns `time` as RFC 3339 UTC with milliseconds: "2026-11-26T21:05:01.123Z".
std::string FormatRfc3339(SystemTime time);

// Returns the time FormatRfc3339 wrote (milliseconds optional), or nothing for other text.
std::optional<SystemTime> ParseRfc3339(std::string_view text);

// Returns a new identifier that sorts by creation time: "20261126T210501123Z-1a2b3c4d".
// Unique across threads and processes (random suffix from the OS).
std::string NewId(SystemTime now);

}  // namespace deployhook
