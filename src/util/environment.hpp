#pragma once
// Durations that test suites set in the environment (DEPLOYHOOK_TEST_*).

#include <chrono>

namespace deployhook {

// Returns the milliseconds in $name, or `fallback` when it is unset or not 1 to 600000.
std::chrono::milliseconds MillisecondsFromEnvironment(const char* name,
                                                      std::chrono::milliseconds fallback);

}  // namespace deployhook
