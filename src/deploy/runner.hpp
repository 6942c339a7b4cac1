#pragma once
// Takes jobs from the queue and runs them: one thread per target, one run at a time per target
// across threads and worker processes (state_dir/locks/<target>.lock), every job queued during
// a run collapsed into the next one, jobs removed only after their run is recorded.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "config.hpp"
#include "delivery_memory.hpp"
#include "deployment.hpp"
#include "file_lock.hpp"
#include "job_queue.hpp"
#include "log.hpp"

namespace deployhook {

class Runner {
 public:
  // Jobs are gathered until none arrived for QUIET_TIME (at most GATHER_LIMIT), so a burst of
  // pushes becomes one run.
  static constexpr std::chrono::milliseconds QUIET_TIME{1000};
  static constexpr std::chrono::milliseconds GATHER_LIMIT{5000};
  // Jobs queued by other processes (`deployhook deploy`, a second worker) are seen this often.
  static constexpr std::chrono::milliseconds POLL{1000};
  // On stop, a running step may finish for this long before it is killed.
  static constexpr std::chrono::seconds STOP_GRACE{30};
  // A run whose record cannot be written (disk full, read-only) is recorded again after these
  // doubling delays; its jobs stay queued and the target runs nothing else meanwhile.
  static constexpr std::chrono::seconds RECORD_RETRY_FIRST{5};
  static constexpr std::chrono::minutes RECORD_RETRY_MAX{10};

  Runner(const Config& config, JobQueue& queue, DeliveryMemory& memory, const Logger& log);
  ~Runner();

  void Start();
  // Wakes the target threads to look at the queue now.
  void Wake() noexcept;
  // Lets a running step finish (up to STOP_GRACE), records nothing unfinished, keeps the queue.
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

  void Loop(const Target& target);
  bool WaitForWork(std::chrono::milliseconds timeout);
  bool SleepUnlessStopping(std::chrono::milliseconds duration);
  // Runs the queued jobs, if any; returns the finished run to record, or nothing.
  std::optional<Finished> RunOnce(const Target& target);
  // Records the run in the history (once) and removes its jobs. Throws StorageError.
  void Record(Finished& finished);

  const Config& config_;
  JobQueue& queue_;
  DeliveryMemory& memory_;
  const Logger& log_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t wakes_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abort_{false};
};

}  // namespace deployhook
