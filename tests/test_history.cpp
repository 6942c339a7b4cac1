// state_dir/deployments.jsonl: one run per line, read back newest first.

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "state/durable_file.hpp"
#include "state/history.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

RunRecord MakeRun(std::string id, RunResult result = RunResult::Succeeded) {
  RunRecord run;
  run.id = std::move(id);
  run.target = "web";
  run.deliveries = {"delivery-1", "delivery-2"};
  run.after = "366701fde727cb7a9e7f21eb88264f59f6f9b89c";
  run.queued_at = "2026-11-26T21:05:01.123Z";
  run.started_at = "2026-11-26T21:05:02.000Z";
  run.finished_at = "2026-11-26T21:05:40.500Z";
  run.result = result;
  run.steps = {{"pull", {"docker", "compose", "pull", "app"}, 0, 12.25},
               {"up", {"docker", "compose", "up", "-d", "app"}, 1, 3.5}};
  run.log = "/var/lib/deployhook/logs/" + run.id + ".log";
  return run;
}

std::vector<std::string> Ids(const std::vector<RunRecord>& runs) {
  std::vector<std::string> ids;
  for (const RunRecord& run : runs) ids.push_back(run.id);
  return ids;
}

void AppendLine(const std::filesystem::path& state_dir, std::string_view line) {
  std::ofstream out(HistoryPath(state_dir), std::ios::app);
  out << line << '\n';
}

std::string Bytes(const std::filesystem::path& path) {
  std::string text;
  ReadWholeFile(path, text);
  return text;
}

// Appends `run` in a child process allowed to grow files to `limit` bytes only (with SIGXFSZ
// ignored, the write that crosses it stops short and the next fails with EFBIG, as on a full
// disk). Returns the child's exit code: 0 when the append threw StorageError, 1 when it returned,
// 2 for any other exception.
int AppendWithFileSizeLimit(const std::filesystem::path& state_dir, const RunRecord& run, rlim_t limit) {
  pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit size_limit {limit, limit};
    if (::setrlimit(RLIMIT_FSIZE, &size_limit) != 0) ::_exit(3);
    try {
      AppendHistory(state_dir, run);
      ::_exit(1);
    } catch (const StorageError&) {
      ::_exit(0);
    } catch (...) {
      ::_exit(2);
    }
  }
  int status = 0;
  BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
  BOOST_TEST_REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(history)

BOOST_AUTO_TEST_CASE(serialize_then_parse_round_trips) {
  RunRecord run = MakeRun("20261126T210501123Z-1a2b3c4d", RunResult::RolledBack);
  std::string line = SerializeRun(run);
  BOOST_TEST(line.find('\n') == std::string::npos);
  std::optional<RunRecord> parsed = ParseRun(line);
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->id == run.id);
  BOOST_TEST(parsed->target == run.target);
  BOOST_TEST(parsed->deliveries == run.deliveries);
  BOOST_TEST(parsed->after == run.after);
  BOOST_TEST(parsed->queued_at == run.queued_at);
  BOOST_TEST(parsed->started_at == run.started_at);
  BOOST_TEST(parsed->finished_at == run.finished_at);
  BOOST_TEST(parsed->result == run.result);
  BOOST_TEST(parsed->log == run.log);
  BOOST_TEST_REQUIRE(parsed->steps.size() == 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    BOOST_TEST(parsed->steps[i].name == run.steps[i].name);
    BOOST_TEST(parsed->steps[i].argv == run.steps[i].argv);
    BOOST_TEST(parsed->steps[i].exit_code == run.steps[i].exit_code);
    BOOST_TEST(parsed->steps[i].seconds == run.steps[i].seconds);
  }
}

BOOST_AUTO_TEST_CASE(records_a_blue_green_runs_live_slot_and_no_slot_for_others) {
  RunRecord run = MakeRun("20261126T210501123Z-1a2b3c4d", RunResult::Succeeded);
  BOOST_TEST(SerializeRun(run).find("\"slot\"") == std::string::npos);
  BOOST_TEST(ParseRun(SerializeRun(run))->slot.empty());
  run.slot = "green";
  BOOST_TEST(SerializeRun(run).find(R"("slot":"green")") != std::string::npos);
  BOOST_TEST(ParseRun(SerializeRun(run))->slot == "green");
}

