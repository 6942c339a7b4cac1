// The runner's own logic, with a scripted executor, a fake clock and real queue, history and
// lock files in a temporary state directory: bursts, lock contention, pauses, rollbacks, record
// retries and stops. The deployment's steps themselves are test_deployment's.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "deploy/runner.hpp"
#include "state/file_lock.hpp"
#include "state/history.hpp"
#include "state/pause.hpp"
#include "fake_clock.hpp"
#include "scripted_executor.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;
using testing::ScriptedExecutor;
namespace fs = std::filesystem;

// Each pause of its own length, so that a test tells them apart on the fake clock.
const RunnerTiming TIMING{.quiet_time = milliseconds(1000),
                          .gather_limit = milliseconds(5000),
                          .poll = milliseconds(30000),
                          .lock_retry = milliseconds(700),
                          .stop_grace = milliseconds(30000)};
const milliseconds FIRST_RETRY = Runner::RECORD_RETRY_FIRST;

// Returns true once `condition` holds; false when it did not within a few seconds.
template <typename Condition>
bool Eventually(Condition condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

// Keeps what the runner tells of its runs.
class RecordingObserver final : public RunObserver {
 public:
  void OnStarted(const RunRecord& run) noexcept override {
    std::lock_guard lock(mutex_);
    started_.push_back(run);
  }
  void OnFinished(const RunRecord& run) noexcept override {
    std::lock_guard lock(mutex_);
    finished_.push_back(run);
  }
  std::vector<RunRecord> Started() const {
    std::lock_guard lock(mutex_);
    return started_;
  }
  std::vector<RunRecord> Finished() const {
    std::lock_guard lock(mutex_);
    return finished_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<RunRecord> started_;
  std::vector<RunRecord> finished_;
};

// Hands every run the one ScriptedExecutor a test keeps; a test may answer a step itself first.
class SharedExecutor final : public StepExecutor {
 public:
  using Step = std::function<std::optional<ProcessResult>(const ProcessSpec&)>;
  SharedExecutor(ScriptedExecutor& script, const Step& step) : script_(script), step_(step) {}

  ProcessResult Run(const ProcessSpec& spec) override {
    if (step_) {
      if (std::optional<ProcessResult> answer = step_(spec)) return *answer;
    }
    return script_.Run(spec);
  }
  bool Pause(milliseconds duration) override { return script_.Pause(duration); }
  std::chrono::steady_clock::time_point Now() override { return script_.Now(); }
  HttpResult Get(const std::string& url) override { return script_.Get(url); }

 private:
  ScriptedExecutor& script_;
  const Step& step_;
};

// A runner of target "web" over a temporary state directory.
struct RunnerBench {
  testing::TempDir state;
  Config config;
  JobQueue queue{state.Path()};
  DeliveryMemory memory{state.Path()};
  testing::LogCapture log;
  ScriptedExecutor executor;
  SharedExecutor::Step step;  // set before Start
  FakeClock clock;
  RecordingObserver observer;
  std::mutex setups_mutex;
  std::vector<ExecutorSetup> setups;  // what each executor was handed
  RunnerTiming timing = TIMING;       // set before Start
  std::unique_ptr<Runner> runner;

  RunnerBench() {
    config.state_dir = state.Path();
    config.targets = {testing::MakeTarget("web", "octo/app", "main")};
    fs::create_directories(state / "locks");
  }
  ~RunnerBench() { Stop(); }

  void Start() {
    auto executors = [this](ExecutorSetup setup) -> std::unique_ptr<StepExecutor> {
      std::lock_guard lock(setups_mutex);
      setups.push_back(setup);
      return std::make_unique<SharedExecutor>(executor, step);
    };
    runner = std::make_unique<Runner>(config, queue, memory, log.logger(), timing, &observer,
                                      executors, clock);
    queue.OnEnqueue([this] { runner->Wake(); });
    runner->Start();
  }
  void Stop() {
    if (runner) runner->Stop();
  }

  static Job Push(const std::string& id, const std::string& commit) {
    return Job{.id = id, .target = "web", .delivery = "delivery-" + id, .repository = "octo/app",
               .ref = "refs/heads/main", .after = commit, .body_sha256 = "body-" + id,
               .queued_at = "2026-11-26T21:05:01.000Z", .snapshot = std::nullopt, .restores = "",
               .restore = {}};
  }
  static Job Rollback(const std::string& id) {
    Job job = Push(id, "");
    job.restores = "20261126T210000000Z-0badcafe";
    job.restore = {{.image_id = "sha256:0ld", .reference = "registry.local/app:latest", .service = "app"}};
    return job;
  }

  std::size_t Queued() const { return queue.Count("web"); }
  // Queues a push and waits until its run is recorded and its job removed (the target idle
  // again); false when that did not happen within a few seconds.
  bool RunOne(const std::string& id) {
    std::size_t before = observer.Finished().size();
    queue.Enqueue({Push(id, "c-" + id)});
    return AwaitRecorded(before + 1) && Eventually([&] { return Queued() == 0u; });
  }
  std::vector<RunRecord> History() const { return ReadHistory(state.Path(), 100); }
  bool AwaitRecorded(std::size_t runs) {
    return Eventually([&] { return observer.Finished().size() >= runs; });
  }
  std::size_t LinesWith(std::string_view text) const {
    std::vector<std::string> lines = log.lines();
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.find(text) != std::string::npos;
    }));
  }
};

