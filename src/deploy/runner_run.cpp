// One run of a target's queued jobs: gather the burst, take the target's lock, deploy, and hand
// back the finished run for the runner to record (runner.cpp).

#include "deploy/runner.hpp"

#include <functional>

#include "util/clock.hpp"
#include "deploy/coalesce.hpp"
#include "deploy/compose_command.hpp"
#include "state/pause.hpp"
#include "deploy/step_environment.hpp"

namespace deployhook {
namespace {

// Runs steps for real; a stop request cuts pauses short and, past the grace, stops the step.
// Every step keeps the target's lock open, so no other worker starts the target while anything
// the step started is still running (even after this worker died).
class ProcessExecutor final : public StepExecutor {
 public:
  using Sleep = std::function<bool(std::chrono::milliseconds)>;

  ProcessExecutor(const std::atomic<bool>& abort, Sleep sleep, int lock_fd)
      : abort_(abort), sleep_(std::move(sleep)), lock_fd_(lock_fd) {}

  ProcessResult Run(const ProcessSpec& spec) override {
    ProcessSpec bounded = spec;
    bounded.abort = &abort_;
    bounded.inherit_fd = lock_fd_;
    return RunProcess(bounded);
  }

  bool Pause(std::chrono::milliseconds duration) override { return sleep_(duration); }

