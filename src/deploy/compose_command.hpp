#pragma once
// Which compose command a target runs: its own, else "docker compose" when that answers, else
// "docker-compose".

#include <string>
#include <vector>

namespace deployhook {

struct ComposeChoice {
  std::vector<std::string> argv;  // empty when none was found
  std::string how;                // "configured", "detected", or why none was found
};

// Returns the configured argv as is, or probes `docker compose version` then
// `docker-compose version` (each bounded to a few seconds).
ComposeChoice ChooseComposeCommand(const std::vector<std::string>& configured);

}  // namespace deployhook
