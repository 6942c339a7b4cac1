#pragma once
// How long a gate waits between two looks at the engine: briefly at first, when a container
// that turns healthy in a second is seen within a fraction of it, then longer as the wait goes
// on, so that a slow start is not watched by hundreds of commands.

#include <chrono>

namespace deployhook {

struct GatePolls {
  std::chrono::milliseconds first{100};  // the shortest pause
  std::chrono::milliseconds last{1000};  // the longest
};

// Returns the pause after a gate has waited `waited`: a tenth of it, kept between `first` and
// `last`, so a look comes at most about a tenth late.
std::chrono::milliseconds GatePause(std::chrono::milliseconds waited, const GatePolls& polls);

}  // namespace deployhook
