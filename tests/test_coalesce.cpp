// Many queued jobs of one target become one run.

#include <boost/test/unit_test.hpp>

#include "deploy/coalesce.hpp"

namespace deployhook {
namespace {

Job MakeJob(std::string delivery, std::string after, std::string queued_at) {
  return {.id = "id-" + delivery, .target = "web", .delivery = std::move(delivery),
          .repository = "octo/app", .ref = "refs/heads/main", .after = std::move(after),
          .body_sha256 = "", .queued_at = std::move(queued_at)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(coalesce)

BOOST_AUTO_TEST_CASE(deploys_the_newest_pushed_commit) {
  CoalescedRun run = Coalesce({MakeJob("d1", "aaa", "2026-11-26T21:00:00.000Z"),
                               MakeJob("d2", "bbb", "2026-11-26T21:00:01.000Z"),
                               MakeJob("d3", "ccc", "2026-11-26T21:00:02.000Z")});
  BOOST_TEST(run.after == "ccc");
}

BOOST_AUTO_TEST_CASE(manual_job_does_not_erase_the_pushed_commit) {
  CoalescedRun run = Coalesce({MakeJob("d1", "aaa", "2026-11-26T21:00:00.000Z"),
                               MakeJob("manual", "", "2026-11-26T21:00:01.000Z")});
  BOOST_TEST(run.after == "aaa");
  BOOST_TEST(Coalesce({MakeJob("manual", "", "2026-11-26T21:00:01.000Z")}).after == "");
}

BOOST_AUTO_TEST_CASE(lists_every_delivery_in_queue_order) {
  CoalescedRun run = Coalesce({MakeJob("d1", "aaa", "2026-11-26T21:00:00.000Z"),
                               MakeJob("manual", "", "2026-11-26T21:00:01.000Z"),
                               MakeJob("d3", "ccc", "2026-11-26T21:00:02.000Z")});
  BOOST_TEST(run.deliveries == (std::vector<std::string>{"d1", "manual", "d3"}));
}

BOOST_AUTO_TEST_CASE(reports_the_earliest_queued_at) {
  // Ids order the queue; clocks of two worker processes may disagree a little.
  CoalescedRun run = Coalesce({MakeJob("d1", "aaa", "2026-11-26T21:00:05.000Z"),
                               MakeJob("d2", "bbb", "2026-11-26T21:00:01.000Z"),
                               MakeJob("d3", "ccc", "2026-11-26T21:00:09.000Z")});
  BOOST_TEST(run.queued_at == "2026-11-26T21:00:01.000Z");
}

BOOST_AUTO_TEST_CASE(keeps_the_snapshot_an_interrupted_attempt_stored) {
  Job stored = MakeJob("d1", "aaa", "2026-11-26T21:00:00.000Z");
  stored.snapshot = std::vector<ContainerImage>{
      {.image_id = "sha256:0ld", .reference = "app:latest", .service = "app"}};
  CoalescedRun run = Coalesce({stored, MakeJob("d2", "bbb", "2026-11-26T21:00:01.000Z")});
  BOOST_TEST_REQUIRE(run.snapshot.has_value());
  BOOST_TEST((*run.snapshot)[0].image_id == "sha256:0ld");
  BOOST_TEST(!Coalesce({MakeJob("d2", "bbb", "2026-11-26T21:00:01.000Z")}).snapshot.has_value());
}

Job Rollback(std::string delivery) {
  Job job = MakeJob(std::move(delivery), "", "2026-11-26T21:00:03.000Z");
  job.restores = "run-1";
  job.restore = {{.image_id = "sha256:v1", .reference = "app:latest", .service = "app"}};
  return job;
}

BOOST_AUTO_TEST_CASE(the_next_batch_is_a_rollback_alone_or_the_deployments_before_one) {
  auto deliveries = [](const std::vector<Job>& jobs) {
    std::vector<std::string> names;
    for (const Job& job : jobs) names.push_back(job.delivery);
    return names;
  };
  Job d1 = MakeJob("d1", "aaa", "2026-11-26T21:00:00.000Z");
  Job d2 = MakeJob("d2", "bbb", "2026-11-26T21:00:01.000Z");
  BOOST_TEST(deliveries(NextBatch({d1, d2, Rollback("r1"), MakeJob("d4", "ddd", "t")})) ==
             (std::vector<std::string>{"d1", "d2"}));
  BOOST_TEST(deliveries(NextBatch({Rollback("r1"), Rollback("r2"), d1})) == std::vector<std::string>{"r1"});
  BOOST_TEST(NextBatch({}).empty());
}

BOOST_AUTO_TEST_CASE(while_paused_only_a_rollback_runs) {
  Job d1 = MakeJob("d1", "aaa", "2026-11-26T21:00:00.000Z");
  Job d2 = MakeJob("d2", "bbb", "2026-11-26T21:00:01.000Z");
  BOOST_TEST(NextBatch({d1, d2}, true).empty());
  std::vector<Job> batch = NextBatch({d1, Rollback("r1"), d2, Rollback("r2")}, true);
  BOOST_TEST_REQUIRE(batch.size() == 1u);
  BOOST_TEST(batch[0].delivery == "r1");
}

BOOST_AUTO_TEST_CASE(covers_nothing_for_no_jobs) {
  CoalescedRun run = Coalesce({});
  BOOST_TEST(run.deliveries.empty());
  BOOST_TEST(run.after.empty());
  BOOST_TEST(run.queued_at.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
