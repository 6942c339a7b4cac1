#include "deploy/gate_poll.hpp"

#include <algorithm>

namespace deployhook {

std::chrono::milliseconds GatePause(std::chrono::milliseconds waited, const GatePolls& polls) {
  return std::clamp(waited / 10, polls.first, std::max(polls.first, polls.last));
}

}  // namespace deployhook
