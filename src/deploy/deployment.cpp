#include "deploy/deployment.hpp"

#include <algorithm>

#include "deploy/backend.hpp"
#include "deploy/image_state.hpp"
#include "deploy/step_runner.hpp"

namespace deployhook {
namespace {

std::string Short(std::string_view commit) { return std::string(commit.substr(0, 12)); }

class Run {
 public:
  Run(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log)
      : setup_(setup), executor_(executor), log_(log), steps_(setup, executor, log, outcome_.steps),
        backend_(MakeBackend(steps_)) {
    outcome_.commit = setup.commit;
  }

  DeploymentOutcome Execute();

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Reads the image each service's reference names now (id, revision, digest); returns false,
  // with a line in the run log, when one cannot be read.
  bool InspectPulledImages();
  // Pulls until every labelled image is the commit's build. Returns how that ends the run
  // (Failed, TimedOut, Stale, interrupted), or nothing to go on.
  StepEnd PullBuiltImages();
  // Pulls once more, keeping one "pull" step in the history however often the wait pulls;
  // returns how that ends the run (interrupted, TimedOut, Failed), or nothing to go on.
  StepEnd PullAgain(std::optional<std::size_t>& pull_step);
  void SaveSnapshot(const std::vector<ContainerImage>& previous);
  // Returns the run's result after the gate said `gate`, putting `previous` back when it failed.
  DeploymentOutcome AfterGate(GateResult gate, bool unchanged,
                              const std::vector<ContainerImage>& previous);
  DeploymentOutcome Finish(RunResult result);
  DeploymentOutcome Interrupted();
  DeploymentOutcome End(const RunEnd& end);

