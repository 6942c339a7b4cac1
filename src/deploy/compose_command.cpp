#include "compose_command.hpp"

#include <cstdlib>

#include "process.hpp"
#include "step_environment.hpp"

namespace deployhook {
namespace {

bool Answers(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.argv.push_back("version");
  spec.cwd = "/";
  spec.env = StepEnvironment();
  spec.timeout = std::chrono::seconds(10);
  ProcessResult result = RunProcess(spec);
  return !result.spawn_failed && !result.timed_out && result.exit_code == 0;
}

}  // namespace

ComposeChoice ChooseComposeCommand(const std::vector<std::string>& configured) {
  if (!configured.empty()) return {configured, "configured"};
  for (std::vector<std::string> candidate : {std::vector<std::string>{"docker", "compose"},
                                             std::vector<std::string>{"docker-compose"}}) {
    if (Answers(candidate)) return {candidate, "detected"};
  }
  return {{}, "neither 'docker compose' nor 'docker-compose' answers"};
}

}  // namespace deployhook
