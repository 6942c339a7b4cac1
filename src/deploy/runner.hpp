#pragma once
// Takes jobs from the queue and runs them: one thread per target, one run at a time per target
// across threads and worker processes (state_dir/locks/<target>.lock), every job queued during
// a run collapsed into the next one, jobs removed only after their run is recorded.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "state/delivery_memory.hpp"
#include "deploy/deployment.hpp"
#include "state/file_lock.hpp"
#include "deploy/target_activity.hpp"
#include "state/job_queue.hpp"
#include "util/log.hpp"
#include "deploy/run_observer.hpp"

namespace deployhook {

// The runner's pauses. The defaults are the product's; only test suites change them.
struct RunnerTiming {
  // Jobs are gathered until none arrived for quiet_time (at most gather_limit), so a burst of
  // pushes becomes one run.
  std::chrono::milliseconds quiet_time{1000};
  std::chrono::milliseconds gather_limit{5000};
  // Jobs queued by other processes (`deployhook deploy`, a second worker) are seen this often.
  std::chrono::milliseconds poll{1000};
  // On stop, a running step may finish for this long before it is killed.
  std::chrono::milliseconds stop_grace{30000};
};

// Returns the default timing with each value a test suite set in the environment instead:
// DEPLOYHOOK_TEST_QUIET_MS, DEPLOYHOOK_TEST_GATHER_LIMIT_MS, DEPLOYHOOK_TEST_POLL_MS,
// DEPLOYHOOK_TEST_STOP_GRACE_MS (milliseconds, 1 to 600000; anything else is ignored). Test-only:
// read once when `serve` starts, not documented for operators.
RunnerTiming RunnerTimingFromEnvironment();

class Runner {
 public:
  // A run whose record cannot be written (disk full, read-only) is recorded again after these
  // doubling delays; its jobs stay queued and the target runs nothing else meanwhile.
  static constexpr std::chrono::seconds RECORD_RETRY_FIRST{5};
  static constexpr std::chrono::minutes RECORD_RETRY_MAX{10};

  // `observer`, when given, hears of every run that starts and every run recorded; it must
  // outlive the runner.
  Runner(const Config& config, JobQueue& queue, DeliveryMemory& memory, const Logger& log,
         RunnerTiming timing = {}, RunObserver* observer = nullptr);
  ~Runner();

  void Start();

  // What each target's thread does now (idle, waiting for an image, running).
  const TargetActivity& Activities() const noexcept { return activity_; }
  // Wakes the target threads to look at the queue now.
  void Wake() noexcept;
  // Deploys `config`'s targets from each one's next run on (a reload): a new target gets its
  // thread, a removed one's thread ends after its current run, a changed one runs with its new
  // settings. Its state_dir must be the one the runner started with.
  void Reconfigure(std::shared_ptr<const Config> config);
  // Lets a running step finish (up to the stop grace), records nothing unfinished, keeps the
  // queue.
  void Stop() noexcept;

 private:
  // A finished run not yet in the history, holding the target's lock until it is.
  struct Finished {
    std::vector<Job> jobs;
    RunRecord run;
    FileLock lock;
    bool in_history = false;  // appended; only removing the jobs failed
    int failed_tries = 0;
  };

  // Starts the thread of target `name` unless it has one; mutex_ must be held.
  void StartTarget(const std::string& name);
  // Returns target `name` as configured now, or nothing when a reload removed it (its thread
  // then ends).
  std::optional<Target> CurrentTarget(const std::string& name);
  std::size_t KeepRuns();
  void Loop(const std::string& name);
  bool WaitForWork(std::chrono::milliseconds timeout);
  bool SleepUnlessStopping(std::chrono::milliseconds duration);
  // Runs the queued jobs, if any; returns the finished run to record, or nothing.
  // `held_by_pause`: how many queued jobs the target's pause was last logged holding back.
  std::optional<Finished> RunOnce(const Target& target, std::size_t& held_by_pause);
  // Records the run in the history (once) and removes its jobs. Throws StorageError.
  void Record(Finished& finished);

  const Config& config_;  // as started: state_dir, which a reload never changes
  JobQueue& queue_;
  DeliveryMemory& memory_;
  const Logger& log_;
  const RunnerTiming timing_;
  RunObserver* const observer_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::shared_ptr<const Config> current_;  // guarded by mutex_
  std::set<std::string> looping_;          // targets with a thread; guarded by mutex_
  std::condition_variable wake_;
  std::uint64_t wakes_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abort_{false};
  TargetActivity activity_;
};

}  // namespace deployhook
