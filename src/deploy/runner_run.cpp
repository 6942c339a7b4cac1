// One run of a target's queued jobs: gather the burst, take the target's lock, deploy, and hand
// back the finished run for the runner to record (runner.cpp).

#include "deploy/runner.hpp"

#include <cstdlib>
#include <functional>

#include "deploy/coalesce.hpp"
#include "state/pause.hpp"
#include "deploy/step_environment.hpp"
#include "source/private_dir.hpp"

namespace deployhook {

bool Runner::Paused(const std::string& name) const {
  return ReadPause(config_.state_dir, name).has_value();
}

std::vector<Job> Runner::Runnable(const std::string& name) const {
  return NextBatch(queue_.Pending(name), Paused(name));
}

std::optional<Runner::NoRun> Runner::HeldBack(const Target& target, std::size_t& held_by_pause) {
  bool paused = Paused(target.name);
  // Paused: deployments wait in the queue, accepted, until `deployhook resume`.
  // Collect, not Pending: a file in the queue that is not one of the target's jobs goes to
  // rejected/ once, instead of being skipped (or run) at every look.
  if (!NextBatch(queue_.Collect(target.name, log_), paused).empty()) {
    held_by_pause = 0;
    return std::nullopt;
  }
  // Once per change, so that an operator (and a test) sees the pause hold deployments back.
  std::size_t held = paused ? queue_.Count(target.name) : 0;
  if (held != held_by_pause && held > 0) {
    log_.Log(LogLevel::Notice, "run", {{"target", target.name}, {"queued", std::to_string(held)},
                                       {"reason", "paused: deployments wait for resume"}});
  }
  held_by_pause = held;
  return paused ? NoRun::Paused : NoRun::Empty;
}

bool Runner::GatherBurst(const std::string& name) {
  // Looks only at how many jobs wait: a burst of thousands is read once, after it.
  std::size_t waiting = queue_.Count(name);
  // A lone push goes live in the time compose needs. The rest of a burst it opens arrives
  // during its run and is gathered, several waiting, into the next one.
  if (waiting <= 1) return !stopping_.IsSet();
  auto gathering_since = clock_.SteadyNow();
  while (SleepUnlessStopping(timing_.quiet_time)) {
    std::size_t now_waiting = queue_.Count(name);
    bool quiet = now_waiting == waiting;
    waiting = now_waiting;
    if (quiet || clock_.SteadyNow() - gathering_since >= timing_.gather_limit) break;
  }
  return !stopping_.IsSet();
}

std::variant<Runner::Finished, Runner::NoRun> Runner::RunOnce(const Target& target,
                                                              std::size_t& held_by_pause) {
  if (std::optional<NoRun> none = HeldBack(target, held_by_pause)) return *none;
  if (!GatherBurst(target.name)) return NoRun::Stopped;
  std::optional<FileLock> lock =
      FileLock::TryLock(config_.state_dir / "locks" / (target.name + ".lock"));
  // Another worker process runs this target (it takes these too), or a step of a worker that
  // died still runs.
  if (!lock) return NoRun::Locked;
  std::vector<Job> jobs = Runnable(target.name);
  if (jobs.empty()) return NoRun::Empty;
  return RunJobs(target, std::move(jobs), std::move(*lock));
}

void Runner::Announce(const Target& target, const Batch& batch) {
  const RunRecord& run = batch.Record();
  log_.Log(LogLevel::Info, "run",
           {{"id", run.id}, {"target", target.name}, {"kind", Name(run.kind)}, {"after", run.after},
            {"restores", run.restores}, {"deliveries", std::to_string(batch.Jobs().size())}});
  if (observer_) {
    RunRecord starting = run;
    starting.commit = batch.Coalesced().after;
    observer_->OnStarted(starting);
  }
}

std::variant<Runner::Finished, Runner::NoRun> Runner::RunJobs(const Target& target,
                                                              std::vector<Job> jobs, FileLock lock) {
  activity_.Set(target.name, Activity::Running);
  struct Idle {
    TargetActivity& activity;
    const std::string& name;
    ~Idle() { activity.Set(name, Activity::Idle); }
  } idle_after{activity_, target.name};

  Batch batch(queue_, config_.state_dir, std::move(jobs), clock_.WallNow());
  Announce(target, batch);
  DeploymentOutcome outcome = Deploy(target, batch, lock);
  if (outcome.interrupted) {
    log_.Log(LogLevel::Notice, "run", {{"id", batch.Record().id}, {"target", target.name},
                                       {"reason", "interrupted by stop; jobs stay queued"}});
    return NoRun::Stopped;
  }
  batch.Close(std::move(outcome), clock_.WallNow());
  return Finished{.batch = std::move(batch), .lock = std::move(lock), .in_history = false,
                  .failed_tries = 0};
}

std::optional<std::string> Runner::JoinNewer(const Target& target, Batch& batch) {
  std::optional<std::string> commit = batch.Join(Runnable(target.name));
  if (commit) {
    const RunRecord& run = batch.Record();
    log_.Log(LogLevel::Info, "run", {{"id", run.id}, {"target", target.name}, {"after", run.after},
                                     {"deliveries", std::to_string(batch.Jobs().size())}});
  }
  return commit;
}

DeploymentOutcome Runner::Deploy(const Target& target, Batch& batch, const FileLock& lock) {
  RunLog output(batch.Record().log);
  Redactor redactor;
  output.UseRedactor(redactor);
  DeploymentOutcome outcome;
  outcome.commit = batch.Coalesced().after;
  try {
    // Every step keeps the target's lock open, so no other worker starts the target while
    // anything a step started still runs (even after this worker died); a stop cuts pauses
    // short and, past the grace, stops the step. The probe is bound by neither.
    std::unique_ptr<StepExecutor> executor = executors_(ExecutorSetup{
        .lock_fd = lock.Descriptor(),
        .abort = &abort_.Flag(),
        .pause = [this](std::chrono::milliseconds duration) { return SleepUnlessStopping(duration); }});
    TargetPast past = ReadTargetPast(config_.state_dir, target.name);
    bool unplaced = false;
    RunPlace place = PlaceRun(
        SourceContext{.target = target, .state_dir = config_.state_dir, .env = StepEnvironment(),
                      .run = [&executor](const ProcessSpec& spec) { return executor->Run(spec); },
                      .log = [&output](std::string_view text) { output.Append(text); },
                      .redactor = redactor, .secrets_base = SecretsBase(std::getenv("RUNTIME_DIRECTORY"))},
        batch.Coalesced().after, batch.Restore().has_value(), past, unplaced);
    if (unplaced) {
      output.Append("[result: failed]\n");
      outcome.result = RunResult::Failed;
    } else {
      outcome = DeployAt(place, past, batch, *executor, output);
    }
    if (place.source) {
      outcome.steps.insert(outcome.steps.begin(), place.source->Steps().begin(), place.source->Steps().end());
      if (outcome.commit.empty()) outcome.commit = place.commit;
      past.commits.insert(place.commit);
      place.source->Prune(past.commits);
    }
  } catch (const std::exception& e) {
    output.Append(std::string("[error: ") + e.what() + "]\n");
    outcome.result = RunResult::Failed;
  }
  return outcome;
}

DeploymentOutcome Runner::DeployAt(const RunPlace& place, const TargetPast& past, Batch& batch,
                                   StepExecutor& executor, RunLog& output) {
  const Target& target = place.target;
  ComposeChoice compose = compose_choices_.For(target.compose);
  std::map<std::string, std::string> env = StepEnvironment();
  // A checkout's folder changes with each commit: the project keeps its name.
  if (target.source) env["COMPOSE_PROJECT_NAME"] = target.project_name;
  DeploymentSetup setup{
      .target = target,
      .compose = compose.argv,
      .env = std::move(env),
      .stopping = stopping_.Flag(),
      .logger = log_,
      .run_id = batch.Record().id,
      .commit = batch.Coalesced().after,
      // Pushes that arrive while the run waits for an image join it; the newest names the commit.
      // Not with a source: the checkout is of this run's commit; a newer one runs next.
      .newer_commit = target.source ? std::function<std::optional<std::string>()>()
                                    : [this, &target, &batch] { return JoinNewer(target, batch); },
      .snapshot = batch.Coalesced().snapshot,
      // Before the first `up`: a rerun after a crash or a stop rolls back to these images, not
      // to what the interrupted attempt left running.
      .save_snapshot = std::bind_front(&Batch::SaveSnapshot, &batch),
      .restore = batch.Restore(),
      .on_waiting = [this, &target](bool waiting) {
        activity_.Set(target.name, waiting ? Activity::Waiting : Activity::Running);
      },
      .compose_generation = compose.generation,
      .gate_polls = timing_.gate,
      .deployed_config = past.deployed_config,
      .previous_dir = place.previous_dir};
  return RunDeployment(setup, executor, output);
}

}  // namespace deployhook
