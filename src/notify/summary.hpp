#pragma once
// The human-readable words every chat-like notification shares.

#include <cstddef>
#include <string>
#include <string_view>

#include "notify/run_event.hpp"

namespace deployhook {

// Returns "<target>: <what happened>", one line: "app: deploy started", "app: failed".
std::string SummaryTitle(const RunEvent& event);

// Returns the lines under the title: commit (short), duration, run id and, for a failure, the
// failing step. The output tail is not included (each kind frames it its own way).
std::string SummaryDetails(const RunEvent& event);

// Returns at most the last `max_lines` lines and `max_bytes` bytes of `output`, with control
// characters other than newline and tab replaced by '?' (terminal escapes in step output).
std::string OutputTail(std::string_view output, std::size_t max_lines, std::size_t max_bytes);

}  // namespace deployhook
