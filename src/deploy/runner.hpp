#pragma once
// Takes jobs from the queue and runs them, one run at a time per target across threads and
// worker processes (state_dir/locks/<target>.lock), every job queued during a run collapsed into
// the next one, jobs removed only after their run is recorded. One dispatcher thread waits for
// news of jobs (QueueWatch: inotify on the queue, an in-process nudge, a slow fallback look); a
// target gets a thread only while it has jobs.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "state/delivery_memory.hpp"
#include "deploy/batch.hpp"
#include "deploy/compose_choices.hpp"
#include "deploy/deployment.hpp"
#include "deploy/gate_poll.hpp"
#include "deploy/process_executor.hpp"
#include "state/file_lock.hpp"
#include "deploy/queue_watch.hpp"
#include "deploy/run_source.hpp"
#include "deploy/target_activity.hpp"
#include "state/job_queue.hpp"
#include "util/backoff.hpp"
#include "util/clock.hpp"
#include "util/log.hpp"
#include "util/stop_flag.hpp"
#include "deploy/run_observer.hpp"

namespace deployhook {

// The runner's pauses. The defaults are the product's; only test suites change them.
struct RunnerTiming {
  // A lone job runs at once. Several waiting (a burst, or what queued during a run) are
  // gathered until none arrived for quiet_time (at most gather_limit), so that they become one
  // run.
  std::chrono::milliseconds quiet_time{1000};
  std::chrono::milliseconds gather_limit{5000};
  // Every target's queue is looked at this often even when no event said a job arrived (a
  // queue on a file system without inotify, a watch the kernel refused).
  std::chrono::milliseconds poll{30000};
  // A target with jobs whose lock another process holds is tried again this often.
  std::chrono::milliseconds lock_retry{1000};
  // On stop, a running step may finish for this long before it is killed.
  std::chrono::milliseconds stop_grace{30000};
  // How often a run's gate looks at the engine: often at first, then less (gate_poll.hpp).
  GatePolls gate{};
};

// Returns the default timing with each value a test suite set in the environment instead:
// DEPLOYHOOK_TEST_QUIET_MS, DEPLOYHOOK_TEST_GATHER_LIMIT_MS, DEPLOYHOOK_TEST_POLL_MS,
// DEPLOYHOOK_TEST_LOCK_RETRY_MS, DEPLOYHOOK_TEST_STOP_GRACE_MS (milliseconds, 1 to 600000;
// anything else is ignored). Test-only: read once when `serve` starts, not documented for
// operators.
RunnerTiming RunnerTimingFromEnvironment();

class Runner {
 public:
  // A run whose record cannot be written (disk full, read-only) is recorded again after these
  // doubling delays; its jobs stay queued and the target runs nothing else meanwhile.
  static constexpr std::chrono::seconds RECORD_RETRY_FIRST{5};
  static constexpr std::chrono::minutes RECORD_RETRY_MAX{10};

  // `observer`, when given, hears of every run that starts and every run recorded; it must
  // outlive the runner. Steps run through the executors `executors` makes (processes), and the
  // runner's time and pauses come from `clock` (the system's), which must outlive it.
  Runner(const Config& config, JobQueue& queue, DeliveryMemory& memory, const Logger& log,
         RunnerTiming timing = {}, RunObserver* observer = nullptr,
         ExecutorFactory executors = ProcessExecutors(), Clock& clock = SystemClock());
  ~Runner();

  // Starts the dispatcher, which first looks at every target's queue (the jobs a stopped or
  // killed worker left). Throws StorageError when the queue directories cannot be created.
  void Start();

  // What each target does now (idle, waiting for an image, running).
  const TargetActivity& Activities() const noexcept { return activity_; }
  // Has every target's queue looked at now (a job was queued in this process).
  void Wake() noexcept;
  // Deploys `config`'s targets from each one's next run on (a reload): a new target is watched,
  // a removed one's run ends after its current run, a changed one runs with its new settings.
  // Its state_dir must be the one the runner started with.
  void Reconfigure(std::shared_ptr<const Config> config);
  // Lets a running step finish (up to the stop grace), records nothing unfinished, keeps the
  // queue.
  void Stop() noexcept;

