#include "deploy/compose_command.hpp"

#include <charconv>
#include <cstdlib>
#include <optional>

#include "deploy/process_executor.hpp"
#include "deploy/step_environment.hpp"
#include "util/process_end.hpp"

namespace deployhook {
namespace {

// Returns what `<argv> version` printed when it answered; nothing when it did not.
std::optional<std::string> Version(std::vector<std::string> argv, StepExecutor& executor) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.argv.push_back("version");
  spec.cwd = "/";
  spec.env = StepEnvironment();
  spec.timeout = std::chrono::seconds(10);
  spec.stderr_apart = true;
  ProcessResult result = executor.Run(spec);
  if (!Succeeded(result)) return std::nullopt;
  return result.output;
}

// Returns the version number a `version` output names ("2.26.1" of "Docker Compose version
// v2.26.1", "1.29.2" of "docker-compose version 1.29.2, build unknown"); "" when none.
std::string_view VersionNumber(std::string_view output) {
  std::size_t at = output.find("version");
  if (at == std::string_view::npos) return {};
  output.remove_prefix(at + 7);
  while (!output.empty() && (output.front() == ' ' || output.front() == 'v')) output.remove_prefix(1);
  std::size_t end = output.find_first_not_of("0123456789.");
  return output.substr(0, end);
}

ComposeChoice Chosen(std::vector<std::string> argv, std::string how, const std::string& output) {
  return {std::move(argv), std::move(how), GenerationOf(output), std::string(VersionNumber(output))};
}

}  // namespace

ComposeGeneration GenerationOf(std::string_view version_output) {
  std::string_view number = VersionNumber(version_output);
  int major = 0;
  std::from_chars(number.data(), number.data() + number.size(), major);
  return major >= 2 ? ComposeGeneration::V2 : ComposeGeneration::V1;
}

ComposeChoice ChooseComposeCommand(const std::vector<std::string>& configured, StepExecutor& executor) {
  if (!configured.empty()) return Chosen(configured, "configured", Version(configured, executor).value_or(""));
  for (std::vector<std::string> candidate : {std::vector<std::string>{"docker", "compose"},
                                             std::vector<std::string>{"docker-compose"}}) {
    if (std::optional<std::string> output = Version(candidate, executor)) return Chosen(candidate, "detected", *output);
  }
  return {.argv = {}, .how = "neither 'docker compose' nor 'docker-compose' answers", .generation = ComposeGeneration::V1, .version = ""};
}

ComposeChoice ChooseComposeCommand(const std::vector<std::string>& configured) {
  ProcessExecutor executor(ExecutorSetup{.lock_fd = -1, .abort = nullptr, .pause = {}});
  return ChooseComposeCommand(configured, executor);
}

}  // namespace deployhook
