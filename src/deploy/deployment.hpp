#pragma once
// One run for one target: snapshot, pull, up, health gate, rollback. Talks to the outside only
// through a StepExecutor, so it is tested with a recording one.

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "config.hpp"
#include "history.hpp"
#include "log.hpp"
#include "process.hpp"
#include "run_log.hpp"
#include "step_plan.hpp"

namespace deployhook {

class StepExecutor {
 public:
  virtual ~StepExecutor() = default;
  virtual ProcessResult Run(const ProcessSpec& spec) = 0;
  // Waits between two health checks; returns early (false) when the run should stop.
  virtual bool Pause(std::chrono::milliseconds duration) = 0;
};

struct DeploymentOutcome {
  std::string result;  // succeeded, failed, timed_out, rolled_back
  std::vector<StepRecord> steps;
  bool interrupted = false;  // the worker is stopping: not finished, leave the jobs queued
};

struct DeploymentSetup {
  const Target& target;
  Argv compose;                             // the compose argv prefix
  std::map<std::string, std::string> env;   // the steps' environment
  const std::atomic<bool>& stopping;        // checked between steps
  const Logger& logger;                     // one line per step
  std::string run_id;
};

// Runs the deployment and returns its outcome; output goes to `log`. Never throws for a step's
// failure; throws only when the executor does.
DeploymentOutcome RunDeployment(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log);

}  // namespace deployhook
