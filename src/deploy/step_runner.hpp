#pragma once
// Runs one command of a deployment as a step: its argv and output go to the run's log, and a
// recorded step to the history's steps and the worker's log.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "deployment.hpp"
#include "image_state.hpp"

namespace deployhook {

class StepRunner {
 public:
  StepRunner(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log,
             std::vector<StepRecord>& steps)
      : setup_(setup), executor_(executor), log_(log), steps_(steps) {}

  // Runs `argv` in the project directory with the run's environment; returns what it did. When
  // `record`, the step is kept as `name` in the history. Throws only when the executor does.
  ProcessResult Step(const std::string& name, const Argv& argv, std::chrono::seconds timeout,
                     bool record);
  // Keeps a step that several commands made up (or none: a wait) in the history.
  void Record(const std::string& name, const Argv& argv, const ProcessResult& result);
  // Returns the id and revision label of the image `image.reference` names now; nothing when the
  // engine has none (or the inspection failed).
  std::optional<ImageInfo> InspectImage(const ImageRecord& image);
  void Note(const std::string& line) { log_.Append(line); }

  const DeploymentSetup& setup() const { return setup_; }
  StepExecutor& executor() { return executor_; }
  std::vector<StepRecord>& steps() { return steps_; }

 private:
  const DeploymentSetup& setup_;
  StepExecutor& executor_;
  RunLog& log_;
  std::vector<StepRecord>& steps_;
};

// How long an inspection (ps, inspect, tag) may take.
constexpr std::chrono::seconds INSPECT_TIMEOUT{30};
// How long a gate waits between two looks.
constexpr std::chrono::milliseconds GATE_POLL{1000};

}  // namespace deployhook
