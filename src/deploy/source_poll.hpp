#pragma once
// `poll`: every `poll` seconds, a target with a source asks its server for the branch's tip
// (`git ls-remote`); a tip no delivery announced (no run and no queued job names it) is queued
// as a job whose delivery is "poll", as a push would have been.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "deploy/process_executor.hpp"
#include "state/job.hpp"
#include "state/job_queue.hpp"
#include "util/clock.hpp"
#include "util/log.hpp"
#include "util/stop_flag.hpp"

namespace deployhook {

// Returns the job that deploys `tip` of `target`, or nothing when `tip` is the commit of the
// target's newest run or of a queued job (announced already). Pure.
std::optional<Job> PollJob(const Target& target, const std::string& tip, const std::string& newest_run_commit,
                           const std::vector<Job>& queued, const std::string& id, const std::string& queued_at);

class SourcePoller {
 public:
  using ConfigSource = std::function<std::shared_ptr<const Config>()>;

  // Polls the targets of the config `config` returns at each look (a reload applies at once).
  SourcePoller(ConfigSource config, JobQueue& queue, const Logger& log,
               ExecutorFactory executors = ProcessExecutors(), Clock& clock = SystemClock());
  ~SourcePoller();
  // Starts the thread when a target polls; the first look at each is at once.
  void Start();
  void Stop() noexcept;

 private:
  void Loop();
  // Looks at the target's tip once; logs what it did.
  void Look(const Config& config, const Target& target);

  ConfigSource config_;
  JobQueue& queue_;
  const Logger& log_;
  ExecutorFactory executors_;
  Clock& clock_;
  StopFlag stopping_;
  std::map<std::string, std::chrono::steady_clock::time_point> next_;
  std::thread thread_;
};

}  // namespace deployhook
