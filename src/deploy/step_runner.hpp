#pragma once
// Runs one command of a deployment as a step: its argv and output go to the run's log, and a
// recorded step to the history's steps and the worker's log.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "deploy/deployment.hpp"
#include "deploy/image_state.hpp"

namespace deployhook {

enum class ImageLook {
  Found,       // the engine has the image
  Missing,     // the engine answered that it has no such image
  Unreadable,  // the inspection failed otherwise, or printed what is not an image
};

class StepRunner {
 public:
  StepRunner(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log,
             std::vector<StepRecord>& steps)
      : setup_(setup), executor_(executor), log_(log), steps_(steps) {}

  // Runs `argv` in the project directory with the run's environment; returns what it did. When
  // `record`, the step is kept as `name` in the history. Throws only when the executor does.
  ProcessResult Step(const std::string& name, const Argv& argv, std::chrono::seconds timeout,
                     bool record);
  // Runs `steps` (each a name and an argv, independent of one another, whose stdout is data) at
  // the same time, as Read would, each bounded by `timeout`; returns their results in order.
  // Their output goes to the run's log one step after another.
  std::vector<ProcessResult> StepsAtOnce(const std::vector<std::pair<std::string, Argv>>& steps,
                                         std::chrono::seconds timeout);
  // Runs a command whose stdout is the engine's state as data (stderr kept apart, not recorded,
  // INSPECT_TIMEOUT) as part of step `name`.
  ProcessResult Read(const std::string& name, const Argv& argv);
  // Keeps a step that several commands made up (or none: a wait) in the history.
  void Record(const std::string& name, const Argv& argv, const ProcessResult& result);
  // Looks up the image `reference` (a reference or an image id) names now, into `info`.
  ImageLook InspectImage(const std::string& reference, ImageInfo& info);
  void Note(const std::string& line) { log_.Append(line); }
  // Runs the commands from now on in `directory` instead of the target's project directory: a
  // rollback into the checkout the previous run deployed.
  void UseDirectory(std::filesystem::path directory) { directory_ = std::move(directory); }

  const DeploymentSetup& setup() const { return setup_; }
  StepExecutor& executor() { return executor_; }
  RunLog& log() { return log_; }
  std::vector<StepRecord>& steps() { return steps_; }

 private:
  ProcessResult Run(const std::string& name, const Argv& argv, std::chrono::seconds timeout,
                    bool record, bool data);
  ProcessSpec Spec(const Argv& argv, std::chrono::seconds timeout, bool data) const;
  // Puts a command's output and how it ended into the run's log (after its "$ argv" line).
  void LogEnd(const std::string& name, const ProcessResult& result);

  const DeploymentSetup& setup_;
  StepExecutor& executor_;
  RunLog& log_;
  std::vector<StepRecord>& steps_;
  std::optional<std::filesystem::path> directory_;
};

// Returns a result as if a command had exited with `code`: a step that failed before any command.
inline ProcessResult Exited(int code) {
  ProcessResult result;
  result.exit_code = code;
  return result;
}

// Returns the record of a service whose image is not looked at yet.
inline ImageRecord Noted(const std::string& service, const std::string& reference) {
  ImageRecord image;
  image.service = service;
  image.reference = reference;
  return image;
}

// How long an inspection (ps, inspect, tag) may take.
constexpr std::chrono::seconds INSPECT_TIMEOUT{30};
// Returns how long a gate that started at `started` pauses before its next look (GatePause
// over the run's gate_polls).
std::chrono::milliseconds GatePauseSince(std::chrono::steady_clock::time_point started,
                                         StepRunner& steps);

}  // namespace deployhook
