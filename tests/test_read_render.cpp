// The read side's pages rendered from plain values: metrics, status JSON, page, badge; and the
// history index that feeds them.

#include <boost/test/unit_test.hpp>

#include <simdjson.h>

#include <fstream>

#include "read/badge.hpp"
#include "util/clock.hpp"
#include "read/history_index.hpp"
#include "util/html_escape.hpp"
#include "read/metrics.hpp"
#include "read/page.hpp"
#include "read/status_view.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

const std::string HOSTILE = "<script>alert(1)</script>\"'&\x1b[31m";

RunRecord MakeRun(std::string id, std::string target, RunResult result, std::string commit = std::string(40, 'c')) {
  RunRecord run;
  run.id = std::move(id);
  run.target = std::move(target);
  run.result = result;
  run.commit = std::move(commit);
  run.started_at = "2026-11-28T08:00:00.000Z";
  run.finished_at = "2026-11-28T08:00:42.500Z";
  run.log = "/var/lib/deployhook/logs/" + run.id + ".log";
  run.images = {{"app", "registry/app:latest", "sha256:a", "sha256:b", std::string(40, 'c'), std::nullopt}};
  return run;
}

TargetView View(std::string name, std::vector<RunRecord> runs) {
  TargetView view;
  view.name = std::move(name);
  view.activity = Activity::Idle;
  view.history.buckets.assign(DURATION_BUCKETS.size() + 1, 0);
  for (RunRecord& run : runs) view.history.recent.push_back(std::move(run));
  return view;
}

void Append(const std::filesystem::path& state, const RunRecord& run) { AppendHistory(state, run); }

}  // namespace

BOOST_AUTO_TEST_SUITE(read_render)

