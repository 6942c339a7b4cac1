#include "step_runner.hpp"

#include <cstdio>

namespace deployhook {
namespace {

std::string Quoted(const Argv& argv) {
  std::string out = "$";
  for (const std::string& word : argv) out += " " + word;
  return out;
}

}  // namespace

ProcessResult StepRunner::Step(const std::string& name, const Argv& argv,
                               std::chrono::seconds timeout, bool record) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = setup_.target.project_dir;
  spec.env = setup_.env;
  spec.timeout = timeout;
  log_.Append(Quoted(argv) + "\n");
  ProcessResult result = executor_.Run(spec);
  log_.Append(result.output);
  std::string tail = "[" + name + ": ";
  tail += result.timed_out ? "timed out, process group killed"
          : result.spawn_failed ? "could not start"
                                : "exit " + std::to_string(result.exit_code);
  log_.Append(tail + "]\n");
  if (record) Record(name, argv, result);
  return result;
}

void StepRunner::Record(const std::string& name, const Argv& argv, const ProcessResult& result) {
  steps_.push_back({name, argv, result.exit_code, result.seconds});
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", result.seconds);
  setup_.logger.Log(result.exit_code == 0 ? LogLevel::Info : LogLevel::Warning, "step",
                    {{"id", setup_.run_id}, {"target", setup_.target.name}, {"step", name},
                     {"exit_code", std::to_string(result.exit_code)}, {"seconds", seconds},
                     {"reason", result.timed_out ? "timed out" : result.spawn_failed ? "could not start" : ""}});
}

std::optional<ImageInfo> StepRunner::InspectImage(const ImageRecord& image) {
  ProcessResult result = Step("image", ImageInspectArgv(image.reference), INSPECT_TIMEOUT, false);
  if (result.exit_code != 0) return std::nullopt;
  std::optional<ImageInfo> info = ParseImageInspect(result.output);
  if (info && !info->rejected_revision.empty()) {
    log_.Append("[image: " + image.service + " has a revision label that is not a commit SHA; "
                "treated as absent]\n");
  }
  return info;
}

}  // namespace deployhook
