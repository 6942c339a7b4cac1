#include "deploy/runner.hpp"

#include <malloc.h>

#include "util/backoff.hpp"
#include "state/durable_file.hpp"
#include "util/environment.hpp"
#include "state/history.hpp"
#include "state/log_retention.hpp"

namespace deployhook {

RunnerTiming RunnerTimingFromEnvironment() {
  RunnerTiming timing;
  timing.quiet_time = MillisecondsFromEnvironment("DEPLOYHOOK_TEST_QUIET_MS", timing.quiet_time);
  timing.gather_limit =
      MillisecondsFromEnvironment("DEPLOYHOOK_TEST_GATHER_LIMIT_MS", timing.gather_limit);
  timing.poll = MillisecondsFromEnvironment("DEPLOYHOOK_TEST_POLL_MS", timing.poll);
  timing.lock_retry =
      MillisecondsFromEnvironment("DEPLOYHOOK_TEST_LOCK_RETRY_MS", timing.lock_retry);
  timing.stop_grace =
      MillisecondsFromEnvironment("DEPLOYHOOK_TEST_STOP_GRACE_MS", timing.stop_grace);
  return timing;
}

Runner::Runner(const Config& config, JobQueue& queue, DeliveryMemory& memory, const Logger& log,
               RunnerTiming timing, RunObserver* observer, ExecutorFactory executors, Clock& clock)
    : config_(config), queue_(queue), memory_(memory), log_(log), timing_(timing),
      observer_(observer), executors_(std::move(executors)), clock_(clock),
      // Probed outside any run's lock and stop: the probe is bounded by its own timeout.
      compose_choices_([this](const std::vector<std::string>& configured) {
        return ChooseComposeCommand(configured, *executors_(ExecutorSetup{.lock_fd = -1, .abort = nullptr, .pause = {}}));
      }),
      current_(std::make_shared<const Config>(config)) {}

Runner::~Runner() { Stop(); }

void Runner::Start() {
  EnsureDirectory(config_.state_dir / "locks");
  EnsureDirectory(config_.state_dir / "logs");
  watch_ = std::make_unique<QueueWatch>(config_.state_dir);
  if (!watch_->Complete()) {
    log_.Log(LogLevel::Warning, "runner",
             {{"path", (config_.state_dir / "queue").string()},
              {"reason", "cannot watch the queue (inotify); jobs written by other processes are "
                         "seen within " + std::to_string(timing_.poll.count() / 1000) + "s"}});
  }
  watch_->Nudge();  // the first look: what a stopped or killed worker left queued
  dispatcher_ = std::thread([this] { Dispatch(); });
}

void Runner::Reconfigure(std::shared_ptr<const Config> config) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_.IsSet()) return;
    current_ = std::move(config);
  }
  compose_choices_.Forget();  // PATH, or the compose a target names, may have changed
  Wake();
}

void Runner::Wake() noexcept {
  if (watch_) watch_->Nudge();
}

std::optional<Target> Runner::CurrentTarget(const std::string& name) {
  std::lock_guard lock(mutex_);
  for (const Target& target : current_->targets) {
    if (target.name == name) return target;
  }
  return std::nullopt;
}

std::vector<std::string> Runner::TargetNames() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (const Target& target : current_->targets) names.push_back(target.name);
  return names;
}

std::size_t Runner::KeepRuns() {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(current_->keep_runs);
}

void Runner::Dispatch() {
  for (;;) {
    QueueNews news = watch_->Wait(timing_.poll);
    if (stopping_.IsSet()) return;
    for (const std::string& name : TargetNames()) {
      if (!news.everything && !news.targets.contains(name)) continue;
      // Counting names only: a target without jobs costs a directory listing, not a thread.
      if (queue_.Count(name) > 0) Launch(name);
    }
  }
}

void Runner::Launch(const std::string& name) {
  std::thread ended;
  {
    std::lock_guard lock(mutex_);
    if (stopping_.IsSet()) return;
    Session& session = sessions_[name];
    if (session.running) {
      session.again = true;
      return;
    }
    ended = std::move(session.thread);  // a session that has returned; joined below
    session.running = true;
    session.again = false;
    session.thread = std::thread([this, name] { Serve(name); });
  }
  if (ended.joinable()) ended.join();
}

void Runner::Serve(const std::string& name) {
  Session* session = nullptr;
  {
    std::lock_guard lock(mutex_);
    session = &sessions_[name];  // a map's elements stay where they are
  }
  for (;;) {
    if (RunWhileQueued(name, *session)) Housekeep();
    std::lock_guard lock(mutex_);
    // Under the lock Launch takes: news that came after the last look starts another look.
    if (!session->again || stopping_.IsSet()) {
      session->running = false;
      return;
    }
    session->again = false;
  }
}

