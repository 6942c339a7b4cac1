#include "deploy/runner.hpp"

#include <malloc.h>

#include <functional>

#include "util/backoff.hpp"
#include "util/clock.hpp"
#include "deploy/coalesce.hpp"
#include "deploy/compose_command.hpp"
#include "state/durable_file.hpp"
#include "util/environment.hpp"
#include "state/file_lock.hpp"
#include "state/pause.hpp"
#include "state/log_retention.hpp"
#include "deploy/step_environment.hpp"

namespace deployhook {
namespace {

// Runs steps for real; a stop request cuts pauses short and, past the grace, kills the step.
class ProcessExecutor final : public StepExecutor {
 public:
  using Sleep = std::function<bool(std::chrono::milliseconds)>;

  ProcessExecutor(const std::atomic<bool>& abort, Sleep sleep)
      : abort_(abort), sleep_(std::move(sleep)) {}

  ProcessResult Run(const ProcessSpec& spec) override {
    ProcessSpec bounded = spec;
    bounded.abort = &abort_;
    return RunProcess(bounded);
  }

  bool Pause(std::chrono::milliseconds duration) override { return sleep_(duration); }

 private:
  const std::atomic<bool>& abort_;
  Sleep sleep_;
};

}  // namespace

RunnerTiming RunnerTimingFromEnvironment() {
  RunnerTiming timing;
  timing.quiet_time = MillisecondsFromEnvironment("DEPLOYHOOK_TEST_QUIET_MS", timing.quiet_time);
  timing.gather_limit =
      MillisecondsFromEnvironment("DEPLOYHOOK_TEST_GATHER_LIMIT_MS", timing.gather_limit);
  timing.poll = MillisecondsFromEnvironment("DEPLOYHOOK_TEST_POLL_MS", timing.poll);
  timing.stop_grace =
      MillisecondsFromEnvironment("DEPLOYHOOK_TEST_STOP_GRACE_MS", timing.stop_grace);
  return timing;
}

Runner::Runner(const Config& config, JobQueue& queue, DeliveryMemory& memory, const Logger& log,
               RunnerTiming timing, RunObserver* observer)
    : config_(config), queue_(queue), memory_(memory), log_(log), timing_(timing),
      observer_(observer),
      current_(std::make_shared<const Config>(config)) {}

Runner::~Runner() { Stop(); }

void Runner::Start() {
  EnsureDirectory(config_.state_dir / "locks");
  EnsureDirectory(config_.state_dir / "logs");
  std::lock_guard lock(mutex_);
  for (const Target& target : current_->targets) StartTarget(target.name);
}

void Runner::Reconfigure(std::shared_ptr<const Config> config) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    current_ = std::move(config);
    for (const Target& target : current_->targets) StartTarget(target.name);
  }
  Wake();
}

void Runner::StartTarget(const std::string& name) {
  if (looping_.insert(name).second) threads_.emplace_back([this, name] { Loop(name); });
}

std::optional<Target> Runner::CurrentTarget(const std::string& name) {
  std::lock_guard lock(mutex_);
  for (const Target& target : current_->targets) {
    if (target.name == name) return target;
  }
  // Under the lock Reconfigure holds: a target a later reload brings back gets a new thread.
  looping_.erase(name);
  return std::nullopt;
}

std::size_t Runner::KeepRuns() {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(current_->keep_runs);
}

