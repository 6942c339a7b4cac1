// What a poll queues, and what the history says of a target's past: a tip no run and no queued
// job names is queued once, as delivery "poll".

#include <boost/test/unit_test.hpp>

#include "deploy/run_source.hpp"
#include "deploy/source_poll.hpp"

namespace deployhook {
namespace {

const std::string A = std::string(40, 'a');
const std::string B = std::string(40, 'b');

Target Shop() {
  Target target;
  target.name = "shop";
  target.repository = "acme/shop";
  target.branch = "main";
  return target;
}

RunRecord Run(std::string target, std::string commit, RunResult result, std::string config = "") {
  RunRecord run;
  run.target = std::move(target);
  run.commit = std::move(commit);
  run.result = result;
  run.config = std::move(config);
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(source_poll)

BOOST_AUTO_TEST_CASE(queues_a_tip_nothing_announced) {
  std::optional<Job> job = PollJob(Shop(), B, A, {}, "id1", "2026-12-03T07:00:00.000Z");
  BOOST_REQUIRE(job.has_value());
  BOOST_TEST(job->delivery == "poll");
  BOOST_TEST(job->after == B);
  BOOST_TEST(job->ref == "refs/heads/main");
  BOOST_TEST(job->target == "shop");
  BOOST_TEST(job->repository == "acme/shop");
}

BOOST_AUTO_TEST_CASE(leaves_a_tip_a_run_or_a_queued_job_names) {
  BOOST_TEST(!PollJob(Shop(), A, A, {}, "id", "t").has_value());
  Job queued{.id = "j", .target = "shop", .delivery = "d", .repository = "acme/shop", .ref = "refs/heads/main",
             .after = B, .body_sha256 = "", .queued_at = "t"};
  BOOST_TEST(!PollJob(Shop(), B, A, {queued}, "id", "t").has_value());
}

BOOST_AUTO_TEST_CASE(the_past_names_the_deployed_and_the_newest_run) {
  TargetPast past;
  NotePast(past, Run("shop", A, RunResult::Succeeded, "sha256:1"), "shop");
  NotePast(past, Run("other", B, RunResult::Succeeded, "sha256:2"), "shop");
  NotePast(past, Run("shop", B, RunResult::RolledBack, "sha256:3"), "shop");
  BOOST_TEST(past.deployed_commit == A);
  BOOST_TEST(past.deployed_config == "sha256:1");
  BOOST_TEST(past.newest_commit == B);
  BOOST_TEST((past.commits == std::set<std::string>{A, B}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
