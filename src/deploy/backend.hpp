#pragma once
// What a run needs from the engine of one target kind: a Compose project on this engine, or
// Swarm stacks and services. The run's state machine (deployment.cpp) drives one of these; every
// command goes through the StepRunner.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deploy/run_end.hpp"
#include "deploy/step_runner.hpp"

namespace deployhook {

enum class GateResult {
  Passed,      // healthy, or converged
  Failed,      // not healthy in time: the run may put the previous images back itself
  Halted,      // the engine stopped the update (Swarm `paused`): failed, nothing to put back
  RolledBack,  // the engine rolled the update back itself (Swarm `rollback_completed`)
  TimedOut,    // the engine did not converge in time
  Stopped,     // the worker is stopping
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Returns a line for the run's log when this backend cannot run at all; empty when it can.
  virtual std::string Unready() const { return {}; }
  // Returns the images the services run now: what a failed run goes back to; nothing when the
  // engine's state could not be read (the run then fails before changing anything).
  virtual std::optional<std::vector<ContainerImage>> Snapshot() = 0;
  // Returns, per service, the reference a pull refreshes and the image id it named before;
  // nothing when an image could not be read.
  virtual std::optional<std::vector<ImageRecord>> NoteImages(const std::vector<ContainerImage>& running) = 0;
  // Pulls every service's image once, recording one "pull" step when `record`.
  virtual ProcessResult Pull(bool record) = 0;
  // A rollback job: arranges for Apply to bring back `restore` (adding to `images` the services
  // it names). Returns the result that ends the run (Failed), or nothing to go on.
  virtual std::optional<RunResult> PutBack(const std::vector<ContainerImage>& restore,
                              std::vector<ImageRecord>& images) = 0;
  // Makes the engine run `images` (their `after` ids, as the run checked them, never what a
  // registry says now); records its step.
  virtual ProcessResult Apply(const std::vector<ImageRecord>& images) = 0;
  // Waits until the services are healthy or converged, or the time is up; records step "health"
  // or "converge".
  virtual GateResult Gate() = 0;
  // After Gate said Failed: brings back `previous` (never pulling). Returns RolledBack,
  // RollbackFailed, or interrupted.
  virtual RunEnd Rollback(const std::vector<ContainerImage>& previous,
                               const std::vector<ImageRecord>& images) = 0;
  // Stops and removes the services' containers, recorded as step `name` (a blue-green slot
  // going out of service). Only Compose projects do; the others exit 1 without a step.
  virtual ProcessResult Remove(const std::string& /*name*/) { return Exited(1); }
  // Returns the blue-green slot that serves now ("blue", "green"); empty for other targets, or
  // before any slot served.
  virtual std::string LiveSlot() const { return {}; }
  // Returns "sha256:<hex>" of the resolved compose config NoteImages read; empty when none was.
  virtual std::string ConfigHash() const { return {}; }
};

// Returns the backend for the setup's target kind, its commands run through `steps`.
std::unique_ptr<Backend> MakeBackend(StepRunner& steps);

}  // namespace deployhook
