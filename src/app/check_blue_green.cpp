#include "app/check_blue_green.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "util/process.hpp"
#include "deploy/slot_conflicts.hpp"
#include "deploy/slots.hpp"
#include "deploy/step_environment.hpp"
#include "deploy/step_plan.hpp"
#include "util/process_end.hpp"

namespace deployhook {
namespace {

// Returns true when `program` (a path, or a name found on the worker's PATH) is an executable.
bool Executable(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string found = FindProgram(program, path != nullptr ? path : "/usr/bin:/bin");
  return !found.empty() && ::access(found.c_str(), X_OK) == 0;
}

// Returns what `compose config` prints for blue's slot; nothing when it could not run.
std::optional<std::string> SlotConfig(const Target& target, const ComposeChoice& compose) {
  if (compose.argv.empty()) return std::nullopt;
  const SlotAddress& blue = SlotAt(*target.blue_green, Slot::Blue);
  ProcessSpec spec;
  spec.argv = PlanSteps(target, compose.argv, compose.generation).config;
  spec.cwd = target.project_dir;
  spec.env = StepEnvironment();
  spec.env["DEPLOYHOOK_SLOT"] = "blue";
  spec.env["DEPLOYHOOK_ADDR"] = blue.host;
  spec.env["DEPLOYHOOK_PORT"] = std::to_string(blue.port);
  spec.timeout = std::chrono::seconds(30);
  spec.stderr_apart = true;
  ProcessResult result = RunProcess(spec);
  if (!Succeeded(result)) return std::nullopt;
  return result.output;
}

}  // namespace

int CheckBlueGreen(const Target& target, const ComposeChoice& compose) {
  std::printf("  strategy: %s\n", std::string(StrategyName(target.strategy)).c_str());
  if (!target.blue_green) return 0;
  const BlueGreenSettings& settings = *target.blue_green;
  std::printf("  slots: blue %s, green %s; upstream_file %s (%s); drain %ds\n",
              settings.slots[0].text.c_str(), settings.slots[1].text.c_str(),
              settings.upstream_file.c_str(), std::string(UpstreamFormatName(settings.upstream_format)).c_str(),
              settings.drain);
  int errors = 0;
  if (!Executable(settings.reload.front())) {
    std::fprintf(stderr, "error: target %s: reload: %s is not an executable file\n", target.name.c_str(),
                 settings.reload.front().c_str());
    ++errors;
  }
  // A source's compose file is read at each run's commit, not here.
  if (target.source) return errors;
  std::optional<std::string> config = SlotConfig(target, compose);
  if (!config) {
    std::fprintf(stderr, "warning: target %s: cannot read the compose file to check that both slots can run it\n",
                 target.name.c_str());
    return errors;
  }
  for (const std::string& conflict : SlotConflicts(*config, settings.slots[0].port)) {
    std::fprintf(stderr, "error: target %s: %s\n", target.name.c_str(), conflict.c_str());
    ++errors;
  }
  return errors;
}

}  // namespace deployhook