BOOST_AUTO_TEST_CASE(records_the_commit_and_each_services_images) {
  RunRecord run = MakeRun("1");
  run.commit = "b1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
  run.images = {{"app", "registry.local/app:latest", "sha256:0ld", "sha256:new", run.commit,
                 "registry.local/app@sha256:d1"},
                {"db", "postgres:16", "", "", std::nullopt, std::nullopt}};
  std::string line = SerializeRun(run);
  BOOST_TEST(line.find(R"("revision":"b1b2c3d4e5f60718293a4b5c6d7e8f9012345678","digest":"registry.local/app@sha256:d1"})") !=
             std::string::npos, line);
  BOOST_TEST(line.find(R"("commit":"b1b2c3d4e5f60718293a4b5c6d7e8f9012345678")") != std::string::npos);
  BOOST_TEST(line.find(R"({"service":"db","reference":"postgres:16","before":null,"after":null,"revision":null})") !=
             std::string::npos, line);
  std::optional<RunRecord> parsed = ParseRun(line);
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->commit == run.commit);
  BOOST_TEST_REQUIRE(parsed->images.size() == 2u);
  BOOST_TEST(parsed->images[0].service == "app");
  BOOST_TEST(parsed->images[0].reference == "registry.local/app:latest");
  BOOST_TEST(parsed->images[0].before == "sha256:0ld");
  BOOST_TEST(parsed->images[0].after == "sha256:new");
  BOOST_TEST(parsed->images[0].revision.value_or("") == run.commit);
  BOOST_TEST(parsed->images[0].digest.value_or("") == "registry.local/app@sha256:d1");
  BOOST_TEST(parsed->images[1].before.empty());
  BOOST_TEST(!parsed->images[1].revision.has_value());
  BOOST_TEST(!parsed->images[1].digest.has_value());  // no registry: no "digest" key at all
}

BOOST_AUTO_TEST_CASE(reads_lines_written_before_runs_had_commits_and_images) {
  std::string line = SerializeRun(MakeRun("1"));
  line.replace(line.find(",\"images\":[]"), 12, "");
  line.replace(line.find(",\"commit\":\"\""), 12, "");
  BOOST_TEST(line.find("images") == std::string::npos);
  BOOST_TEST(line.find("commit") == std::string::npos);
  std::optional<RunRecord> parsed = ParseRun(line);
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->images.empty());
}

BOOST_AUTO_TEST_CASE(round_trips_a_run_without_steps_or_deliveries) {
  RunRecord run = MakeRun("1", RunResult::Failed);
  run.steps.clear();
  run.deliveries.clear();
  std::optional<RunRecord> parsed = ParseRun(SerializeRun(run));
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->steps.empty());
  BOOST_TEST(parsed->deliveries.empty());
}

