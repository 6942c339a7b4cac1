// The jobs of one run and its record: opening, joining newer jobs, the snapshot in the job
// files, closing, and removing the jobs once recorded.

#include <boost/test/unit_test.hpp>

#include "deploy/batch.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

const SystemTime STARTED{std::chrono::seconds(1795727101)};  // 2026-11-26T21:05:01Z

Job Push(const std::string& id, const std::string& commit, const std::string& queued_at) {
  return Job{.id = id, .target = "web", .delivery = "delivery-" + id, .repository = "octo/app",
             .ref = "refs/heads/main", .after = commit, .body_sha256 = "", .queued_at = queued_at,
             .snapshot = std::nullopt, .restores = "", .restore = {}};
}

const ContainerImage OLD{.image_id = "sha256:0ld", .reference = "registry.local/app:latest", .service = "app"};

struct BatchBench {
  testing::TempDir state;
  JobQueue queue{state.Path()};
  std::vector<Job> first{Push("job-1", "c1", "2026-11-26T21:00:00.000Z"),
                         Push("job-2", "c2", "2026-11-26T21:00:01.000Z")};

  BatchBench() { queue.Enqueue(first); }
};

using Deliveries = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(batch)

BOOST_FIXTURE_TEST_CASE(opens_the_record_of_a_deployment_of_its_jobs, BatchBench) {
  Batch batch(queue, state.Path(), first, STARTED);
  const RunRecord& run = batch.Record();
  BOOST_TEST(run.target == "web");
  BOOST_TEST(run.kind == RunKind::Deploy);
  BOOST_TEST(run.restores.empty());
  BOOST_TEST(run.deliveries == (Deliveries{"delivery-job-1", "delivery-job-2"}));
  BOOST_TEST(run.after == "c2");
  BOOST_TEST(run.queued_at == "2026-11-26T21:00:00.000Z");
  BOOST_TEST(run.started_at == "2026-11-26T21:05:01.000Z");
  BOOST_TEST(run.id.starts_with("20261126T210501000Z-"));
  BOOST_TEST(run.log == (state / "logs" / (run.id + ".log")).string());
  BOOST_TEST(run.finished_at.empty());  // no end yet: the result is told at Close
  BOOST_TEST(!batch.Restore().has_value());
}

BOOST_FIXTURE_TEST_CASE(opens_a_rollback_with_what_it_restores, BatchBench) {
  Job rollback = Push("job-3", "", "2026-11-26T21:00:02.000Z");
  rollback.restores = "20261126T200000000Z-0badcafe";
  rollback.restore = {OLD};
  Batch batch(queue, state.Path(), {rollback}, STARTED);
  BOOST_TEST(batch.Record().kind == RunKind::Rollback);
  BOOST_TEST(batch.Record().restores == "20261126T200000000Z-0badcafe");
  BOOST_TEST_REQUIRE(batch.Restore().has_value());
  BOOST_TEST(batch.Restore()->front().image_id == "sha256:0ld");
}

BOOST_FIXTURE_TEST_CASE(takes_newer_jobs_and_returns_the_commit_they_name, BatchBench) {
  Batch batch(queue, state.Path(), first, STARTED);
  std::vector<Job> pending = first;
  pending.push_back(Push("job-3", "c3", "2026-11-26T21:00:02.000Z"));
  BOOST_TEST(batch.Join(pending).value_or("") == "c3");
  BOOST_TEST(batch.Jobs().size() == 3u);
  BOOST_TEST(batch.Record().after == "c3");
  BOOST_TEST(batch.Record().deliveries.size() == 3u);
  BOOST_TEST(batch.Coalesced().after == "c3");
}

BOOST_FIXTURE_TEST_CASE(joins_nothing_when_no_job_was_added, BatchBench) {
  Batch batch(queue, state.Path(), first, STARTED);
  BOOST_TEST(!batch.Join(first).has_value());
  BOOST_TEST(!batch.Join({first.front()}).has_value());  // another worker took one: kept as is
  BOOST_TEST(batch.Jobs().size() == 2u);
  BOOST_TEST(batch.Record().after == "c2");
}

BOOST_FIXTURE_TEST_CASE(writes_the_snapshot_into_every_job_file, BatchBench) {
  Batch batch(queue, state.Path(), first, STARTED);
  batch.SaveSnapshot({OLD});
  std::vector<Job> queued = queue.Pending("web");
  BOOST_TEST_REQUIRE(queued.size() == 2u);
  for (const Job& job : queued) {
    BOOST_TEST_REQUIRE(job.snapshot.has_value());
    BOOST_TEST(job.snapshot->front().image_id == "sha256:0ld");
  }
  // A rerun of these jobs goes back to the snapshot.
  BOOST_TEST(Batch(queue, state.Path(), queued, STARTED).Coalesced().snapshot.has_value());
}

BOOST_FIXTURE_TEST_CASE(closes_the_record_with_the_outcome, BatchBench) {
  Batch batch(queue, state.Path(), first, STARTED);
  DeploymentOutcome outcome;
  outcome.result = RunResult::Succeeded;
  outcome.commit = "c2";
  outcome.steps.push_back(StepRecord{});
  batch.Close(std::move(outcome), STARTED + std::chrono::seconds(12));
  BOOST_TEST(batch.Record().result == RunResult::Succeeded);
  BOOST_TEST(batch.Record().commit == "c2");
  BOOST_TEST(batch.Record().steps.size() == 1u);
  BOOST_TEST(batch.Record().finished_at == "2026-11-26T21:05:13.000Z");
}

BOOST_FIXTURE_TEST_CASE(removes_its_jobs_from_the_queue, BatchBench) {
  queue.Enqueue({Push("job-9", "c9", "2026-11-26T21:00:09.000Z")});  // not in the batch
  Batch batch(queue, state.Path(), first, STARTED);
  batch.RemoveJobs();
  BOOST_TEST(batch.Jobs().empty());
  std::vector<Job> queued = queue.Pending("web");
  BOOST_TEST_REQUIRE(queued.size() == 1u);
  BOOST_TEST(queued.front().id == "job-9");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