bool Runner::RunWhileQueued(const std::string& name, Session& session) {
  std::optional<Finished> unrecorded;
  Backoff backoff(RECORD_RETRY_FIRST, RECORD_RETRY_MAX);
  bool said_locked = false;
  bool recorded = false;
  while (!stopping_.IsSet()) {
    // A copy: a run keeps the settings it started with, whatever a reload does meanwhile.
    std::optional<Target> target = CurrentTarget(name);
    if (!target && !unrecorded) return recorded;
    try {
      if (!unrecorded) {
        std::variant<Finished, NoRun> attempt = RunOnce(*target, session.held_by_pause);
        if (const NoRun* none = std::get_if<NoRun>(&attempt)) {
          if (*none != NoRun::Locked) return recorded;
          AwaitLock(name, said_locked);
          continue;
        }
        unrecorded.emplace(std::move(std::get<Finished>(attempt)));
        session.failing.clear();
      }
      Record(*unrecorded);
      AfterRecord(*unrecorded);
      unrecorded.reset();
      recorded = true;
      backoff.Reset();
      said_locked = false;
      // A burst's jobs were read at once; give what they took back to the system, so the
      // worker's resident memory after a burst is what it was before.
      ::malloc_trim(0);
    } catch (const std::exception& e) {
      if (!unrecorded) {
        SayFailing(name, session, e.what());
        return recorded;  // looked at again at the next news or the fallback look
      }
      // Repeating the deployment would not help: only its record is missing.
      RetryRecordLater(*unrecorded, backoff, e.what());
    }
  }
  return recorded;
}

void Runner::Housekeep() {
  try {
    PruneRunLogs(config_.state_dir, KeepRuns());
    CompactHistoryLogged(config_.state_dir, KeepRuns(), log_);
  } catch (const std::exception& e) {
    // The runs are recorded; a history left long is compacted after the next one.
    log_.Log(LogLevel::Warning, "runner", {{"reason", std::string("housekeeping: ") + e.what()}});
  }
}

void Runner::AwaitLock(const std::string& name, bool& said_locked) {
  if (!said_locked) {
    log_.Log(LogLevel::Info, "run", {{"target", name}, {"reason", "locked by another process; waiting for it"}});
    said_locked = true;
  }
  SleepUnlessStopping(timing_.lock_retry);
}

void Runner::SayFailing(const std::string& name, Session& session, const std::string& failure) {
  if (session.failing == failure) return;
  session.failing = failure;
  log_.Log(LogLevel::Error, "runner",
           {{"target", name}, {"reason", session.failing},
            {"note", "said once; looked at again at the next news"}});
}

void Runner::AfterRecord(const Finished& finished) {
  const RunRecord& run = finished.batch.Record();
  if (observer_) observer_->OnFinished(run);
  if (finished.failed_tries == 0) return;
  // Said only of a record read back from the history, never of an append that merely returned.
  bool held = HistoryHoldsRun(config_.state_dir, run.id);
  log_.Log(held ? LogLevel::Notice : LogLevel::Error, "run",
           {{"id", run.id}, {"target", run.target},
            {"reason", held ? "recorded after all" : "appended, but the history does not hold it"}});
}

void Runner::RetryRecordLater(Finished& unrecorded, Backoff& backoff, const std::string& failure) {
  const RunRecord& run = unrecorded.batch.Record();
  auto delay = backoff.Next();
  ++unrecorded.failed_tries;
  log_.Log(LogLevel::Error, "run",
           {{"id", run.id}, {"target", run.target}, {"result", Name(run.result)},
            {"reason", "cannot record the run: " + failure},
            {"retry_in", std::to_string(delay.count() / 1000) + "s"}});
  SleepUnlessStopping(delay);
}

bool Runner::SleepUnlessStopping(std::chrono::milliseconds duration) {
  return clock_.Sleep(duration, stopping_);
}

void Runner::Stop() noexcept {
  if (!dispatcher_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_.Set();
  }
  watch_->Nudge();
  std::thread killer([this] {
    if (clock_.Sleep(timing_.stop_grace, abort_)) abort_.Set();
  });
  dispatcher_.join();
  std::vector<std::thread> sessions;
  {
    std::lock_guard lock(mutex_);  // stopping_: Launch starts no session after this
    for (auto& [name, session] : sessions_) {
      if (session.thread.joinable()) sessions.push_back(std::move(session.thread));
    }
  }
  for (std::thread& thread : sessions) thread.join();
  abort_.Set();
  killer.join();
}

void Runner::Record(Finished& finished) {
  const RunRecord& run = finished.batch.Record();
  // Forgotten before any result but success is recorded, so a redelivery sent by someone who
  // saw it (stale: CI has since pushed the image) deploys instead of answering `duplicate`.
  if (run.result != RunResult::Succeeded) {
    for (const Job& job : finished.batch.Jobs()) {
      memory_.Forget(DeliveryKey(job.body_sha256, job.target));  // a redelivery may retry
    }
  }
  if (!finished.in_history) AppendHistory(config_.state_dir, run);
  finished.in_history = true;
  finished.batch.RemoveJobs();
  log_.Log(run.result == RunResult::Succeeded ? LogLevel::Info : LogLevel::Warning, "run",
           {{"id", run.id}, {"target", run.target}, {"result", Name(run.result)}});
}

}  // namespace deployhook
