// Blue-green runs through a scripted engine and front door: the new version starts in the idle
// slot, is gated on health and ready_path, and only then named in upstream_file and reloaded;
// a version that is not healthy, not ready or whose release fails never reaches the front door.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>

#include "deploy/deployment.hpp"
#include "deploy/slots.hpp"
#include "engine_json.hpp"
#include "scripted_executor.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::Container;
using testing::Exit;
using testing::ScriptedExecutor;
using testing::Unlabelled;

constexpr std::string_view BLUE_ID = "b1e000000001";
constexpr std::string_view GREEN_ID = "9e0000000002";
const Argv RELOAD = {"sudo", "/usr/sbin/nginx", "-s", "reload"};

std::string_view IdOf(Slot slot) { return slot == Slot::Blue ? BLUE_ID : GREEN_ID; }

// Target "web" (project "web") with slots 127.0.0.1:8081 (blue) and :8082 (green); green serves
// the old image and upstream_file names it, unless a test says otherwise.
struct BlueGreenBench {
  testing::TempDir dir;
  Target target = testing::MakeTarget("web", "octo/app", "main");
  Argv compose = {"docker", "compose"};
  std::map<std::string, std::string> env = {{"PATH", "/usr/bin:/bin"}};
  std::atomic<bool> stopping{false};
  testing::LogCapture log;
  ScriptedExecutor executor;

  BlueGreenBench() {
    BlueGreenSettings settings;
    settings.slots = {*ParseSlotAddress("127.0.0.1:8081"), *ParseSlotAddress("127.0.0.1:8082")};
    settings.upstream_file = dir / "web.conf";
    settings.reload = RELOAD;
    settings.ready_path = "/healthz";
    settings.drain = 5;
    target.strategy = Strategy::BlueGreen;
    target.blue_green = settings;
    Serving(Slot::Green);
    Upstream(Slot::Green);
    executor.Answer(ImageInspectArgv(std::string(testing::REFERENCE)), {Exit(0, Unlabelled("sha256:n3w"))});
  }

  StepPlan Plan(Slot slot) const {
    return PlanSteps(target, compose, ComposeGeneration::V2, SlotProject("web", slot));
  }
  static Argv Look(Slot slot) { return InspectContainersArgv({std::string(IdOf(slot))}); }

  // `live` runs the old image; the other slot has no container until its `up`, then one that
  // is `health` on the new image.
  void Serving(std::optional<Slot> live, std::string_view health = "healthy") {
    for (Slot slot : {Slot::Blue, Slot::Green}) {
      std::string id(IdOf(slot));
      if (slot == live) {
        executor.Answer(Plan(slot).ps, {Exit(0, id + "\n")});
        executor.Answer(Look(slot), {Exit(0, "[" + Container("healthy", id) + "]")});
      } else {
        executor.Answer(Plan(slot).ps, {Exit(0, ""), Exit(0, id + "\n")});
        executor.Answer(Look(slot), {Exit(0, "[" + Container(health, id, "sha256:n3w") + "]")});
      }
    }
  }

  void Upstream(std::optional<Slot> slot) {
    if (!slot) {
      std::filesystem::remove(target.blue_green->upstream_file);
      return;
    }
    testing::WriteText(target.blue_green->upstream_file,
                       UpstreamText(UpstreamFormat::Nginx, SlotAt(*target.blue_green, *slot), "web"));
  }

  std::optional<Slot> UpstreamNames() const {
    std::ifstream in(target.blue_green->upstream_file);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return UpstreamSlot(text, *target.blue_green);
  }

  DeploymentOutcome Deploy() {
    RunLog run_log(dir / "run.log");
    DeploymentSetup setup{.target = target, .compose = compose, .env = env, .stopping = stopping,
                          .logger = log.logger(), .run_id = "run-1", .commit = "",
                          .newer_commit = {}, .snapshot = std::nullopt, .save_snapshot = {},
                          .restore = std::nullopt, .on_waiting = {},
                          .compose_generation = ComposeGeneration::V2};
    return RunDeployment(setup, executor, run_log);
  }

  // Returns the environment the first run of `argv` had.
  std::map<std::string, std::string> EnvOf(const Argv& argv) const {
    return executor.ran[executor.First(argv)].env;
  }
};

using testing::Names;
using testing::StepNames;

}  // namespace

BOOST_AUTO_TEST_SUITE(blue_green)

