// Run logs are kept for each target's newest keep_runs recorded runs.

#include <boost/test/unit_test.hpp>

#include "state/durable_file.hpp"
#include "state/history.hpp"
#include "state/log_retention.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

RunRecord Run(const std::filesystem::path& state_dir, std::string id, std::string target) {
  RunRecord run;
  run.id = std::move(id);
  run.target = std::move(target);
  run.result = RunResult::Succeeded;
  run.log = (state_dir / "logs" / (run.id + ".log")).string();
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(log_retention)

BOOST_AUTO_TEST_CASE(names_the_logs_of_runs_beyond_keep_runs_per_target) {
  std::filesystem::path state = "/var/lib/deployhook";
  // Newest first: web has four runs, api one.
  std::vector<RunRecord> runs = {Run(state, "5", "web"), Run(state, "4", "api"),
                                 Run(state, "3", "web"), Run(state, "2", "web"),
                                 Run(state, "1", "web")};
  std::vector<std::filesystem::path> beyond = LogsBeyondRetention(runs, 2, state / "logs");
  BOOST_TEST(beyond == (std::vector<std::filesystem::path>{state / "logs/2.log",
                                                          state / "logs/1.log"}));
  BOOST_TEST(LogsBeyondRetention(runs, 4, state / "logs").empty());
}

BOOST_AUTO_TEST_CASE(never_names_a_file_outside_the_logs_directory) {
  std::filesystem::path state = "/var/lib/deployhook";
  RunRecord old = Run(state, "1", "web");
  // A history line pointing elsewhere must not make pruning remove that file.
  old.log = "/etc/passwd";
  RunRecord sneaky = Run(state, "0", "web");
  sneaky.log = (state / "logs" / ".." / "deployments.jsonl").string();
  std::vector<RunRecord> runs = {Run(state, "2", "web"), old, sneaky};
  BOOST_TEST(LogsBeyondRetention(runs, 1, state / "logs").empty());
}

BOOST_AUTO_TEST_CASE(removes_old_logs_and_keeps_the_newest) {
  testing::TempDir state;
  for (int i = 1; i <= 5; ++i) {
    RunRecord run = Run(state.Path(), "run-" + std::to_string(i), "web");
    testing::WriteText(run.log, "output\n");
    AppendHistory(state.Path(), run);
  }
  BOOST_TEST(PruneRunLogs(state.Path(), 3) == 2u);
  BOOST_TEST(!std::filesystem::exists(state / "logs/run-1.log"));
  BOOST_TEST(!std::filesystem::exists(state / "logs/run-2.log"));
  for (int i = 3; i <= 5; ++i) {
    BOOST_TEST(std::filesystem::exists(state / ("logs/run-" + std::to_string(i) + ".log")));
  }
  BOOST_TEST(PruneRunLogs(state.Path(), 3) == 0u);
}

BOOST_AUTO_TEST_CASE(removes_a_log_no_run_names_once_it_is_a_week_old) {
  testing::TempDir state;
  RunRecord recorded = Run(state.Path(), "recorded", "web");
  testing::WriteText(recorded.log, "output\n");
  AppendHistory(state.Path(), recorded);
  // Interrupted runs: one long ago, one perhaps still going.
  testing::WriteText(state / "logs/interrupted.log", "output\n");
  testing::WriteText(state / "logs/running.log", "output\n");
  testing::WriteText(state / "logs/notes.txt", "not a run log\n");
  auto now = std::filesystem::file_time_type::clock::now();
  auto old = now - UNRECORDED_LOG_AGE - std::chrono::hours(1);
  for (const char* name : {"recorded.log", "interrupted.log", "notes.txt"}) {
    std::filesystem::last_write_time(state / "logs" / name, old);
  }
  BOOST_TEST(PruneRunLogs(state.Path(), 5, now) == 1u);
  BOOST_TEST(!std::filesystem::exists(state / "logs/interrupted.log"));
  BOOST_TEST(std::filesystem::exists(state / "logs/running.log"));
  BOOST_TEST(std::filesystem::exists(state / "logs/recorded.log"));
  BOOST_TEST(std::filesystem::exists(state / "logs/notes.txt"));
}

BOOST_AUTO_TEST_CASE(prunes_nothing_without_history) {
  testing::TempDir state;
  BOOST_TEST(PruneRunLogs(state.Path(), 1) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