void Runner::Wake() noexcept {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

void Runner::Stop() noexcept {
  if (threads_.empty()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  std::thread killer([this] {
    std::unique_lock lock(mutex_);
    if (!wake_.wait_for(lock, timing_.stop_grace, [&] { return abort_.load(); })) abort_ = true;
  });
  for (std::thread& thread : threads_) thread.join();
  {
    std::lock_guard lock(mutex_);
    abort_ = true;
  }
  wake_.notify_all();
  killer.join();
  threads_.clear();
}

bool Runner::WaitForWork(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::uint64_t seen = wakes_;
  wake_.wait_for(lock, timeout, [&] { return stopping_.load() || wakes_ != seen; });
  return !stopping_;
}

bool Runner::SleepUnlessStopping(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [&] { return stopping_.load(); });
}

void Runner::Loop(const std::string& name) {
  std::optional<Finished> unrecorded;
  std::size_t held_by_pause = 0;
  Backoff backoff(RECORD_RETRY_FIRST, RECORD_RETRY_MAX);
  while (!stopping_) {
    // A copy: a run keeps the settings it started with, whatever a reload does meanwhile.
    std::optional<Target> target = CurrentTarget(name);
    if (!target && !unrecorded) return;
    try {
      if (!unrecorded) unrecorded = RunOnce(*target, held_by_pause);
      if (unrecorded) {
        Record(*unrecorded);
        if (observer_) observer_->OnFinished(unrecorded->run);
        if (unrecorded->failed_tries > 0) {
          // Said only of a record read back from the history, never of an append that merely
          // returned.
          bool held = HistoryHoldsRun(config_.state_dir, unrecorded->run.id);
          log_.Log(held ? LogLevel::Notice : LogLevel::Error, "run",
                   {{"id", unrecorded->run.id}, {"target", name},
                    {"reason", held ? "recorded after all" : "appended, but the history does not hold it"}});
        }
        unrecorded.reset();
        backoff.Reset();
        // A burst's jobs were read at once; give what they took back to the system, so the
        // worker's resident memory after a burst is what it was before.
        ::malloc_trim(0);
      }
    } catch (const std::exception& e) {
      if (unrecorded) {
        // Repeating the deployment would not help: only its record is missing.
        auto delay = backoff.Next();
        ++unrecorded->failed_tries;
        log_.Log(LogLevel::Error, "run",
                 {{"id", unrecorded->run.id}, {"target", name}, {"result", unrecorded->run.result},
                  {"reason", std::string("cannot record the run: ") + e.what()},
                  {"retry_in", std::to_string(delay.count() / 1000) + "s"}});
        SleepUnlessStopping(delay);
        continue;
      }
      log_.Log(LogLevel::Error, "runner", {{"target", name}, {"reason", e.what()}});
    }
    WaitForWork(timing_.poll);
  }
}

std::optional<Runner::Finished> Runner::RunOnce(const Target& target, std::size_t& held_by_pause) {
  // Paused: deployments wait in the queue, accepted, until `deployhook resume`.
  auto next_batch = [&] {
    return NextBatch(queue_.Pending(target.name), ReadPause(config_.state_dir, target.name).has_value());
  };
  if (next_batch().empty()) {
    // Once per change, so that an operator (and a test) sees the pause hold deployments back.
    bool paused = ReadPause(config_.state_dir, target.name).has_value();
    std::size_t held = paused ? queue_.Count(target.name) : 0;
    if (held != held_by_pause && held > 0) {
      log_.Log(LogLevel::Notice, "run", {{"target", target.name}, {"queued", std::to_string(held)},
                                         {"reason", "paused: deployments wait for resume"}});
    }
    held_by_pause = held;
    return std::nullopt;
  }
  held_by_pause = 0;
  // Gathering a burst looks only at how many jobs wait: a burst of thousands is read once, below.
  std::size_t waiting = queue_.Count(target.name);
  auto gathering_since = std::chrono::steady_clock::now();
  while (SleepUnlessStopping(timing_.quiet_time)) {
    std::size_t now_waiting = queue_.Count(target.name);
    bool quiet = now_waiting == waiting;
    waiting = now_waiting;
    if (quiet || std::chrono::steady_clock::now() - gathering_since >= timing_.gather_limit) break;
  }
  if (stopping_) return std::nullopt;

  std::optional<FileLock> lock =
      FileLock::TryLock(config_.state_dir / "locks" / (target.name + ".lock"));
  if (!lock) return std::nullopt;  // another worker process runs this target; it takes these too
  std::vector<Job> jobs = next_batch();
  if (jobs.empty()) return std::nullopt;
  activity_.Set(target.name, Activity::Running);
  struct Idle {
    TargetActivity& activity;
    const std::string& name;
    ~Idle() { activity.Set(name, Activity::Idle); }
  } idle_after{activity_, target.name};

  CoalescedRun coalesced = Coalesce(jobs);
  SystemTime started = std::chrono::system_clock::now();
  RunRecord run;
  run.id = NewId(started);
  run.target = target.name;
  std::optional<std::vector<ContainerImage>> restore;
  if (jobs.front().IsRollback()) {
    run.kind = "rollback";
    run.restores = jobs.front().restores;
    restore = jobs.front().restore;
  }
  run.deliveries = coalesced.deliveries;
  run.after = coalesced.after;
  run.queued_at = coalesced.queued_at;
  run.started_at = FormatRfc3339(started);
  run.log = (config_.state_dir / "logs" / (run.id + ".log")).string();
  log_.Log(LogLevel::Info, "run",
           {{"id", run.id}, {"target", target.name}, {"kind", run.kind}, {"after", run.after},
            {"restores", run.restores}, {"deliveries", std::to_string(jobs.size())}});
  if (observer_) {
    RunRecord starting = run;
    starting.commit = coalesced.after;
    observer_->OnStarted(starting);
  }

  RunLog output(run.log);
  ProcessExecutor executor(abort_, [this](auto duration) { return SleepUnlessStopping(duration); });
  // Pushes that arrive while the run waits for an image join it, and the newest names the commit.
  auto newer_commit = [&]() -> std::optional<std::string> {
    std::vector<Job> pending = next_batch();
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
    outcome.result = "failed";
  }
  if (outcome.interrupted) {
    log_.Log(LogLevel::Notice, "run", {{"id", run.id}, {"target", target.name},
                                       {"reason", "interrupted by stop; jobs stay queued"}});
    return std::nullopt;
  }
  run.finished_at = FormatRfc3339(std::chrono::system_clock::now());
  run.result = outcome.result;
  run.commit = outcome.commit;
  run.steps = outcome.steps;
  run.images = outcome.images;
  return Finished{std::move(jobs), std::move(run), std::move(*lock)};
}

void Runner::Record(Finished& finished) {
  const RunRecord& run = finished.run;
  // Forgotten before any result but success is recorded, so a redelivery sent by someone who
  // saw it (stale: CI has since pushed the image) deploys instead of answering `duplicate`.
  if (run.result != "succeeded") {
    for (const Job& job : finished.jobs) {
      memory_.Forget(DeliveryKey(job.body_sha256, job.target));  // a redelivery may retry
    }
  }
  if (!finished.in_history) AppendHistory(config_.state_dir, run);
  finished.in_history = true;
  queue_.Remove(finished.jobs);
  // A burst's jobs are not needed past this point: housekeeping below reads the history.
  std::vector<Job>().swap(finished.jobs);
  PruneRunLogs(config_.state_dir, KeepRuns());
  CompactHistoryLogged(config_.state_dir, KeepRuns(), log_);  // housekeeping: the run is recorded
  log_.Log(run.result == "succeeded" ? LogLevel::Info : LogLevel::Warning, "run",
           {{"id", run.id}, {"target", run.target}, {"result", run.result}});
}

}  // namespace deployhook
