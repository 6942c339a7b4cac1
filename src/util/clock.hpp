#pragma once
// Wall-clock formatting and unique, time-ordered identifiers.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

using SystemTime = std::chrono::system_clock::time_point;

// Returns `time` as RFC 3339 UTC with milliseconds: "2026-11-26T21:05:01.123Z".
std::string FormatRfc3339(SystemTime time);

// Returns the time FormatRfc3339 wrote (milliseconds optional), or nothing for other text.
std::optional<SystemTime> ParseRfc3339(std::string_view text);

// Returns a new identifier that sorts by creation time: "20261126T210501123Z-1a2b3c4d".
// Unique across threads and processes (random suffix from the OS).
std::string NewId(SystemTime now);

}  // namespace deployhook