BOOST_FIXTURE_TEST_CASE(starts_the_idle_slot_gates_it_then_switches_drains_and_removes_the_old, BlueGreenBench) {
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health", "ready", "switch", "remove-old"}),
             boost::test_tools::per_element());
  BOOST_TEST(outcome.steps[1].argv == Plan(Slot::Blue).up);
  BOOST_TEST(outcome.steps[5].argv == Plan(Slot::Green).remove);
  BOOST_TEST((UpstreamNames() == Slot::Blue));
  // Healthy, then ready, then the front door; the old slot goes only after the drain.
  BOOST_TEST(executor.gets == (std::vector<std::string>{"http://127.0.0.1:8081/healthz"}),
             boost::test_tools::per_element());
  BOOST_TEST(executor.First(Look(Slot::Blue)) < executor.First(RELOAD));
  BOOST_TEST(executor.First(RELOAD) < executor.First(Plan(Slot::Green).remove));
  BOOST_TEST(executor.paused >= std::chrono::seconds(5));
  // One compose file serves both slots: each slot's commands have its own address.
  BOOST_TEST(EnvOf(Plan(Slot::Blue).up).at("DEPLOYHOOK_SLOT") == "blue");
  BOOST_TEST(EnvOf(Plan(Slot::Blue).up).at("DEPLOYHOOK_PORT") == "8081");
  BOOST_TEST(EnvOf(Plan(Slot::Blue).up).at("DEPLOYHOOK_ADDR") == "127.0.0.1");
  BOOST_TEST(EnvOf(Plan(Slot::Green).remove).at("DEPLOYHOOK_PORT") == "8082");
  BOOST_TEST(outcome.images.at(0).before == "sha256:0ld");
  BOOST_TEST(outcome.images.at(0).after == "sha256:n3w");
  BOOST_TEST(outcome.slot == "blue");  // what history records as live
}

BOOST_FIXTURE_TEST_CASE(an_unhealthy_new_slot_is_removed_and_the_front_door_never_told, BlueGreenBench) {
  Serving(Slot::Green, "unhealthy");
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health", "remove-new"}), boost::test_tools::per_element());
  BOOST_TEST(outcome.steps[3].argv == Plan(Slot::Blue).remove);
  BOOST_TEST(executor.Count(RELOAD) == 0u);
  BOOST_TEST(executor.Count(Plan(Slot::Green).remove) == 0u);
  BOOST_TEST((UpstreamNames() == Slot::Green));
  BOOST_TEST(outcome.slot == "green");
}

BOOST_FIXTURE_TEST_CASE(a_new_slot_that_never_answers_ready_is_rolled_back, BlueGreenBench) {
  executor.AnswerGet("http://127.0.0.1:8081/healthz", {0, 503});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health", "ready", "remove-new"}),
             boost::test_tools::per_element());
  BOOST_TEST(outcome.steps[3].exit_code == 1);
  BOOST_TEST(executor.gets.size() > 2u);  // looked at again until health_timeout
  BOOST_TEST(executor.Count(RELOAD) == 0u);
  BOOST_TEST((UpstreamNames() == Slot::Green));
}

BOOST_FIXTURE_TEST_CASE(ready_after_a_few_looks_switches, BlueGreenBench) {
  executor.AnswerGet("http://127.0.0.1:8081/healthz", {0, 503, 204});
  BOOST_TEST(Deploy().result == RunResult::Succeeded);
  BOOST_TEST(executor.gets.size() == 3u);
  BOOST_TEST((UpstreamNames() == Slot::Blue));
}

