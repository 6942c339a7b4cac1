#pragma once
// The executor a run's steps go through for real (processes, pauses), and the seam the runner
// takes it through, so that the runner's tests script the steps instead.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "deploy/deployment.hpp"

namespace deployhook {

// What an executor is handed for one run (or, all defaults, for a probe outside any run).
struct ExecutorSetup {
  // An fd every step keeps open under the same number (the target's lock, so that no other
  // worker starts the target while anything a step started still runs); -1: none.
  int lock_fd = -1;
  // When it becomes true, a running step is stopped (the stop grace is over); null: never.
  const std::atomic<bool>* abort = nullptr;
  // Waits between two looks; returns false when the run should stop. Empty: a pause that
  // returns at once.
  std::function<bool(std::chrono::milliseconds)> pause;
};

// Returns the executor a run's steps go through; must not throw but for allocation.
using ExecutorFactory = std::function<std::unique_ptr<StepExecutor>(ExecutorSetup)>;

// Runs steps as processes (RunProcess) bounded by the setup's abort and lock, and pauses with
// the setup's pause.
class ProcessExecutor final : public StepExecutor {
 public:
  explicit ProcessExecutor(ExecutorSetup setup) : setup_(std::move(setup)) {}

  ProcessResult Run(const ProcessSpec& spec) override;
  // Runs each spec but the first on a thread of its own, the first on the calling one.
  std::vector<ProcessResult> RunAll(const std::vector<ProcessSpec>& specs) override;
  bool Pause(std::chrono::milliseconds duration) override;
  HttpResult Get(const std::string& url) override;

 private:
  ExecutorSetup setup_;
};

// Returns the factory of ProcessExecutors: what the product runs.
ExecutorFactory ProcessExecutors();

}  // namespace deployhook