 private:
  const std::atomic<bool>& abort_;
  Sleep sleep_;
  int lock_fd_;
};

// Returns the record of a run of `jobs` starting now, before any step.
RunRecord OpeningRecord(const Config& config, const Target& target, const std::vector<Job>& jobs,
                        const CoalescedRun& coalesced) {
  SystemTime started = std::chrono::system_clock::now();
  RunRecord run;
  run.id = NewId(started);
  run.target = target.name;
  if (jobs.front().IsRollback()) {
    run.kind = RunKind::Rollback;
    run.restores = jobs.front().restores;
  }
  run.deliveries = coalesced.deliveries;
  run.after = coalesced.after;
  run.queued_at = coalesced.queued_at;
  run.started_at = FormatRfc3339(started);
  run.log = (config.state_dir / "logs" / (run.id + ".log")).string();
  return run;
}

// Fills in what the run's record learns at its end.
void CloseRecord(RunRecord& run, DeploymentOutcome outcome) {
  run.finished_at = FormatRfc3339(std::chrono::system_clock::now());
  run.result = outcome.result;
  run.commit = std::move(outcome.commit);
  run.steps = std::move(outcome.steps);
  run.images = std::move(outcome.images);
}

}  // namespace

bool Runner::GatherBurst(const std::string& name) {
  // Looks only at how many jobs wait: a burst of thousands is read once, after it.
  std::size_t waiting = queue_.Count(name);
  auto gathering_since = std::chrono::steady_clock::now();
  while (SleepUnlessStopping(timing_.quiet_time)) {
    std::size_t now_waiting = queue_.Count(name);
    bool quiet = now_waiting == waiting;
    waiting = now_waiting;
    if (quiet || std::chrono::steady_clock::now() - gathering_since >= timing_.gather_limit) break;
  }
  return !stopping_;
}

std::variant<Runner::Finished, Runner::NoRun> Runner::RunOnce(const Target& target,
                                                              std::size_t& held_by_pause) {
  bool paused = ReadPause(config_.state_dir, target.name).has_value();
  // Paused: deployments wait in the queue, accepted, until `deployhook resume`.
  // Collect, not Pending: a file in the queue that is not one of the target's jobs goes to
  // rejected/ once, instead of being skipped (or run) at every look.
  if (NextBatch(queue_.Collect(target.name, log_), paused).empty()) {
    // Once per change, so that an operator (and a test) sees the pause hold deployments back.
    std::size_t held = paused ? queue_.Count(target.name) : 0;
    if (held != held_by_pause && held > 0) {
      log_.Log(LogLevel::Notice, "run", {{"target", target.name}, {"queued", std::to_string(held)},
                                         {"reason", "paused: deployments wait for resume"}});
    }
    held_by_pause = held;
    return paused ? NoRun::Paused : NoRun::Empty;
  }
  held_by_pause = 0;
  if (!GatherBurst(target.name)) return NoRun::Stopped;
  std::optional<FileLock> lock =
      FileLock::TryLock(config_.state_dir / "locks" / (target.name + ".lock"));
  // Another worker process runs this target (it takes these too), or a step of a worker that
  // died still runs.
  if (!lock) return NoRun::Locked;
  std::vector<Job> jobs =
      NextBatch(queue_.Pending(target.name), ReadPause(config_.state_dir, target.name).has_value());
  if (jobs.empty()) return NoRun::Empty;
  return RunJobs(target, std::move(jobs), std::move(*lock));
}

RunRecord Runner::OpenRun(const Target& target, const std::vector<Job>& jobs,
                          const CoalescedRun& coalesced) {
  RunRecord run = OpeningRecord(config_, target, jobs, coalesced);
  log_.Log(LogLevel::Info, "run",
           {{"id", run.id}, {"target", target.name}, {"kind", Name(run.kind)}, {"after", run.after},
            {"restores", run.restores}, {"deliveries", std::to_string(jobs.size())}});
  if (observer_) {
    RunRecord starting = run;
    starting.commit = coalesced.after;
    observer_->OnStarted(starting);
  }
  return run;
}

std::variant<Runner::Finished, Runner::NoRun> Runner::RunJobs(const Target& target,
                                                              std::vector<Job> jobs, FileLock lock) {
  activity_.Set(target.name, Activity::Running);
  struct Idle {
    TargetActivity& activity;
    const std::string& name;
    ~Idle() { activity.Set(name, Activity::Idle); }
  } idle_after{activity_, target.name};

  CoalescedRun coalesced = Coalesce(jobs);
  RunRecord run = OpenRun(target, jobs, coalesced);
  std::optional<std::vector<ContainerImage>> restore;
  if (jobs.front().IsRollback()) restore = jobs.front().restore;

  RunLog output(run.log);
  ProcessExecutor executor(abort_, [this](auto duration) { return SleepUnlessStopping(duration); },
                           lock.Descriptor());
  // Pushes that arrive while the run waits for an image join it, and the newest names the commit.
  auto newer_commit = [&]() -> std::optional<std::string> {
    std::vector<Job> pending =
        NextBatch(queue_.Pending(target.name), ReadPause(config_.state_dir, target.name).has_value());
    if (pending.size() <= jobs.size()) return std::nullopt;
    jobs = std::move(pending);
    coalesced = Coalesce(jobs);
    run.deliveries = coalesced.deliveries;
    run.after = coalesced.after;
    log_.Log(LogLevel::Info, "run", {{"id", run.id}, {"target", target.name}, {"after", run.after},
                                     {"deliveries", std::to_string(jobs.size())}});
    return coalesced.after;
  };
  // The images the run replaces go into its job files before the first `up`: a rerun after a
  // crash or a stop rolls back to them, not to what the interrupted attempt left running.
  auto save_snapshot = [&](const std::vector<ContainerImage>& images) {
    for (Job& job : jobs) job.snapshot = images;
    queue_.Rewrite(jobs);
  };
  DeploymentOutcome outcome;
  outcome.commit = coalesced.after;
  try {
    ComposeChoice compose = ChooseComposeCommand(target.compose);
    DeploymentSetup setup{target,   compose.argv, StepEnvironment(),
                          stopping_, log_, run.id, coalesced.after, newer_commit,
                          coalesced.snapshot, save_snapshot, restore,
                          [&](bool waiting) {
                            activity_.Set(target.name, waiting ? Activity::Waiting : Activity::Running);
                          },
                          compose.generation};
    outcome = RunDeployment(setup, executor, output);
  } catch (const std::exception& e) {
    output.Append(std::string("[error: ") + e.what() + "]\n");
    outcome.result = RunResult::Failed;
  }
  if (outcome.interrupted) {
    log_.Log(LogLevel::Notice, "run", {{"id", run.id}, {"target", target.name},
                                       {"reason", "interrupted by stop; jobs stay queued"}});
    return NoRun::Stopped;
  }
  CloseRecord(run, std::move(outcome));
  return Finished{std::move(jobs), std::move(run), std::move(lock)};
}

}  // namespace deployhook
