#pragma once
// One run for one target: snapshot, pull, wait for the commit's image, apply, gate, rollback,
// over the backend of the target's kind (backend.hpp: Compose, or Swarm stacks and services).
// Talks to the outside only through a StepExecutor (commands, pauses, the clock), so it is tested
// with a scripted one and a fake clock.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "state/history.hpp"
#include "state/job.hpp"
#include "util/http_client.hpp"
#include "util/log.hpp"
#include "deploy/gate_poll.hpp"
#include "util/process.hpp"
#include "deploy/run_log.hpp"
#include "deploy/step_plan.hpp"

namespace deployhook {

class StepExecutor {
 public:
  virtual ~StepExecutor() = default;
  virtual ProcessResult Run(const ProcessSpec& spec) = 0;
  // Runs `specs`, which do not depend on one another, at the same time; returns their results
  // in the same order. This one runs them one after another.
  virtual std::vector<ProcessResult> RunAll(const std::vector<ProcessSpec>& specs) {
    std::vector<ProcessResult> results;
    for (const ProcessSpec& spec : specs) results.push_back(Run(spec));
    return results;
  }
  // Waits between two health checks or pulls; returns early (false) when the run should stop.
  virtual bool Pause(std::chrono::milliseconds duration) = 0;
  // GETs `url` (a blue-green slot's ready_path) within a few seconds; the status, or why none.
  virtual HttpResult Get(const std::string& url) = 0;
  // The clock deadlines are measured on.
  virtual std::chrono::steady_clock::time_point Now() { return std::chrono::steady_clock::now(); }
};

struct DeploymentOutcome {
  RunResult result = RunResult::Failed;  // meaningless when interrupted
  std::string commit;  // the commit the run aimed at last (a newer job may have replaced it)
  std::vector<StepRecord> steps;
  std::vector<ImageRecord> images;  // per service, as the last pull left them
  bool interrupted = false;  // the worker is stopping: not finished, leave the jobs queued
  std::string slot;  // blue-green: the slot serving when the run ended ("blue", "green")
  std::string config;  // "sha256:<hex>" of the resolved compose config the run deployed; or empty
};

struct DeploymentSetup {
  const Target& target;
  Argv compose;                             // the compose argv prefix (a stack: reads its files)
  std::map<std::string, std::string> env;   // the steps' environment
  const std::atomic<bool>& stopping;        // checked between steps
  const Logger& logger;                     // one line per step
  std::string run_id;
  std::string commit;  // the commit the run aims at; empty: none (a manual run)
  // Asked while the run waits for an image: returns the commit of jobs that joined the run since
  // it started (the newest push replaces the awaited commit), nothing when none did.
  std::function<std::optional<std::string>()> newer_commit;
  // The images an interrupted earlier attempt of this run noted before it changed anything;
  // nothing: note them now.
  std::optional<std::vector<ContainerImage>> snapshot;
  // Stores the images about to be replaced with the run's jobs, before the first `up`; throws
  // StorageError when it cannot (the run then changes nothing).
  std::function<void(const std::vector<ContainerImage>&)> save_snapshot;
  // For a rollback: per service, the image (by id) to put back instead of pulling.
  std::optional<std::vector<ContainerImage>> restore;
  // Told true when the run starts waiting for the commit's image, false when the wait ends.
  std::function<void(bool)> on_waiting;
  // Whether `up` can be told not to pull (v2) or the references are pinned by tag first (v1).
  ComposeGeneration compose_generation = ComposeGeneration::V1;
  // How often a gate looks at the engine.
  GatePolls gate_polls{};
  // The config hash the run now deployed recorded (empty: unknown); a run whose images and
  // config both match it is unchanged.
  std::string deployed_config{};
  // A target with a source: the checkout the run now deployed ran from, where a rollback after a
  // failed gate brings the previous containers back; nothing: the target's own project_dir.
  std::optional<std::filesystem::path> previous_dir{};
};

// Runs the deployment and returns its outcome; output goes to `log`. Never throws for a step's
// failure; throws only when the executor or save_snapshot does.
DeploymentOutcome RunDeployment(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log);

}  // namespace deployhook
