#pragma once
// Which compose command a target runs: its own, else "docker compose" when that answers, else
// "docker-compose".

#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

class StepExecutor;

// Compose v1 (the Python `docker-compose` 1.x) has no `up --pull`; v2 (the Go plugin or
// binary, 2.x) has `up --pull never`.
enum class ComposeGeneration { V1, V2 };

struct ComposeChoice {
  std::vector<std::string> argv;  // empty when none was found
  std::string how;                // "configured", "detected", or why none was found
  ComposeGeneration generation = ComposeGeneration::V1;  // V1 also when the version is unknown
  std::string version;            // what `<argv> version` printed first, e.g. "2.26.1"
};

// Returns the generation a `<compose> version` output names: V2 for a version 2 or later,
// V1 otherwise (1.x, or nothing readable: pinning by tag works under both).
ComposeGeneration GenerationOf(std::string_view version_output);

// Returns the configured argv, or probes `docker compose version` then `docker-compose version`
// (each bounded to a few seconds) through `executor`; either way the version it answers tells
// the generation. Throws only when the executor does.
ComposeChoice ChooseComposeCommand(const std::vector<std::string>& configured, StepExecutor& executor);

// Returns the same, probing with processes of its own (no lock kept, no stop).
ComposeChoice ChooseComposeCommand(const std::vector<std::string>& configured);

}  // namespace deployhook
