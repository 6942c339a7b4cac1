// What `docker service ps` prints, and the convergence verdict on the services' state.

#include <boost/test/unit_test.hpp>

#include "deploy/swarm_state.hpp"

namespace deployhook {
namespace {

constexpr std::string_view OLD = "reg.local/app:latest@sha256:0ld";
constexpr std::string_view NEW = "reg.local/app:latest@sha256:new";

SwarmService Service(std::string_view image, std::string state = "", std::string started = "") {
  return {"shop_web", std::string(image), 1u, std::move(state), std::move(started)};
}

std::vector<SwarmTask> Tasks(std::string_view image, std::string state = "Running") {
  return {{"shop_web", std::string(image), std::move(state)}};
}

Convergence Judge(const SwarmService& before, const SwarmService& now,
                  const std::vector<SwarmTask>& tasks) {
  std::string reason;
  return JudgeConvergence({before}, {now}, tasks, reason);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(swarm_state)

BOOST_AUTO_TEST_CASE(parses_task_lines_into_service_and_state_word) {
  auto tasks = ParseTaskLines("shop_web.1|reg/app:1@sha256:a|Running 3 seconds ago\n"
                              "shop_agent.k2x9|reg/agent:1@sha256:b|Preparing 1 second ago\n");
  BOOST_TEST_REQUIRE(tasks.size() == 2u);
  BOOST_TEST(tasks[0].service == "shop_web");
  BOOST_TEST(tasks[0].state == "Running");
  BOOST_TEST(tasks[1].service == "shop_agent");
  BOOST_TEST(tasks[1].state == "Preparing");
}

BOOST_AUTO_TEST_CASE(converges_when_the_update_completed_and_tasks_run_the_new_image) {
  BOOST_TEST((Judge(Service(OLD), Service(NEW, "completed", "t1"), Tasks(NEW)) == Convergence::Converged));
}

BOOST_AUTO_TEST_CASE(waits_while_old_tasks_run_though_no_update_shows_yet) {
  // Right after `service update` Swarm clears UpdateStatus before the updater starts.
  BOOST_TEST((Judge(Service(OLD), Service(NEW), Tasks(OLD)) == Convergence::Updating));
  BOOST_TEST((Judge(Service(OLD), Service(NEW), Tasks(NEW, "Starting")) == Convergence::Updating));
  BOOST_TEST((Judge(Service(OLD), Service(NEW), {}) == Convergence::Updating));
}

BOOST_AUTO_TEST_CASE(waits_while_updating_even_with_tasks_running) {
  BOOST_TEST((Judge(Service(OLD), Service(NEW, "updating", "t1"), Tasks(NEW)) == Convergence::Updating));
  BOOST_TEST((Judge(Service(OLD), Service(OLD, "rollback_started", "t1"), Tasks(OLD)) == Convergence::Updating));
}

BOOST_AUTO_TEST_CASE(reports_a_rollback_and_a_pause) {
  BOOST_TEST((Judge(Service(OLD), Service(OLD, "rollback_completed", "t1"), Tasks(OLD)) == Convergence::RolledBack));
  BOOST_TEST((Judge(Service(OLD), Service(NEW, "paused", "t1"), Tasks(OLD)) == Convergence::Paused));
  BOOST_TEST((Judge(Service(OLD), Service(NEW, "rollback_paused", "t1"), Tasks(OLD)) == Convergence::Paused));
}

BOOST_AUTO_TEST_CASE(ignores_the_update_status_an_earlier_run_left) {
  SwarmService earlier = Service(OLD, "rollback_completed", "t0");
  BOOST_TEST((Judge(earlier, earlier, Tasks(OLD)) == Convergence::Converged));
  // The same status with a new start is this run's.
  BOOST_TEST((Judge(earlier, Service(OLD, "rollback_completed", "t1"), Tasks(OLD)) == Convergence::RolledBack));
}

BOOST_AUTO_TEST_CASE(waits_for_every_replica) {
  SwarmService two = Service(NEW, "completed", "t1");
  two.replicas = 2;
  BOOST_TEST((Judge(Service(OLD), two, Tasks(NEW)) == Convergence::Updating));
  std::vector<SwarmTask> both = Tasks(NEW);
  both.push_back(both.front());
  BOOST_TEST((Judge(Service(OLD), two, both) == Convergence::Converged));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