 private:
  // A finished run not yet in the history, holding the target's lock until it is.
  struct Finished {
    Batch batch;  // its record closed
    FileLock lock;
    bool in_history = false;  // appended; only removing the jobs failed
    int failed_tries = 0;
  };
  // Why a look at a target's queue started no run.
  enum class NoRun {
    Empty,    // no job (another worker took them)
    Paused,   // `deployhook pause`: the jobs wait
    Locked,   // another process holds the target's lock
    Stopped,  // the worker is stopping (a run cut short stays queued)
  };
  // A target's thread, while it has jobs.
  struct Session {
    std::thread thread;
    bool running = false;
    bool again = false;             // news came while it ran: look at the queue once more
    std::size_t held_by_pause = 0;  // queued jobs its pause was last logged holding back
    // The failure of its last look (a lock that is a directory, say), said once until a run
    // gets through.
    std::string failing;
  };

  // The dispatcher: waits for news and starts a session for each target that has jobs.
  void Dispatch();
  // Starts target `name`'s session, or tells the running one to look again.
  void Launch(const std::string& name);
  // A session: runs the target's jobs until none is left, then ends.
  void Serve(const std::string& name);
  // Runs and records runs of the target while it has jobs; returns when it has none, saying
  // whether it recorded any.
  bool RunWhileQueued(const std::string& name, Session& session);
  // Prunes run logs and compacts the history: after a burst's last run, not before each next.
  void Housekeep();
  // Waits lock_retry for another process's run of the target, said once per wait.
  void AwaitLock(const std::string& name, bool& said_locked);
  // Says the failure of a look at the target's queue, once until it changes.
  void SayFailing(const std::string& name, Session& session, const std::string& failure);
  // Returns target `name` as configured now, or nothing when a reload removed it.
  std::optional<Target> CurrentTarget(const std::string& name);
  std::vector<std::string> TargetNames();
  std::size_t KeepRuns();
  bool SleepUnlessStopping(std::chrono::milliseconds duration);
  bool Paused(const std::string& name) const;
  // Returns the jobs the target's next run covers, as queued now.
  std::vector<Job> Runnable(const std::string& name) const;
  // Returns why the target has nothing to run (no job, or paused with only deployments queued),
  // saying once per change how many jobs the pause holds back; nothing when it has.
  std::optional<NoRun> HeldBack(const Target& target, std::size_t& held_by_pause);
  // Returns at once when one job waits; when several do, waits until no more arrive. Returns
  // false when the worker is stopping.
  bool GatherBurst(const std::string& name);
  // Runs the queued jobs, if any, and returns the finished run to record, or why none ran.
  // `held_by_pause`: how many queued jobs the target's pause was last logged holding back.
  std::variant<Finished, NoRun> RunOnce(const Target& target, std::size_t& held_by_pause);
  // Runs `jobs` (the lock `lock` held) and returns the finished run, or Stopped.
  std::variant<Finished, NoRun> RunJobs(const Target& target, std::vector<Job> jobs, FileLock lock);
  // Logs the run that `batch` opens and tells the observer.
  void Announce(const Target& target, const Batch& batch);
  // Runs the deployment of `batch`, its steps keeping `lock` open; returns its outcome (failed
  // when the run could not go on, interrupted when the worker stops).
  DeploymentOutcome Deploy(const Target& target, Batch& batch, const FileLock& lock);
  // Runs the deployment of `batch` at `place` (the target, or its commit's checkout).
  DeploymentOutcome DeployAt(const RunPlace& place, const TargetPast& past, Batch& batch,
                             StepExecutor& executor, RunLog& output);
  // Lets the jobs queued since the run started join it; returns the commit it aims at now.
  std::optional<std::string> JoinNewer(const Target& target, Batch& batch);
  // Records the run in the history (once) and removes its jobs. Throws StorageError.
  void Record(Finished& finished);
  // Tells the observer of the recorded run, and says whether a retried record made it.
  void AfterRecord(const Finished& finished);
  // Says why the run could not be recorded and waits before the next try.
  void RetryRecordLater(Finished& unrecorded, Backoff& backoff, const std::string& failure);

  const Config& config_;  // as started: state_dir, which a reload never changes
  JobQueue& queue_;
  DeliveryMemory& memory_;
  const Logger& log_;
  const RunnerTiming timing_;
  RunObserver* const observer_;
  const ExecutorFactory executors_;
  Clock& clock_;
  ComposeChoices compose_choices_;  // forgotten on Reconfigure
  std::unique_ptr<QueueWatch> watch_;
  std::thread dispatcher_;
  std::mutex mutex_;
  std::shared_ptr<const Config> current_;     // guarded by mutex_
  std::map<std::string, Session> sessions_;   // guarded by mutex_; never erased
  StopFlag stopping_;  // set under mutex_: no session starts after Stop collected them
  StopFlag abort_;     // running steps are stopped (the stop grace is over)
  TargetActivity activity_;
};

}  // namespace deployhook