using Deliveries = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(runner_runs)

BOOST_FIXTURE_TEST_CASE(a_lone_job_runs_without_waiting_for_a_quiet_time, RunnerBench) {
  queue.Enqueue({Push("job-1", "c1")});
  Start();
  BOOST_TEST_REQUIRE(AwaitRecorded(1));
  Stop();
  BOOST_TEST(clock.Pauses(TIMING.quiet_time) == 0u);
  BOOST_TEST(History().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_job_queued_while_the_runner_sleeps_starts_without_waiting_for_a_poll,
                        RunnerBench) {
  // Far beyond Eventually's deadline: a run that waited for the fallback look fails the test.
  timing.poll = std::chrono::hours(1);
  Start();
  BOOST_TEST_REQUIRE(RunOne("job-1"));
  // The runner has gone back to waiting: its target's session ended with nothing queued.
  BOOST_TEST_REQUIRE(RunOne("job-2"));
  // Written by another process (`deployhook deploy`, another worker): no in-process nudge.
  JobQueue elsewhere{state.Path()};
  elsewhere.Enqueue({Push("job-3", "c3")});
  BOOST_TEST_REQUIRE(AwaitRecorded(3));
  Stop();
  BOOST_TEST(clock.Pauses(TIMING.quiet_time) == 0u);
  BOOST_TEST(History().size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(gathers_jobs_that_arrive_during_the_quiet_time_into_one_run, RunnerBench) {
  int quiet_pauses = 0;
  clock.OnSleep([&](milliseconds duration) {
    // Two more pushes, each within the quiet time after the one before; then quiet.
    if (duration == TIMING.quiet_time && ++quiet_pauses <= 2) {
      queue.Enqueue({Push("job-" + std::to_string(quiet_pauses + 2), "c" + std::to_string(quiet_pauses + 2))});
    }
  });
  // Two waiting: a burst (or what queued during a run), gathered before it runs.
  queue.Enqueue({Push("job-1", "c1")});
  queue.Enqueue({Push("job-2", "c2")});
  Start();
  BOOST_TEST_REQUIRE(AwaitRecorded(1));
  Stop();
  std::vector<RunRecord> runs = History();
  BOOST_TEST_REQUIRE(runs.size() == 1u);
  BOOST_TEST(runs[0].deliveries ==
             (Deliveries{"delivery-job-1", "delivery-job-2", "delivery-job-3", "delivery-job-4"}));
  BOOST_TEST(runs[0].after == "c4");
  BOOST_TEST(clock.Pauses(TIMING.quiet_time) == 3u);  // the third found no newcomer
  BOOST_TEST(Queued() == 0u);
}

BOOST_FIXTURE_TEST_CASE(stops_gathering_a_burst_at_the_gather_limit, RunnerBench) {
  int quiet_pauses = 0;
  clock.OnSleep([&](milliseconds duration) {
    // A push within every quiet time: without the limit, the burst would never end.
    if (duration == TIMING.quiet_time && ++quiet_pauses <= 20) {
      queue.Enqueue({Push("job-" + std::to_string(100 + quiet_pauses), "c")});
    }
  });
  queue.Enqueue({Push("job-099", "c")});
  queue.Enqueue({Push("job-100", "c")});
  Start();
  BOOST_TEST_REQUIRE(AwaitRecorded(1));
  Stop();
  std::vector<RunRecord> runs = History();
  BOOST_TEST_REQUIRE(!runs.empty());
  // gather_limit / quiet_time pauses, each bringing one more job.
  BOOST_TEST(runs[0].deliveries.size() == 7u);
  BOOST_TEST(quiet_pauses == 5);
}

BOOST_FIXTURE_TEST_CASE(runs_nothing_while_another_process_holds_the_lock, RunnerBench) {
  std::optional<FileLock> other = FileLock::TryLock(state / "locks" / "web.lock");
  BOOST_TEST_REQUIRE(other.has_value());
  queue.Enqueue({Push("job-1", "c1")});
  Start();
  BOOST_TEST_REQUIRE(Eventually([&] { return clock.Pauses(TIMING.lock_retry) >= 3; }));
  BOOST_TEST(observer.Started().empty());
  BOOST_TEST(Queued() == 1u);
  BOOST_TEST(History().empty());
  BOOST_TEST(LinesWith("locked by another process") == 1u);  // said once, not at every retry
  other.reset();  // the other process's run ends
  BOOST_TEST_REQUIRE(AwaitRecorded(1));
  Stop();
  BOOST_TEST(History().size() == 1u);
  BOOST_TEST(Queued() == 0u);
}

BOOST_FIXTURE_TEST_CASE(every_step_keeps_the_targets_lock_and_the_compose_probe_does_not, RunnerBench) {
  std::vector<bool> held;
  step = [&](const ProcessSpec&) -> std::optional<ProcessResult> {
    held.push_back(FileLock::IsHeld(state / "locks" / "web.lock"));
    return std::nullopt;
  };
  queue.Enqueue({Push("job-1", "c1")});
  Start();
  BOOST_TEST_REQUIRE(AwaitRecorded(1));
  Stop();
  BOOST_TEST(!held.empty());
  BOOST_TEST(std::all_of(held.begin(), held.end(), [](bool h) { return h; }));
  BOOST_TEST_REQUIRE(setups.size() == 2u);  // the run's steps, and the probe
  BOOST_TEST(setups[0].lock_fd >= 0);
  BOOST_TEST((setups[0].abort != nullptr));
  BOOST_TEST(setups[1].lock_fd == -1);
  BOOST_TEST((setups[1].abort == nullptr));
  BOOST_TEST(executor.First({"docker", "compose", "version"}) == 0u);
}

BOOST_FIXTURE_TEST_CASE(probes_the_compose_command_once_until_a_reload, RunnerBench) {
  executor.Answer({"docker", "compose", "version"}, {testing::Exit(0, "Docker Compose version v2.26.1\n")});
  Start();
  BOOST_TEST_REQUIRE(RunOne("job-1"));
  BOOST_TEST_REQUIRE(RunOne("job-2"));
  BOOST_TEST(executor.Count({"docker", "compose", "version"}) == 1u);
  runner->Reconfigure(std::make_shared<const Config>(config));
  BOOST_TEST_REQUIRE(RunOne("job-3"));
  Stop();
  BOOST_TEST(executor.Count({"docker", "compose", "version"}) == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_paused_target_runs_nothing_and_keeps_its_jobs_until_resumed, RunnerBench) {
  WritePause(state.Path(), "web", Pause{.user = "ops", .reason = "maintenance", .since = "2026-11-26T21:00:00.000Z"});
  queue.Enqueue({Push("job-1", "c1")});
  queue.Enqueue({Push("job-2", "c2")});
  Start();
  BOOST_TEST_REQUIRE(Eventually([&] { return log.Contains("paused: deployments wait for resume"); }));
  BOOST_TEST(log.Contains("queued=2"));
  BOOST_TEST(observer.Started().empty());
  BOOST_TEST(Queued() == 2u);
  BOOST_TEST(History().empty());

  BOOST_TEST(ClearPause(state.Path(), "web"));
  runner->Wake();
  BOOST_TEST_REQUIRE(AwaitRecorded(1));
  Stop();
  std::vector<RunRecord> runs = History();
  BOOST_TEST_REQUIRE(runs.size() == 1u);
  BOOST_TEST(runs[0].deliveries == (Deliveries{"delivery-job-1", "delivery-job-2"}));
  BOOST_TEST(Queued() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_paused_target_still_runs_a_queued_rollback_alone, RunnerBench) {
  WritePause(state.Path(), "web", Pause{.user = "ops", .reason = "", .since = "2026-11-26T21:00:00.000Z"});
  queue.Enqueue({Push("job-1", "c1")});
  queue.Enqueue({Rollback("job-2")});
  Start();
  BOOST_TEST_REQUIRE(AwaitRecorded(1));
  BOOST_TEST_REQUIRE(Eventually([&] { return log.Contains("paused: deployments wait for resume"); }));
  Stop();
  std::vector<RunRecord> runs = History();
  BOOST_TEST_REQUIRE(runs.size() == 1u);
  BOOST_TEST(runs[0].kind == RunKind::Rollback);
  BOOST_TEST(runs[0].deliveries == Deliveries{"delivery-job-2"});
  BOOST_TEST(queue.Pending("web").size() == 1u);
  BOOST_TEST(queue.Pending("web").front().id == "job-1");
}

BOOST_FIXTURE_TEST_CASE(runs_a_rollback_alone_between_the_deployments_around_it, RunnerBench) {
  queue.Enqueue({Push("job-1", "c1")});
  queue.Enqueue({Push("job-2", "c2")});
  queue.Enqueue({Rollback("job-3")});
  queue.Enqueue({Push("job-4", "c4")});
  Start();
  BOOST_TEST_REQUIRE(AwaitRecorded(3));
  Stop();
  BOOST_TEST(History().size() == 3u);
  std::vector<RunRecord> runs = observer.Finished();  // in the order they were recorded
  BOOST_TEST_REQUIRE(runs.size() == 3u);
  BOOST_TEST(runs[0].kind == RunKind::Deploy);
  BOOST_TEST(runs[0].deliveries == (Deliveries{"delivery-job-1", "delivery-job-2"}));
  BOOST_TEST(runs[1].kind == RunKind::Rollback);
  BOOST_TEST(runs[1].restores == "20261126T210000000Z-0badcafe");
  BOOST_TEST(runs[1].deliveries == Deliveries{"delivery-job-3"});
  BOOST_TEST(runs[2].kind == RunKind::Deploy);
  BOOST_TEST(runs[2].deliveries == Deliveries{"delivery-job-4"});
  BOOST_TEST(Queued() == 0u);
}

BOOST_FIXTURE_TEST_CASE(records_a_run_again_after_a_failed_history_write_and_only_then_removes_its_jobs,
                        RunnerBench) {
  // A directory where the history file goes: every append fails.
  fs::create_directories(HistoryPath(state.Path()));
  std::vector<std::size_t> queued_at_retry;
  clock.OnSleep([&](milliseconds duration) {
    if (duration != FIRST_RETRY && duration != 2 * FIRST_RETRY) return;  // not a record retry
    queued_at_retry.push_back(Queued());
    if (queued_at_retry.size() == 2) fs::remove(HistoryPath(state.Path()));  // the disk is back
  });
  queue.Enqueue({Push("job-1", "c1")});
  Start();
  BOOST_TEST_REQUIRE(AwaitRecorded(1));
  Stop();
  BOOST_TEST(queued_at_retry == (std::vector<std::size_t>{1, 1}));  // the job stayed meanwhile
  BOOST_TEST(clock.Pauses(FIRST_RETRY) == 1u);
  BOOST_TEST(clock.Pauses(2 * FIRST_RETRY) == 1u);  // doubling
  std::vector<RunRecord> runs = History();
  BOOST_TEST_REQUIRE(runs.size() == 1u);
  BOOST_TEST(runs[0].id == observer.Finished().front().id);
  BOOST_TEST(observer.Started().size() == 1u);  // recorded again, not deployed again
  BOOST_TEST(LinesWith("cannot record the run") == 2u);
  BOOST_TEST(log.Contains("recorded after all"));
  BOOST_TEST(Queued() == 0u);
}

BOOST_FIXTURE_TEST_CASE(leaves_the_jobs_of_a_run_cut_short_by_a_stop_queued_and_records_nothing,
                        RunnerBench) {
  std::thread stopper;
  std::atomic<bool> stopping{false};
  bool aborted = false;  // the step was told to stop
  step = [&](const ProcessSpec& spec) -> std::optional<ProcessResult> {
    bool pull = std::find(spec.argv.begin(), spec.argv.end(), "pull") != spec.argv.end();
    if (!pull || stopping) return std::nullopt;
    // The worker stops during the run's pull, which is cut off past the grace.
    stopper = std::thread([&] { Stop(); });
    stopping = true;
    const std::atomic<bool>* abort = nullptr;
    {
      std::lock_guard lock(setups_mutex);
      abort = setups.front().abort;
    }
    aborted = Eventually([&] { return abort->load(); });
    return testing::Interrupted();
  };
  queue.Enqueue({Push("job-1", "c1")});
  Start();
  BOOST_TEST_REQUIRE(Eventually([&] { return stopping.load(); }));
  stopper.join();
  BOOST_TEST(aborted);
  BOOST_TEST(observer.Started().size() == 1u);
  BOOST_TEST(observer.Finished().empty());
  BOOST_TEST(History().empty());
  BOOST_TEST(Queued() == 1u);
  BOOST_TEST(log.Contains("interrupted by stop; jobs stay queued"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