BOOST_AUTO_TEST_CASE(parses_the_times_history_writes) {
  SystemTime now = std::chrono::system_clock::now();
  std::string text = FormatRfc3339(now);
  std::optional<SystemTime> parsed = ParseRfc3339(text);
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(FormatRfc3339(*parsed) == text);
  BOOST_TEST(ParseRfc3339("2026-11-28T08:00:00Z").has_value());
  for (std::string_view bad : {"", "2026-11-28", "2026-11-28T08:00:00", "2026-11-28T08:00:00.1Z", "x026-11-28T08:00:00Z"}) {
    BOOST_TEST(!ParseRfc3339(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(the_index_reads_only_what_was_appended) {
  testing::TempDir state;
  HistoryIndex index(state.Path());
  BOOST_TEST(index.Refresh().empty());
  Append(state.Path(), MakeRun("1", "web", RunResult::Succeeded));
  Append(state.Path(), MakeRun("2", "web", RunResult::Failed));
  auto targets = index.Refresh();
  BOOST_TEST(targets["web"].results["succeeded"] == 1u);
  BOOST_TEST(targets["web"].results["failed"] == 1u);
  BOOST_TEST(targets["web"].duration_count == 2u);
  BOOST_TEST(targets["web"].duration_sum == 85.0);
  BOOST_TEST(targets["web"].last_success > 0);
  // A line half written is read once it is whole.
  std::string line = SerializeRun(MakeRun("3", "web", RunResult::Succeeded));
  {
    std::ofstream out(HistoryPath(state.Path()), std::ios::app);
    out << line.substr(0, 20);
  }
  BOOST_TEST(index.Refresh()["web"].duration_count == 2u);
  {
    std::ofstream out(HistoryPath(state.Path()), std::ios::app);
    out << line.substr(20) << "\n";
  }
  targets = index.Refresh();
  BOOST_TEST(targets["web"].results["succeeded"] == 2u);
  BOOST_TEST(targets["web"].recent.back().id == "3");
}

BOOST_AUTO_TEST_CASE(the_index_starts_again_when_the_history_is_replaced) {
  testing::TempDir state;
  HistoryIndex index(state.Path());
  Append(state.Path(), MakeRun("1", "web", RunResult::Succeeded));
  Append(state.Path(), MakeRun("2", "web", RunResult::Succeeded));
  BOOST_TEST(index.Refresh()["web"].duration_count == 2u);
  std::filesystem::remove(HistoryPath(state.Path()));
  Append(state.Path(), MakeRun("3", "api", RunResult::Failed));
  auto targets = index.Refresh();
  BOOST_TEST(!targets.contains("web"));
  BOOST_TEST(targets["api"].results["failed"] == 1u);
}

BOOST_AUTO_TEST_CASE(an_unreadable_history_is_an_empty_index_not_an_error) {
  testing::TempDir state;
  std::filesystem::create_directories(HistoryPath(state.Path()));  // a directory, not a file
  HistoryIndex index(state.Path());
  BOOST_TEST(index.Refresh().empty());
}

BOOST_AUTO_TEST_CASE(the_index_keeps_the_recent_runs_bounded) {
  testing::TempDir state;
  HistoryIndex index(state.Path());
  for (int i = 0; i < 40; ++i) Append(state.Path(), MakeRun(std::to_string(100 + i), "web", RunResult::Succeeded));
  auto targets = index.Refresh();
  BOOST_TEST(targets["web"].recent.size() == HistoryIndex::RECENT);
  BOOST_TEST(targets["web"].recent.front().id == "110");
  BOOST_TEST(targets["web"].results["succeeded"] == 40u);
}

namespace {

// The counted part of a target's history, as the metrics show it.
struct Counted {
  std::map<std::string, std::uint64_t> results;
  std::vector<std::uint64_t> buckets;
  double sum = 0;
  std::uint64_t count = 0;
};

Counted CountedOf(HistoryIndex& index, const std::string& target) {
  TargetHistory history = index.Refresh()[target];
  return {history.results, history.buckets, history.duration_sum, history.duration_count};
}

// Checks that nothing in `now` is below `before`.
void CheckNotBelow(const Counted& now, const Counted& before) {
  for (const auto& [result, count] : before.results) {
    BOOST_TEST(now.results.contains(result), result);
    if (now.results.contains(result)) BOOST_TEST(now.results.at(result) >= count, result);
  }
  BOOST_TEST_REQUIRE(now.buckets.size() >= before.buckets.size());
  for (std::size_t i = 0; i < before.buckets.size(); ++i) BOOST_TEST(now.buckets[i] >= before.buckets[i], i);
  BOOST_TEST(now.sum >= before.sum);
  BOOST_TEST(now.count >= before.count);
}

}  // namespace

BOOST_AUTO_TEST_CASE(counters_never_fall_when_compaction_removes_runs) {
  testing::TempDir state;
  HistoryIndex index(state.Path());
  std::vector<RunResult> results = {RunResult::Succeeded, RunResult::Failed, RunResult::Succeeded,
                                    RunResult::RolledBack, RunResult::Unchanged};
  for (std::size_t i = 0; i < results.size(); ++i) Append(state.Path(), MakeRun(std::to_string(i), "web", results[i]));
  Counted before = CountedOf(index, "web");
  BOOST_TEST(before.count == 5u);
  BOOST_TEST_REQUIRE(CompactHistory(state.Path(), 1).dropped == 4u);
  Counted after = CountedOf(index, "web");
  CheckNotBelow(after, before);
  BOOST_TEST(after.count == 5u);  // not just "not below": the same runs, counted once
  BOOST_TEST(after.sum == before.sum);
  BOOST_TEST((after.results == before.results));
  BOOST_TEST(index.Refresh()["web"].recent.size() == 1u);  // what the page lists is what is kept
  // Runs go on being counted, compaction after each one as the runner does it.
  for (int i = 0; i < 12; ++i) {
    Append(state.Path(), MakeRun("n" + std::to_string(i), "web", i % 3 == 0 ? RunResult::Failed : RunResult::Succeeded));
    CompactHistory(state.Path(), 2);
    Counted now = CountedOf(index, "web");
    CheckNotBelow(now, after);
    BOOST_TEST(now.count == after.count + 1);
    after = now;
  }
  // A worker that starts again (a new index) reads the same counts.
  HistoryIndex restarted(state.Path());
  Counted again = CountedOf(restarted, "web");
  BOOST_TEST(again.count == 17u);
  BOOST_TEST((again.results == after.results));
  BOOST_TEST(again.buckets == after.buckets);
  BOOST_TEST(again.sum == after.sum);
}

BOOST_AUTO_TEST_CASE(metrics_count_the_runs_compaction_removed) {
  testing::TempDir state;
  HistoryIndex index(state.Path());
  for (int i = 0; i < 4; ++i) Append(state.Path(), MakeRun(std::to_string(i), "web", RunResult::Succeeded));
  CompactHistory(state.Path(), 1);
  TargetView web = View("web", {});
  web.history = index.Refresh()["web"];
  std::string text = RenderMetrics(RequestCounters(), {web}, "1.0.0");
  BOOST_TEST(text.find("deployhook_deployments_total{target=\"web\",result=\"succeeded\"} 4\n") != std::string::npos, text);
  BOOST_TEST(text.find("deployhook_deployment_duration_seconds_count{target=\"web\"} 4\n") != std::string::npos, text);
  BOOST_TEST(text.find("deployhook_deployment_duration_seconds_bucket{target=\"web\",le=\"+Inf\"} 4\n") != std::string::npos, text);
  BOOST_TEST(text.find("deployhook_last_success_timestamp_seconds{target=\"web\"}") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(metrics_name_every_series_with_help_and_type) {
  RequestCounters counters;
  counters.Count(Outcome::Queued);
  counters.Count(Outcome::Queued);
  counters.Count(Outcome::InvalidSignature);
  TargetView web = View("web", {MakeRun("1", "web", RunResult::Succeeded)});
  web.history.results["succeeded"] = 3;
  web.history.results["rolled_back"] = 1;
  web.history.buckets = {0, 0, 0, 3, 4, 4, 4, 4, 4, 4};
  web.history.duration_sum = 170;
  web.history.duration_count = 4;
  web.history.last_success = 1764316842.5;
  web.queued = 2;
  std::string text = RenderMetrics(counters, {web}, "0.2.0");
  for (std::string_view line :
       {"# TYPE deployhook_requests_total counter", "deployhook_requests_total{decision=\"queued\"} 2",
        "deployhook_requests_total{decision=\"invalid_signature\"} 1", "deployhook_requests_total{decision=\"pong\"} 0",
        "deployhook_deployments_total{target=\"web\",result=\"succeeded\"} 3",
        "deployhook_deployments_total{target=\"web\",result=\"rolled_back\"} 1",
        "# TYPE deployhook_deployment_duration_seconds histogram",
        "deployhook_deployment_duration_seconds_bucket{target=\"web\",le=\"60\"} 3",
        "deployhook_deployment_duration_seconds_bucket{target=\"web\",le=\"+Inf\"} 4",
        "deployhook_deployment_duration_seconds_sum{target=\"web\"} 170",
        "deployhook_deployment_duration_seconds_count{target=\"web\"} 4",
        "deployhook_last_success_timestamp_seconds{target=\"web\"} 1764316842.5",
        "deployhook_queued_jobs{target=\"web\"} 2", "deployhook_build_info{version=\"0.2.0\"} 1"}) {
    BOOST_TEST(text.find(std::string(line) + "\n") != std::string::npos, line);
  }
}

BOOST_AUTO_TEST_CASE(status_json_is_json_with_the_deployed_commit) {
  TargetView web = View("web", {MakeRun("1", "web", RunResult::Succeeded, HOSTILE), MakeRun("2", "web", RunResult::Failed)});
  web.pause = Pause{"alice", "incident", "2026-11-28T08:00:00.000Z"};
  std::string json = RenderStatusJson({web, View("api", {})});
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  BOOST_TEST_REQUIRE(!parser.parse(json).get(root));
  std::string_view commit;
  BOOST_TEST(!root.at_pointer("/targets/0/deployed/commit").get_string().get(commit));
  BOOST_TEST(commit == HOSTILE);
  std::string_view latest;
  BOOST_TEST(!root.at_pointer("/targets/0/runs/0/result").get_string().get(latest));
  BOOST_TEST(latest == "failed");
  BOOST_TEST(root.at_pointer("/targets/1/deployed").is_null());
  std::string_view user;
  BOOST_TEST(!root.at_pointer("/targets/0/paused/user").get_string().get(user));
  BOOST_TEST(user == "alice");
}

BOOST_AUTO_TEST_CASE(metrics_and_status_show_the_rejected_queue_files) {
  TargetView web = View("web", {});
  web.rejected = 2;
  std::string text = RenderMetrics(RequestCounters(), {web, View("api", {})}, "0.2.0");
  BOOST_TEST(text.find("# TYPE deployhook_rejected_jobs_total counter\n") != std::string::npos, text);
  BOOST_TEST(text.find("deployhook_rejected_jobs_total{target=\"web\"} 2\n") != std::string::npos, text);
  BOOST_TEST(text.find("deployhook_rejected_jobs_total{target=\"api\"} 0\n") != std::string::npos, text);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  BOOST_TEST_REQUIRE(!parser.parse(RenderStatusJson({web})).get(root));
  std::int64_t rejected = 0;
  BOOST_TEST(!root.at_pointer("/targets/0/rejected").get_int64().get(rejected));
  BOOST_TEST(rejected == 2);
}

BOOST_AUTO_TEST_CASE(the_page_escapes_every_value_from_a_payload) {
  RunRecord run = MakeRun("1", "web", RunResult::Succeeded, HOSTILE);
  run.finished_at = HOSTILE;
  TargetView web = View("web", {run});
  web.pause = Pause{HOSTILE, HOSTILE, "t"};
  std::string html = RenderPage({web}, "0.2.0");
  BOOST_TEST(html.find("<script>") == std::string::npos);
  BOOST_TEST(html.find('\x1b') == std::string::npos);
  BOOST_TEST(html.find("&lt;script&gt;") != std::string::npos);
  BOOST_TEST(html.find("href=\"runs/1/log\"") != std::string::npos);
  BOOST_TEST(html.find("<svg") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_rollback_row_has_its_results_colour) {
  RunRecord rollback = MakeRun("2", "web", RunResult::Failed);
  rollback.kind = RunKind::Rollback;
  std::string html = RenderPage({View("web", {MakeRun("1", "web", RunResult::Succeeded), rollback})}, "0.2.0");
  std::string row = "background:" + std::string(ResultColour(RunResult::Failed)) + "\">failed (rollback)";
  BOOST_TEST(html.find(row) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_badge_shows_the_result_in_its_colour) {
  std::string svg = RenderBadge(RunResult::RolledBack);
  BOOST_TEST(svg.starts_with("<svg"));
  BOOST_TEST(svg.find(">rolled_back</text>") != std::string::npos);
  BOOST_TEST(svg.find(std::string(ResultColour(RunResult::RolledBack))) != std::string::npos);
  BOOST_TEST(RenderBadge(std::nullopt).find(">none</text>") != std::string::npos);
  BOOST_TEST(RenderBadge(std::nullopt).find(std::string(ResultColour(std::nullopt))) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(html_escape_leaves_nothing_active) {
  BOOST_TEST(EscapeHtml("a<b>&\"'c\x01") == "a&lt;b&gt;&amp;&quot;&#39;c&#xfffd;");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