BOOST_AUTO_TEST_CASE(rejects_lines_that_are_not_runs) {
  std::string good = SerializeRun(MakeRun("1"));
  const std::string not_runs[] = {
      "",                               // empty
      good.substr(0, good.size() - 1),  // cut off
      "[]",                             // not an object
      R"({"id": "1"})",                 // fields missing
      // deliveries is a string, not an array
      std::string(good).replace(good.find("\"deliveries\":["), 14, "\"deliveries\":\"x\",\"_\":["),
      // a result no build has ever recorded
      std::string(good).replace(good.find("\"succeeded\""), 11, "\"interrupted\""),
      // a kind this build does not know
      std::string(good).replace(good.find("\"deploy\""), 8, "\"redeploy\""),
  };
  for (const std::string& line : not_runs) {
    BOOST_TEST_CONTEXT(line) { BOOST_TEST(!ParseRun(line).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(reads_history_newest_first) {
  testing::TempDir state;
  for (std::string id : {"1", "2", "3"}) AppendHistory(state.Path(), MakeRun(id));
  BOOST_TEST(Ids(ReadHistory(state.Path(), 10)) == (std::vector<std::string>{"3", "2", "1"}));
}

BOOST_AUTO_TEST_CASE(reads_at_most_limit_runs) {
  testing::TempDir state;
  for (std::string id : {"1", "2", "3", "4"}) AppendHistory(state.Path(), MakeRun(id));
  BOOST_TEST(Ids(ReadHistory(state.Path(), 2)) == (std::vector<std::string>{"4", "3"}));
  BOOST_TEST(ReadHistory(state.Path(), 0).empty());
}

BOOST_AUTO_TEST_CASE(skips_unparsable_lines) {
  testing::TempDir state;
  AppendHistory(state.Path(), MakeRun("1"));
  AppendLine(state.Path(), "not json at all");
  AppendLine(state.Path(), R"({"id": "half", "target": "web")");  // a line cut by a crash
  AppendLine(state.Path(), "");
  AppendHistory(state.Path(), MakeRun("2"));
  BOOST_TEST(Ids(ReadHistory(state.Path(), 10)) == (std::vector<std::string>{"2", "1"}));
}

BOOST_AUTO_TEST_CASE(a_line_with_an_unknown_result_is_set_aside_like_a_torn_one) {
  testing::TempDir state;
  std::string good = SerializeRun(MakeRun("1"));
  std::string unknown = std::string(good).replace(good.find("\"succeeded\""), 11, "\"waiting\"");
  AppendLine(state.Path(), unknown);
  AppendHistory(state.Path(), MakeRun("2"));
  BOOST_TEST(Ids(ReadHistory(state.Path(), 10)) == (std::vector<std::string>{"2"}));
  BOOST_TEST(CompactHistory(state.Path(), 10).set_aside == 1u);
  BOOST_TEST(Bytes(UnparsableHistoryPath(state.Path())) == unknown + "\n");
}

BOOST_AUTO_TEST_CASE(a_failed_append_leaves_the_history_byte_for_byte) {
  testing::TempDir state;
  AppendHistory(state.Path(), MakeRun("1"));
  AppendHistory(state.Path(), MakeRun("2"));
  std::string before = Bytes(HistoryPath(state.Path()));
  // Room for 10 more bytes: the record's write is cut short, as on a disk that fills up.
  BOOST_TEST(AppendWithFileSizeLimit(state.Path(), MakeRun("3"), before.size() + 10) == 0);
  BOOST_TEST(Bytes(HistoryPath(state.Path())) == before);
  // A retry once there is room appends a whole line that reads back.
  AppendHistory(state.Path(), MakeRun("3"));
  BOOST_TEST(Ids(ReadHistory(state.Path(), 10)) == (std::vector<std::string>{"3", "2", "1"}));
  BOOST_TEST(HistoryHoldsRun(state.Path(), "3"));
  BOOST_TEST(!HistoryHoldsRun(state.Path(), "4"));
}

BOOST_AUTO_TEST_CASE(a_first_append_that_fails_leaves_an_empty_history) {
  testing::TempDir state;
  BOOST_TEST(AppendWithFileSizeLimit(state.Path(), MakeRun("1"), 10) == 0);
  BOOST_TEST(Bytes(HistoryPath(state.Path())).empty());
}

BOOST_AUTO_TEST_CASE(a_record_never_joins_a_torn_tail) {
  testing::TempDir state;
  AppendHistory(state.Path(), MakeRun("1"));
  std::string torn = SerializeRun(MakeRun("2")).substr(0, 40);  // a line cut by a crash, no newline
  {
    std::ofstream out(HistoryPath(state.Path()), std::ios::app);
    out << torn;
  }
  AppendHistory(state.Path(), MakeRun("3"));
  BOOST_TEST(Ids(ReadHistory(state.Path(), 10)) == (std::vector<std::string>{"3", "1"}));
  BOOST_TEST(Bytes(HistoryPath(state.Path())).find(torn + "\n{") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(splits_the_newest_runs_of_each_target_from_older_runs_and_unreadable_lines) {
  std::string text;
  for (std::string id : {"1", "2", "3", "4"}) text += SerializeRun(MakeRun(id)) + "\n";
  RunRecord api = MakeRun("a1");
  api.target = "api";
  text += SerializeRun(api) + "\nnot a run\n\n";
  HistorySplit split = SplitHistory(text, 2);
  BOOST_TEST_REQUIRE(split.kept.size() == 3u);
  BOOST_TEST(ParseRun(split.kept[0])->id == "3");
  BOOST_TEST(ParseRun(split.kept[1])->id == "4");
  BOOST_TEST(ParseRun(split.kept[2])->id == "a1");
  BOOST_TEST(Ids(split.dropped) == (std::vector<std::string>{"1", "2"}));
  BOOST_TEST_REQUIRE(split.unparsable.size() == 1u);  // the blank line carries nothing
  BOOST_TEST(split.unparsable[0] == "not a run");
}

BOOST_AUTO_TEST_CASE(compaction_drops_old_runs_and_appends_go_on) {
  testing::TempDir state;
  for (std::string id : {"1", "2", "3", "4", "5"}) AppendHistory(state.Path(), MakeRun(id));
  BOOST_TEST(CompactHistory(state.Path(), 3).dropped == 2u);
  BOOST_TEST(CompactHistory(state.Path(), 3).dropped == 0u);
  AppendHistory(state.Path(), MakeRun("6"));
  BOOST_TEST(Ids(ReadHistory(state.Path(), 10)) == (std::vector<std::string>{"6", "5", "4", "3"}));
}

BOOST_AUTO_TEST_CASE(compaction_sets_aside_the_lines_it_cannot_read_and_says_how_many) {
  testing::TempDir state;
  AppendHistory(state.Path(), MakeRun("1"));
  AppendLine(state.Path(), "not json at all");
  AppendHistory(state.Path(), MakeRun("2"));
  AppendLine(state.Path(), R"({"id": "half", "target": "web")");  // a line cut by a crash
  AppendHistory(state.Path(), MakeRun("3"));
  CompactionReport report = CompactHistory(state.Path(), 5);
  BOOST_TEST(report.dropped == 0u);
  BOOST_TEST(report.set_aside == 2u);
  BOOST_TEST(Bytes(UnparsableHistoryPath(state.Path())) ==
             "not json at all\n{\"id\": \"half\", \"target\": \"web\"\n");
  std::string history = Bytes(HistoryPath(state.Path()));
  BOOST_TEST(history == SerializeRun(MakeRun("1")) + "\n" + SerializeRun(MakeRun("2")) + "\n" +
                            SerializeRun(MakeRun("3")) + "\n");
  // Said once: the next compaction finds nothing more to set aside, and what was set aside stays.
  AppendLine(state.Path(), "more junk");
  report = CompactHistory(state.Path(), 2);
  BOOST_TEST(report.dropped == 1u);
  BOOST_TEST(report.set_aside == 1u);
  BOOST_TEST(Bytes(UnparsableHistoryPath(state.Path())) ==
             "not json at all\n{\"id\": \"half\", \"target\": \"web\"\nmore junk\n");
  report = CompactHistory(state.Path(), 2);
  BOOST_TEST(report.dropped == 0u);
  BOOST_TEST(report.set_aside == 0u);
}

BOOST_AUTO_TEST_CASE(compaction_tallies_the_runs_it_drops) {
  testing::TempDir state;
  for (std::string id : {"1", "2", "3"}) AppendHistory(state.Path(), MakeRun(id, RunResult::Failed));
  for (std::string id : {"4", "5"}) AppendHistory(state.Path(), MakeRun(id));
  RunRecord api = MakeRun("a1");
  api.target = "api";
  AppendHistory(state.Path(), api);
  BOOST_TEST(ReadCompactedTally(state.Path()).empty());
  BOOST_TEST(CompactHistory(state.Path(), 3).dropped == 2u);
  std::map<std::string, RunTally> tally = ReadCompactedTally(state.Path());
  BOOST_TEST(!tally.contains("api"));  // none of its runs was dropped
  BOOST_TEST(tally["web"].results.size() == 1u);
  BOOST_TEST(tally["web"].results["failed"] == 2u);
  BOOST_TEST(tally["web"].duration_count == 2u);
  BOOST_TEST(tally["web"].duration_sum == 2 * 38.5);
  BOOST_TEST(tally["web"].buckets == (std::vector<std::uint64_t>{0, 0, 0, 2, 2, 2, 2, 2, 2, 2}));
  BOOST_TEST(tally["web"].last_success == 0.0);  // failed runs left nothing deployed
  // The next compaction adds to it.
  AppendHistory(state.Path(), MakeRun("6"));
  BOOST_TEST(CompactHistory(state.Path(), 3).dropped == 1u);
  tally = ReadCompactedTally(state.Path());
  BOOST_TEST(tally["web"].results.size() == 1u);
  BOOST_TEST(tally["web"].results["failed"] == 3u);
  BOOST_TEST(tally["web"].duration_count == 3u);
}

BOOST_AUTO_TEST_CASE(an_unreadable_tally_stops_compaction_before_it_loses_counts) {
  testing::TempDir state;
  for (std::string id : {"1", "2", "3"}) AppendHistory(state.Path(), MakeRun(id));
  testing::WriteText(CompactedTallyPath(state.Path()), "{\"targets\": {\"web\": 3}}\n");  // not a tally
  std::string before = Bytes(HistoryPath(state.Path()));
  BOOST_CHECK_THROW(CompactHistory(state.Path(), 1), StorageError);
  BOOST_TEST(Bytes(HistoryPath(state.Path())) == before);
}

BOOST_AUTO_TEST_CASE(compacting_no_history_does_nothing) {
  testing::TempDir state;
  BOOST_TEST(CompactHistory(state.Path(), 3).dropped == 0u);
  BOOST_TEST(!std::filesystem::exists(HistoryPath(state.Path())));
}

BOOST_AUTO_TEST_CASE(says_what_a_run_left_deployed) {
  RunRecord run = MakeRun("1", RunResult::Unchanged);
  BOOST_TEST(LeftDeployed(run));
  BOOST_TEST(RunCommit(run) == run.after);  // a record from before runs named their commit
  BOOST_TEST(RunRevision(run).empty());
  run.commit = std::string(40, 'c');
  run.images = {{"app", "app:1", "sha256:a", "sha256:b", std::nullopt, std::nullopt},
                {"web", "web:1", "sha256:c", "sha256:d", std::string(40, 'd'), std::nullopt}};
  BOOST_TEST(RunCommit(run) == run.commit);
  BOOST_TEST(RunRevision(run) == std::string(40, 'd'));
  for (RunResult result : {RunResult::Stale, RunResult::Failed, RunResult::TimedOut,
                           RunResult::RolledBack, RunResult::RollbackFailed}) {
    run.result = result;
    BOOST_TEST(!LeftDeployed(run), result);
  }
}

BOOST_AUTO_TEST_CASE(a_runs_duration_is_its_wall_time_else_its_steps) {
  RunRecord run = MakeRun("1");
  // Started 21:05:02.000, finished 21:05:40.500: waiting for an image counts, not just steps.
  BOOST_TEST(RunSeconds(run) == 38.5, boost::test_tools::tolerance(1e-9));
  run.finished_at = "not a time";
  BOOST_TEST(RunSeconds(run) == 15.75, boost::test_tools::tolerance(1e-9));  // 12.25 + 3.5
  run.finished_at = "2026-11-26T21:05:01.000Z";  // before it started: not a wall time
  BOOST_TEST(RunSeconds(run) == 15.75, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(reads_no_runs_when_there_is_no_history) {
  testing::TempDir state;
  BOOST_TEST(ReadHistory(state.Path(), 10).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
