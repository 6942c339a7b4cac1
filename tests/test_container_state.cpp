// What docker inspect says of the service containers, and the health gate's verdict.

#include <boost/test/unit_test.hpp>

#include "deploy/container_state.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view STARTED = "2026-11-26T21:05:01.123456789Z";

ContainerState State(std::string status, std::string health, std::string restarts = "0",
                     std::string started_at = std::string(STARTED), std::string id = "c1") {
  return {.id = std::move(id), .service = "app", .project = "shop", .image = "sha256:0ld",
          .reference = "reg.local/app:latest", .status = std::move(status),
          .health = std::move(health), .started_at = std::move(started_at),
          .restarts = std::move(restarts), .exit_code = "0", .restart_policy = "always"};
}

// The same state for a second container.
ContainerState Second(ContainerState state) {
  state.id = "c2";
  state.service = "worker";
  return state;
}

struct Judged {
  GateVerdict verdict;
  std::string reason;
};

Judged Judge(const std::vector<ContainerState>& first, const std::vector<ContainerState>& now,
             milliseconds observed = milliseconds(0)) {
  std::string reason;
  GateVerdict verdict = JudgeHealth(first, now, observed, reason);
  return {verdict, reason};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(container_state)

BOOST_AUTO_TEST_CASE(parses_container_ids) {
  std::string full(64, 'f');
  BOOST_TEST(ParseIdLines("3f4e5d6c7b8a\n0123456789ab\n\n" + full + "\n") ==
             (std::vector<std::string>{"3f4e5d6c7b8a", "0123456789ab", full}));
  BOOST_TEST(ParseIdLines("").empty());
}

BOOST_AUTO_TEST_CASE(skips_lines_that_are_not_container_ids) {
  // compose prints warnings on the same stream as the ids.
  std::vector<std::string> ids = ParseIdLines(
      "WARN[0000] /srv/web/compose.yaml: `version` is obsolete\n"
      "3f4e5d6c7b8a\n"
      "3F4E5D6C7B8A\n"   // not as docker prints ids
      "3f4e5d6c7b8\n"    // too short
      "no such service: app\n");
  BOOST_TEST(ids == std::vector<std::string>{"3f4e5d6c7b8a"});
}

BOOST_AUTO_TEST_CASE(judges_healthy_when_every_healthcheck_passes) {
  std::vector<ContainerState> now = {State("running", "healthy"), Second(State("running", "healthy"))};
  BOOST_TEST(Judge(now, now).verdict == GateVerdict::Healthy);
}

BOOST_AUTO_TEST_CASE(waits_while_a_healthcheck_is_starting) {
  std::vector<ContainerState> now = {State("running", "healthy"), Second(State("running", "starting"))};
  BOOST_TEST(Judge(now, now, milliseconds(60000)).verdict == GateVerdict::Waiting);
}

BOOST_AUTO_TEST_CASE(fails_on_an_unhealthy_container) {
  std::vector<ContainerState> first = {State("running", "starting")};
  Judged judged = Judge(first, {State("running", "unhealthy")});
  BOOST_TEST(judged.verdict == GateVerdict::Failed);
  BOOST_TEST(judged.reason == "the container of app is unhealthy");
}

BOOST_AUTO_TEST_CASE(fails_on_an_exited_or_dead_container) {
  for (std::string status : {"exited", "dead"}) {
    BOOST_TEST_CONTEXT(status) {
      Judged judged = Judge({State("running", "")}, {State(status, "")});
      BOOST_TEST(judged.verdict == GateVerdict::Failed);
      BOOST_TEST(judged.reason.starts_with("the container of app " + status));
    }
  }
}

BOOST_AUTO_TEST_CASE(fails_on_a_restarted_container) {
  // Restarted by its restart policy between two looks: the count or the start time moved.
  Judged by_count = Judge({State("running", "")}, {State("running", "", "1")});
  BOOST_TEST(by_count.verdict == GateVerdict::Failed);
  BOOST_TEST(by_count.reason == "the container of app restarted");
  Judged by_time =
      Judge({State("running", "healthy")}, {State("running", "healthy", "0", "2026-11-26T21:06:00Z")});
  BOOST_TEST(by_time.verdict == GateVerdict::Failed);
}

BOOST_AUTO_TEST_CASE(waits_for_a_container_without_healthcheck_to_settle) {
  std::vector<ContainerState> now = {State("running", "")};
  BOOST_TEST(Judge(now, now, SETTLE_TIME - milliseconds(1)).verdict == GateVerdict::Waiting);
  BOOST_TEST(Judge(now, now, SETTLE_TIME).verdict == GateVerdict::Healthy);
}

BOOST_AUTO_TEST_CASE(waits_for_a_restarting_container_without_healthcheck) {
  std::vector<ContainerState> now = {State("restarting", "")};
  BOOST_TEST(Judge(now, now, SETTLE_TIME * 10).verdict == GateVerdict::Waiting);
}

BOOST_AUTO_TEST_CASE(judges_mixed_containers_by_their_own_rule) {
  std::vector<ContainerState> now = {State("running", "healthy"), Second(State("running", ""))};
  BOOST_TEST(Judge(now, now, milliseconds(0)).verdict == GateVerdict::Waiting);
  BOOST_TEST(Judge(now, now, SETTLE_TIME).verdict == GateVerdict::Healthy);
}

BOOST_AUTO_TEST_CASE(fails_when_no_container_is_there) {
  Judged judged = Judge({}, {});
  BOOST_TEST(judged.verdict == GateVerdict::Failed);
  BOOST_TEST(judged.reason == "no service container");
}

BOOST_AUTO_TEST_CASE(fails_when_the_set_of_containers_changes) {
  Judged judged = Judge({State("running", "healthy")},
                        {State("running", "healthy"), Second(State("running", "healthy"))});
  BOOST_TEST(judged.verdict == GateVerdict::Failed);
  BOOST_TEST(judged.reason == "the set of containers changed");
}

BOOST_AUTO_TEST_CASE(fails_when_a_container_was_replaced_by_another) {
  ContainerState replaced = State("running", "healthy");
  replaced.id = "c9";
  BOOST_TEST(Judge({State("running", "healthy")}, {replaced}).verdict == GateVerdict::Failed);
}

BOOST_AUTO_TEST_CASE(matches_containers_by_id_not_by_position) {
  // docker inspect lists them in another order than the first look did.
  std::vector<ContainerState> first = {State("running", "healthy"), Second(State("running", "starting"))};
  std::vector<ContainerState> now = {Second(State("running", "healthy")), State("running", "healthy")};
  BOOST_TEST(Judge(first, now).verdict == GateVerdict::Healthy);
}

BOOST_AUTO_TEST_CASE(a_one_shot_service_that_exited_zero_is_done) {
  ContainerState migrate = Second(State("exited", ""));
  migrate.restart_policy = "no";
  std::vector<ContainerState> now = {State("running", "healthy"), migrate};
  BOOST_TEST(Judge(now, now).verdict == GateVerdict::Healthy);
  migrate.restart_policy = "";
  now[1] = migrate;
  BOOST_TEST(Judge(now, now).verdict == GateVerdict::Healthy);
}

BOOST_AUTO_TEST_CASE(a_one_shot_service_that_failed_fails_the_gate) {
  ContainerState migrate = Second(State("exited", ""));
  migrate.restart_policy = "no";
  migrate.exit_code = "3";
  Judged judged = Judge({migrate}, {migrate});
  BOOST_TEST(judged.verdict == GateVerdict::Failed);
  BOOST_TEST(judged.reason == "the container of worker exited with code 3");
}

BOOST_AUTO_TEST_CASE(an_exit_zero_with_a_restart_policy_is_not_done) {
  ContainerState stopped = State("exited", "");  // restart: always, yet it stopped
  BOOST_TEST(Judge({stopped}, {stopped}).verdict == GateVerdict::Failed);
}

BOOST_AUTO_TEST_CASE(names_the_project_only_when_every_container_shares_it) {
  ContainerState first = State("running", "healthy");
  ContainerState second = Second(first);
  BOOST_TEST(SharedProject({first, second}) == "shop");
  second.project = "other";
  BOOST_TEST(SharedProject({first, second}) == "");
  BOOST_TEST(SharedProject({}) == "");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
