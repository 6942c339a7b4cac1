#include "deploy/step_runner.hpp"

#include <cstdio>

#include "deploy/engine_state.hpp"
#include "util/process_end.hpp"
#include "util/shell_words.hpp"

namespace deployhook {

std::chrono::milliseconds GatePauseSince(std::chrono::steady_clock::time_point started,
                                         StepRunner& steps) {
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(steps.executor().Now() - started);
  return GatePause(waited, steps.setup().gate_polls);
}

ProcessResult StepRunner::Step(const std::string& name, const Argv& argv,
                               std::chrono::seconds timeout, bool record) {
  return Run(name, argv, timeout, record, false);
}

ProcessResult StepRunner::Read(const std::string& name, const Argv& argv) {
  return Run(name, argv, INSPECT_TIMEOUT, false, true);
}

ProcessSpec StepRunner::Spec(const Argv& argv, std::chrono::seconds timeout, bool data) const {
  ProcessSpec spec;
  spec.stderr_apart = data;
  spec.argv = argv;
  spec.cwd = directory_.value_or(setup_.target.project_dir);
  spec.env = setup_.env;
  spec.timeout = timeout;
  return spec;
}

void StepRunner::LogEnd(const std::string& name, const ProcessResult& result) {
  log_.Append(result.output);
  log_.Append(result.error_output);
  log_.Append(EndLine(name, result));
}

ProcessResult StepRunner::Run(const std::string& name, const Argv& argv,
                              std::chrono::seconds timeout, bool record, bool data) {
  log_.Append("$ " + ShellWords(argv) + "\n");
  ProcessResult result = executor_.Run(Spec(argv, timeout, data));
  LogEnd(name, result);
  if (record) Record(name, argv, result);
  return result;
}

std::vector<ProcessResult> StepRunner::StepsAtOnce(
    const std::vector<std::pair<std::string, Argv>>& steps, std::chrono::seconds timeout) {
  std::vector<ProcessSpec> specs;
  for (const auto& step : steps) specs.push_back(Spec(step.second, timeout, true));
  std::vector<ProcessResult> results = executor_.RunAll(specs);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    log_.Append("$ " + ShellWords(steps[i].second) + "\n");
    LogEnd(steps[i].first, results[i]);
  }
  return results;
}

void StepRunner::Record(const std::string& name, const Argv& argv, const ProcessResult& result) {
  steps_.push_back({name, argv, result.exit_code, result.seconds});
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", result.seconds);
  setup_.logger.Log(result.exit_code == 0 ? LogLevel::Info : LogLevel::Warning, "step",
                    {{"id", setup_.run_id}, {"target", setup_.target.name}, {"step", name},
                     {"exit_code", std::to_string(result.exit_code)}, {"seconds", seconds},
                     {"reason", EndedOtherwise(result)}});
}

ImageLook StepRunner::InspectImage(const std::string& reference, ImageInfo& info) {
  ProcessResult result = Read("image", ImageInspectArgv(reference));
  std::optional<std::vector<ImageInfo>> images = ParseImages(result.output);
  // Asked for an image it does not have, docker prints [] and exits 1.
  if (result.exit_code != 0 && !result.timed_out && !result.interrupted && images && images->empty()) return ImageLook::Missing;
  if (result.exit_code != 0 || !images || images->size() != 1) return ImageLook::Unreadable;
  info = std::move(images->front());
  if (!info.rejected_revision.empty()) {
    log_.Append("[image: " + reference + " has a revision label that is not a commit SHA; "
                "treated as absent]\n");
  }
  return ImageLook::Found;
}

}  // namespace deployhook