  const DeploymentSetup& setup_;
  StepExecutor& executor_;
  RunLog& log_;
  DeploymentOutcome outcome_;
  StepRunner steps_;
  std::unique_ptr<Backend> backend_;
  bool snapshot_saved_ = false;
};

bool Run::InspectPulledImages() {
  for (ImageRecord& image : outcome_.images) {
    ImageInfo info;
    ImageLook look = steps_.InspectImage(image.reference, info);
    if (look != ImageLook::Found) {
      steps_.Note("[image: cannot read the image " + image.reference + " of " + image.service +
                  (look == ImageLook::Missing ? ": the engine has no such image" : "") +
                  "; nothing was changed]\n");
      return false;
    }
    image.after = info.id;
    image.revision = info.revision;
    std::string digest = RegistryDigest(info.digests, image.reference);
    image.digest = digest.empty() ? std::nullopt : std::optional<std::string>(digest);
  }
  return true;
}

StepEnd Run::PullAgain(std::optional<std::size_t>& pull_step) {
  ProcessResult pull = backend_->Pull(!pull_step);
  if (!pull_step) {
    pull_step = outcome_.steps.size() - 1;
  } else {
    outcome_.steps[*pull_step].exit_code = pull.exit_code;
    outcome_.steps[*pull_step].seconds += pull.seconds;
  }
  if (pull.interrupted || (pull.timed_out && setup_.stopping)) return RunInterrupted{};
  if (pull.timed_out) return RunResult::TimedOut;
  if (pull.exit_code != 0) return RunResult::Failed;
  if (setup_.stopping) return RunInterrupted{};
  return std::nullopt;
}

StepEnd Run::PullBuiltImages() {
  const Target& target = setup_.target;
  auto wait = std::chrono::seconds(target.image_timeout);
  TimePoint started = executor_.Now();
  TimePoint deadline = started + wait;
  std::optional<std::size_t> pull_step;
  bool waited = false;
  auto record_wait = [&](int exit_code) {
    if (!waited) return;
    if (setup_.on_waiting) setup_.on_waiting(false);
    double seconds = std::chrono::duration<double>(executor_.Now() - started).count();
    outcome_.steps.push_back({"wait-image", {}, exit_code, seconds});
  };
  while (true) {
    if (StepEnd ended = PullAgain(pull_step)) return ended;
    if (!InspectPulledImages()) return RunResult::Failed;
    // Built from the commit's checkout, the images are the commit's: no label to wait for.
    bool built = target.source && target.source->build;
    std::vector<std::string> awaited = built ? std::vector<std::string>{} : AwaitedServices(outcome_.images, outcome_.commit);
    if (awaited.empty()) {
      record_wait(0);
      return std::nullopt;
    }
    std::string services;
    for (const std::string& service : awaited) services += (services.empty() ? "" : ",") + service;
    if (executor_.Now() >= deadline) {
      steps_.Note("[image: no image of " + Short(outcome_.commit) + " for " + services +
                  " within image_timeout; nothing recreated]\n");
      waited = true;
      record_wait(1);
      return RunResult::Stale;
    }
    if (!waited) {
      if (setup_.on_waiting) setup_.on_waiting(true);
      setup_.logger.Log(LogLevel::Notice, "run",
                        {{"id", setup_.run_id}, {"target", target.name}, {"commit", outcome_.commit},
                         {"reason", "waiting for the commit's image"}, {"services", services}});
    }
    waited = true;
    steps_.Note("[image: " + services + " not yet built from " + Short(outcome_.commit) +
                "; pulling again in " + std::to_string(target.image_poll) + " s]\n");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - executor_.Now());
    if (!executor_.Pause(std::min<std::chrono::milliseconds>(std::chrono::seconds(target.image_poll), left))) {
      return RunInterrupted{};
    }
    if (!setup_.newer_commit) continue;
    std::optional<std::string> newer = setup_.newer_commit();
    if (newer && *newer != outcome_.commit) {
      steps_.Note("[image: a newer push replaces the awaited commit: " + Short(*newer) + "]\n");
      outcome_.commit = *newer;
      deadline = executor_.Now() + wait;  // the newer commit gets its own image_timeout
    }
  }
}

void Run::SaveSnapshot(const std::vector<ContainerImage>& previous) {
  if (snapshot_saved_ || setup_.snapshot || !setup_.save_snapshot) return;
  setup_.save_snapshot(previous);
  snapshot_saved_ = true;
}

DeploymentOutcome Run::Finish(RunResult result) {
  outcome_.result = result;
  outcome_.slot = backend_->LiveSlot();
  log_.Append("[result: " + std::string(Name(result)) + "]\n");
  return std::move(outcome_);
}

DeploymentOutcome Run::Interrupted() {
  outcome_.interrupted = true;
  log_.Append("[interrupted: the worker is stopping; the jobs stay queued]\n");
  return std::move(outcome_);
}

DeploymentOutcome Run::End(const RunEnd& end) {
  if (const RunResult* result = std::get_if<RunResult>(&end)) return Finish(*result);
  return Interrupted();
}

DeploymentOutcome Run::AfterGate(GateResult gate, bool unchanged,
                                 const std::vector<ContainerImage>& previous) {
  RunResult done = unchanged ? RunResult::Unchanged : RunResult::Succeeded;
  switch (gate) {
    case GateResult::Passed: return Finish(done);
    case GateResult::Stopped: return Interrupted();
    case GateResult::Halted: return Finish(RunResult::Failed);
    case GateResult::RolledBack: return Finish(RunResult::RolledBack);
    case GateResult::TimedOut: return Finish(RunResult::TimedOut);
    case GateResult::Failed: break;
  }
  if (unchanged) {
    log_.Append("[rollback: the images did not change; nothing to go back to]\n");
    return Finish(RunResult::Failed);
  }
  if (!setup_.target.rollback || previous.empty()) {
    if (setup_.target.rollback) log_.Append("[rollback: no previous containers to go back to]\n");
    return Finish(RunResult::Failed);
  }
  return End(backend_->Rollback(previous, outcome_.images));
}

DeploymentOutcome Run::Execute() {
  if (std::string why = backend_->Unready(); !why.empty()) {
    log_.Append(why);
    return Finish(RunResult::Failed);
  }
  std::vector<ContainerImage> previous;
  if (setup_.snapshot) {
    previous = *setup_.snapshot;
    log_.Append("[snapshot: the images noted by an interrupted attempt of this run]\n");
  } else if (std::optional<std::vector<ContainerImage>> running = backend_->Snapshot()) {
    previous = std::move(*running);
  } else {
    log_.Append("[snapshot: cannot read what the services run now; nothing was changed]\n");
    return Finish(RunResult::Failed);
  }
  std::optional<std::vector<ImageRecord>> noted = backend_->NoteImages(previous);
  if (!noted) {
    log_.Append("[snapshot: cannot read the services' images; nothing was changed]\n");
    return Finish(RunResult::Failed);
  }
  outcome_.images = std::move(*noted);
  outcome_.config = backend_->ConfigHash();

  StepEnd ended;
  if (setup_.restore) {
    SaveSnapshot(previous);  // putting back is the first change to the engine
    ended = backend_->PutBack(*setup_.restore, outcome_.images);
    if (!ended && !InspectPulledImages()) ended = RunResult::Failed;
  } else {
    ended = PullBuiltImages();
  }
  if (ended) return End(*ended);
  // Every image stayed what ran before, and so did the config: a redelivery, or CI has not
  // pushed a labelled image. A config the run now deployed did not record counts as the same.
  bool unchanged = ImagesUnchanged(outcome_.images) &&
                   (setup_.deployed_config.empty() || outcome_.config == setup_.deployed_config);

  SaveSnapshot(previous);
  ProcessResult applied = backend_->Apply(outcome_.images);
  if (applied.interrupted || (applied.timed_out && setup_.stopping)) return Interrupted();
  if (applied.timed_out) return Finish(RunResult::TimedOut);
  if (applied.exit_code != 0) return Finish(RunResult::Failed);
  return AfterGate(backend_->Gate(), unchanged, previous);
}

}  // namespace

DeploymentOutcome RunDeployment(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log) {
  return Run(setup, executor, log).Execute();
}

}  // namespace deployhook