BOOST_FIXTURE_TEST_CASE(a_failing_release_fails_before_the_new_slot_starts, BlueGreenBench) {
  target.blue_green->release = "migrate";
  executor.Answer(Plan(Slot::Blue).release, {Exit(3, "migration 42 failed\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "release"}), boost::test_tools::per_element());
  BOOST_TEST(outcome.steps[1].argv == (Argv{"docker", "compose", "-p", "web-blue", "run", "--rm", "migrate"}),
             boost::test_tools::per_element());
  BOOST_TEST(EnvOf(Plan(Slot::Blue).release).at("DEPLOYHOOK_SLOT") == "blue");
  BOOST_TEST(executor.Count(Plan(Slot::Blue).up) == 0u);
  BOOST_TEST(executor.Count(RELOAD) == 0u);
  BOOST_TEST((UpstreamNames() == Slot::Green));
}

BOOST_FIXTURE_TEST_CASE(a_release_that_succeeds_runs_before_up, BlueGreenBench) {
  target.blue_green->release = "migrate";
  BOOST_TEST(Deploy().result == RunResult::Succeeded);
  BOOST_TEST(executor.First(Plan(Slot::Blue).release) < executor.First(Plan(Slot::Blue).up));
}

BOOST_FIXTURE_TEST_CASE(the_first_run_starts_blue_and_names_it_without_a_drain, BlueGreenBench) {
  Serving(std::nullopt);
  Upstream(std::nullopt);
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health", "ready", "switch"}), boost::test_tools::per_element());
  BOOST_TEST((UpstreamNames() == Slot::Blue));
  BOOST_TEST(executor.paused < std::chrono::seconds(5));
}

BOOST_FIXTURE_TEST_CASE(a_first_version_that_is_not_healthy_fails_and_leaves_nothing_named, BlueGreenBench) {
  Serving(std::nullopt, "unhealthy");
  Upstream(std::nullopt);
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);  // nothing served before: nothing rolled back to
  BOOST_TEST(executor.Count(RELOAD) == 0u);
  BOOST_TEST(!UpstreamNames().has_value());
  BOOST_TEST(outcome.slot.empty());
}

BOOST_FIXTURE_TEST_CASE(a_run_cut_short_after_the_write_reloads_before_anything_else, BlueGreenBench) {
  // Both slots run and the file names blue: the last switch wrote blue and may not have reloaded.
  for (Slot slot : {Slot::Blue, Slot::Green}) {
    std::string id(IdOf(slot));
    executor.Answer(Plan(slot).ps, {Exit(0, id + "\n")});
    executor.Answer(Look(slot), {Exit(0, "[" + Container("healthy", id) + "]")});
  }
  Upstream(Slot::Blue);
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "reconcile", "up", "health", "ready", "switch", "remove-old"}),
             boost::test_tools::per_element());
  BOOST_TEST(outcome.steps[2].argv == Plan(Slot::Green).up);  // blue stayed live: green is next
  BOOST_TEST(executor.Count(RELOAD) == 2u);
  BOOST_TEST((UpstreamNames() == Slot::Green));
  BOOST_TEST(outcome.steps[6].argv == Plan(Slot::Blue).remove);
}

BOOST_FIXTURE_TEST_CASE(the_engine_wins_over_a_file_naming_a_slot_that_is_not_running, BlueGreenBench) {
  Upstream(Slot::Blue);  // green runs
  executor.Answer(Plan(Slot::Blue).up, {Exit(1, "port is already allocated\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "reconcile", "up"}), boost::test_tools::per_element());
  // Before anything changed, the front door was told again what serves: green.
  BOOST_TEST((UpstreamNames() == Slot::Green));
  BOOST_TEST(executor.First(RELOAD) < executor.First(Plan(Slot::Blue).up));
}

BOOST_FIXTURE_TEST_CASE(a_slot_whose_container_exited_is_not_live, BlueGreenBench) {
  // Compose v1's `ps -q` lists blue's stopped container; blue is still the idle slot.
  std::string id(BLUE_ID), exited = Container("unhealthy", id);
  exited.replace(exited.find("\"running\""), 9, "\"exited\"");
  executor.Answer(Plan(Slot::Blue).ps, {Exit(0, id + "\n")});
  executor.Answer(Look(Slot::Blue), {Exit(0, "[" + exited + "]"),
                                     Exit(0, "[" + Container("healthy", id, "sha256:n3w") + "]")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(outcome.steps.at(1).argv == Plan(Slot::Blue).up);
  BOOST_TEST(executor.Count(RELOAD) == 1u);  // no reconcile: green alone was live
  BOOST_TEST(outcome.slot == "blue");
}

BOOST_FIXTURE_TEST_CASE(a_reload_that_fails_puts_the_file_back_and_removes_the_new_slot, BlueGreenBench) {
  executor.Answer(RELOAD, {Exit(1, "nginx: [emerg] host not found\n"), Exit(0)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health", "ready", "switch", "switch-back", "remove-new"}),
             boost::test_tools::per_element());
  BOOST_TEST((UpstreamNames() == Slot::Green));
  BOOST_TEST(executor.Count(Plan(Slot::Green).remove) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
