// One deployment run, through a StepExecutor that answers from a script and records every step.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <deque>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>

#include "deploy/deployment.hpp"
#include "state/durable_file.hpp"
#include "deploy/image_state.hpp"
#include "engine_json.hpp"
#include "scripted_executor.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Exit;
using testing::Interrupted;
using testing::ScriptedExecutor;
using testing::TimedOut;
using testing::Container;
using testing::CONTAINER;
using testing::REFERENCE;
using testing::Unlabelled;

const std::string COMMIT_A = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const std::string COMMIT_B = "b1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const std::string COMMIT_C = "c1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

// What `docker inspect` prints of the app's one container.
std::string StateLine(std::string_view health, std::string_view id = CONTAINER) {
  return "[" + Container(health, id) + "]\n";
}

// What `docker image inspect` prints of an image with a revision label (and other labels).
std::string Labelled(std::string_view id, std::string_view revision) {
  return R"([{"Id": ")" + std::string(id) + R"(", "RepoDigests": ["registry.local/app@sha256:d)" +
         std::string(id.substr(7)) + R"("], "Config": {"Labels": {"version": "2", ")" +
         std::string(REVISION_LABEL) + R"(": ")" + std::string(revision) + R"("}}}])";
}

// A target "web" whose one container ran sha256:0ld and comes up healthy after `up`, unless a
// test scripts otherwise.
struct DeployBench {
  testing::TempDir dir;
  Target target = testing::MakeTarget("web", "octo/app", "main");
  Argv compose = {"docker", "compose"};
  std::map<std::string, std::string> env = {{"PATH", "/usr/bin:/bin"}, {"HOME", "/home/ops"}};
  std::atomic<bool> stopping{false};
  testing::LogCapture log;
  ScriptedExecutor executor;
  std::string commit;
  std::function<std::optional<std::string>()> newer_commit;
  std::optional<std::vector<ContainerImage>> snapshot;
  struct Saved {
    std::vector<ContainerImage> images;
    std::size_t commands_before;  // how many commands had run when it was saved
  };
  std::vector<Saved> saved;
  bool refuse_snapshot = false;
  std::optional<std::vector<ContainerImage>> restore;
  std::vector<bool> waiting_changes;
  ComposeGeneration generation = ComposeGeneration::V2;
  GatePolls gate_polls{};

  DeployBench() {
    executor.Answer(Plan().ps, {Exit(0, std::string(CONTAINER) + "\n")});
    Health({StateLine("healthy")});
    Pulled({Unlabelled("sha256:n3w")});
    // The images the tests' runs go back to are still on the engine, unless a test says otherwise.
    for (const char* id : {"sha256:0ld", "sha256:first", "sha256:v1", "sha256:cache"}) {
      executor.Answer(ImageInspectArgv(id), {Exit(0, Unlabelled(id))});
    }
  }

  StepPlan Plan() const { return PlanSteps(target, compose, generation); }
  static Argv ContainersArgv() { return InspectContainersArgv({std::string(CONTAINER)}); }

  // Scripts what the health gate's looks at the containers print, after the snapshot's look
  // (healthy, on sha256:0ld) unless the run has a stored snapshot.
  void Looks(std::vector<ProcessResult> results, const Argv& argv = ContainersArgv()) {
    if (!snapshot) results.insert(results.begin(), Exit(0, StateLine("healthy")));
    executor.Answer(argv, results);
  }
  void Health(const std::vector<std::string>& lines) {
    std::vector<ProcessResult> results;
    for (const std::string& line : lines) results.push_back(Exit(0, line));
    Looks(results);
  }

  // Scripts what `docker image inspect` says of the app's reference, look after look.
  void Pulled(const std::vector<std::string>& lines) {
    std::vector<ProcessResult> results;
    for (const std::string& line : lines) results.push_back(Exit(0, line + "\n"));
    executor.Answer(ImageInspectArgv(std::string(REFERENCE)), results);
  }

  DeploymentOutcome Deploy() {
    RunLog run_log(dir / "run.log");
    DeploymentSetup setup{.target = target,
                          .compose = compose,
                          .env = env,
                          .stopping = stopping,
                          .logger = log.logger(),
                          .run_id = "run-1",
                          .commit = commit,
                          .newer_commit = newer_commit,
                          .snapshot = snapshot,
                          .save_snapshot =
                              [this](const std::vector<ContainerImage>& images) {
                                saved.push_back({images, executor.ran.size()});
                                if (refuse_snapshot) throw StorageError("disk full");
                              },
                          .restore = restore,
                          .on_waiting = [this](bool waiting) { waiting_changes.push_back(waiting); },
                          .compose_generation = generation,
                          .gate_polls = gate_polls};
    return RunDeployment(setup, executor, run_log);
  }

  std::string RunLogText() const {
    std::ifstream in(dir / "run.log");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

using testing::Names;
using testing::StepNames;

}  // namespace

BOOST_AUTO_TEST_SUITE(deployment)

BOOST_FIXTURE_TEST_CASE(pulls_then_ups_then_gates_on_health, DeployBench) {
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(!outcome.interrupted);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health"}));
  BOOST_TEST(outcome.steps[0].argv == Plan().pull);
  BOOST_TEST(outcome.steps[1].argv == Plan().up);
  // The images are noted before the pull, the health is looked at after the up.
  BOOST_TEST(executor.First(ContainersArgv()) < executor.First(Plan().pull));
  BOOST_TEST(executor.First(Plan().pull) < executor.First(Plan().up));
  BOOST_TEST(executor.Count(ContainersArgv()) == 2u);  // the snapshot, and one look after `up`
  // What ran is recorded: the image before, the pulled one after, its registry digest.
  BOOST_TEST_REQUIRE(outcome.images.size() == 1u);
  BOOST_TEST(outcome.images[0].before == "sha256:0ld");
  BOOST_TEST(outcome.images[0].after == "sha256:n3w");
  BOOST_TEST(!outcome.images[0].digest.has_value());  // an image no registry knows
  BOOST_TEST(executor.Count(Plan().up) == 1u);
}

BOOST_FIXTURE_TEST_CASE(reads_the_compose_file_beside_the_snapshot_once, DeployBench) {
  Deploy();
  BOOST_TEST(executor.Count(Plan().config) == 1u);
  BOOST_TEST(executor.First(Plan().config) < executor.First(Plan().pull));
}

BOOST_FIXTURE_TEST_CASE(gates_on_the_containers_it_found_without_listing_them_at_every_look, DeployBench) {
  Health({StateLine("starting"), StateLine("starting"), StateLine("starting"), StateLine("healthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(executor.Count(ContainersArgv()) == 5u);  // the snapshot, and four looks
  BOOST_TEST(executor.Count(Plan().ps) == 2u);         // the snapshot, and the gate's first look
  // Looks come quickly while the container may turn healthy any moment.
  BOOST_TEST(executor.paused.count() == 300);
}

BOOST_FIXTURE_TEST_CASE(lists_the_containers_again_when_one_it_found_is_gone, DeployBench) {
  const std::string other = "0a1b2c3d4e5f";
  executor.Answer(Plan().ps, {Exit(0, std::string(CONTAINER) + "\n"), Exit(0, std::string(CONTAINER) + "\n"),
                              Exit(0, other + "\n")});
  executor.Answer(ContainersArgv(), {Exit(0, StateLine("healthy")), Exit(0, StateLine("starting")), Exit(1, "[]")});
  executor.Answer(InspectContainersArgv({other}), {Exit(0, "[" + testing::Container("healthy", other) + "]")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result != RunResult::Succeeded);
  BOOST_TEST(RunLogText().find("[health: the set of containers changed]") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(lists_the_project_through_the_engine_once_the_snapshot_named_it, DeployBench) {
  // The container as compose labels it: its project, "shop".
  std::string labelled = testing::Container("healthy");
  const std::string service_label = R"("com.docker.compose.service": "app")";
  labelled.replace(labelled.find(service_label), service_label.size(),
                   service_label + R"(, "com.docker.compose.project": "shop")");
  const Argv listed = ProjectContainersArgv("shop", false);
  executor.Answer(ContainersArgv(), {Exit(0, "[" + labelled + "]")});
  executor.Answer(listed, {Exit(0, std::string(CONTAINER) + "\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(executor.Count(Plan().ps) == 1u);  // the snapshot's only: no compose start to gate
  BOOST_TEST(executor.First(Plan().up) < executor.First(listed));
  BOOST_TEST(listed == (Argv{"docker", "ps", "-q", "--no-trunc", "--filter",
                             "label=com.docker.compose.project=shop", "--filter",
                             "label=com.docker.compose.oneoff=False"}));
}

BOOST_FIXTURE_TEST_CASE(runs_every_step_in_the_project_dir_with_the_given_environment, DeployBench) {
  Deploy();
  BOOST_TEST_REQUIRE(!executor.ran.empty());
  for (const ProcessSpec& spec : executor.ran) {
    BOOST_TEST(spec.cwd == target.project_dir);
    BOOST_TEST((spec.env == env));
  }
  BOOST_TEST((executor.ran[executor.First(Plan().pull)].timeout == seconds(target.pull_timeout)));
  BOOST_TEST((executor.ran[executor.First(Plan().up)].timeout == seconds(target.up_timeout)));
}

BOOST_FIXTURE_TEST_CASE(writes_each_step_and_the_result_to_the_run_log, DeployBench) {
  executor.Answer(Plan().pull, {Exit(0, "app Pulled\n")});
  Deploy();
  std::string text = RunLogText();
  BOOST_TEST(text.find("$ docker compose pull app\napp Pulled\n[pull: exit 0]") != std::string::npos, text);
  BOOST_TEST(text.find("[result: succeeded]") != std::string::npos, text);
  BOOST_TEST(log.Contains("step=pull"));
  BOOST_TEST(log.Contains("step=up"));
}

BOOST_FIXTURE_TEST_CASE(fails_when_pull_fails_and_never_runs_up, DeployBench) {
  executor.Answer(Plan().pull, {Exit(1, "pull access denied\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(StepNames(outcome) == Names{"pull"});
  BOOST_TEST(outcome.steps[0].exit_code == 1);
  BOOST_TEST(executor.Count(Plan().up) == 0u);
}

BOOST_FIXTURE_TEST_CASE(times_out_when_pull_times_out_and_never_runs_up, DeployBench) {
  executor.Answer(Plan().pull, {TimedOut()});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::TimedOut);
  BOOST_TEST(executor.Count(Plan().up) == 0u);
  BOOST_TEST(RunLogText().find("[pull: timed out, process group killed]") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(fails_when_up_fails_and_skips_the_health_gate, DeployBench) {
  executor.Answer(Plan().up, {Exit(1)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up"}));
  BOOST_TEST(executor.Count(ContainersArgv()) == 1u);  // the snapshot; no gate
}

BOOST_FIXTURE_TEST_CASE(times_out_when_up_times_out, DeployBench) {
  executor.Answer(Plan().up, {TimedOut()});
  BOOST_TEST(Deploy().result == RunResult::TimedOut);
  BOOST_TEST(executor.Count(ContainersArgv()) == 1u);  // the snapshot; no gate
}

BOOST_FIXTURE_TEST_CASE(rolls_back_to_the_previous_image_when_unhealthy, DeployBench) {
  Health({StateLine("starting"), StateLine("unhealthy"), StateLine("healthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(StepNames(outcome) ==
             (Names{"pull", "up", "health", "rollback-tag", "rollback-up", "rollback-health"}));
  BOOST_TEST(outcome.steps[5].exit_code == 0);
  BOOST_TEST(outcome.steps[2].exit_code == 1);
  BOOST_TEST(outcome.steps[3].argv == TagArgv("sha256:0ld", "registry.local/app:latest"));
  BOOST_TEST(outcome.steps[4].argv == Plan().up);
  BOOST_TEST(executor.Count(Plan().up) == 2u);
  BOOST_TEST(RunLogText().find("[health: the container of app is unhealthy]") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(tags_each_previous_reference_once, DeployBench) {
  std::string id2 = "0123456789ab";
  std::string id3 = "0123456789cd";
  executor.Answer(Plan().ps, {Exit(0, std::string(CONTAINER) + "\n" + id2 + "\n" + id3 + "\n")});
  auto three = [&](std::string_view health) {
    return "[" + Container("healthy") + "," + Container("healthy", id2) + "," +
           Container(health, id3, "sha256:cache", "redis:7", "cache") + "]";
  };
  // The snapshot's look, then the gate's, then the rollback gate's.
  executor.Answer(InspectContainersArgv({std::string(CONTAINER), id2, id3}),
                  {Exit(0, three("healthy")), Exit(0, three("unhealthy")), Exit(0, three("healthy"))});
  executor.Answer(ImageInspectArgv("redis:7"), {Exit(0, Unlabelled("sha256:cache"))});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", "registry.local/app:latest")) == 1u);
  BOOST_TEST(executor.Count(TagArgv("sha256:cache", "redis:7")) == 1u);
}

BOOST_FIXTURE_TEST_CASE(fails_when_the_rollback_fails, DeployBench) {
  Health({StateLine("unhealthy")});
  executor.Answer(Plan().up, {Exit(0), Exit(1)});  // the new containers start; the old do not
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RollbackFailed);
  BOOST_TEST(StepNames(outcome).back() == "rollback-up");
}

BOOST_FIXTURE_TEST_CASE(rollback_fails_when_the_previous_containers_are_not_healthy_either,
                        DeployBench) {
  Health({StateLine("unhealthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RollbackFailed);
  BOOST_TEST(StepNames(outcome).back() == "rollback-health");
  BOOST_TEST(outcome.steps.back().exit_code == 1);
  BOOST_TEST(RunLogText().find("[rollback-health: the container of app is unhealthy]") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(rolls_back_under_the_reference_the_compose_file_names_now, DeployBench) {
  // The container was created from app:latest; the compose file has since moved to app:2.
  executor.Answer(Plan().config, {Exit(0, "services:\n  app:\n    image: registry.local/app:2\n")});
  executor.Answer(ImageInspectArgv("registry.local/app:2"), {Exit(0, Unlabelled("sha256:n3w"))});
  Health({StateLine("unhealthy"), StateLine("healthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", "registry.local/app:2")) == 1u);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", std::string(REFERENCE))) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_pruned_previous_image_fails_the_rollback_before_touching_anything,
                        DeployBench) {
  Health({StateLine("unhealthy")});
  executor.Answer(ImageInspectArgv("sha256:0ld"), {Exit(1, "[]\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RollbackFailed);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", std::string(REFERENCE))) == 0u);
  BOOST_TEST(executor.Count(Plan().up) == 1u);
  BOOST_TEST(RunLogText().find("[rollback: the image sha256:0ld for registry.local/app:latest is gone") !=
             std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(stores_the_snapshot_before_the_first_up, DeployBench) {
  Deploy();
  BOOST_TEST_REQUIRE(saved.size() == 1u);
  BOOST_TEST_REQUIRE(saved[0].images.size() == 1u);
  BOOST_TEST(saved[0].images[0].image_id == "sha256:0ld");
  BOOST_TEST(saved[0].images[0].service == "app");
  BOOST_TEST(saved[0].commands_before <= executor.First(Plan().up));
}

BOOST_FIXTURE_TEST_CASE(changes_nothing_when_the_snapshot_cannot_be_stored, DeployBench) {
  refuse_snapshot = true;
  BOOST_CHECK_THROW(Deploy(), StorageError);
  BOOST_TEST(executor.Count(Plan().up) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_rerun_rolls_back_to_the_stored_snapshot, DeployBench) {
  // An earlier attempt noted sha256:first, recreated the service and was interrupted during the
  // gate: the container now runs the new image (OLD_IMAGES says sha256:0ld).
  snapshot = std::vector<ContainerImage>{{"sha256:first", std::string(REFERENCE), "app"}};
  Health({StateLine("unhealthy"), StateLine("healthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(saved.empty());
  BOOST_TEST(executor.First(ContainersArgv()) > executor.First(Plan().up));  // no second snapshot
  BOOST_TEST(outcome.images[0].before == "sha256:first");
  BOOST_TEST(executor.Count(TagArgv("sha256:first", std::string(REFERENCE))) == 1u);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", std::string(REFERENCE))) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_rollback_job_puts_the_restored_image_back_instead_of_pulling, DeployBench) {
  restore = std::vector<ContainerImage>{{"sha256:v1", "registry.local/app:old", "app"}};
  Pulled({Labelled("sha256:v1", COMMIT_A)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(executor.Count(Plan().pull) == 0u);
  BOOST_TEST(StepNames(outcome) == (Names{"restore-tag", "up", "health"}));
  // Under the reference the service's container (and compose file) uses now.
  BOOST_TEST(outcome.steps[0].argv == TagArgv("sha256:v1", std::string(REFERENCE)));
  BOOST_TEST(outcome.images[0].before == "sha256:0ld");
  BOOST_TEST(outcome.images[0].after == "sha256:v1");
  BOOST_TEST(outcome.images[0].revision.value_or("") == COMMIT_A);
  // The snapshot is stored before the tag, the rollback's first change to the engine.
  BOOST_TEST_REQUIRE(saved.size() == 1u);
  BOOST_TEST(saved[0].commands_before <= executor.First(outcome.steps[0].argv));
}

BOOST_FIXTURE_TEST_CASE(a_rollback_to_a_pruned_image_changes_nothing, DeployBench) {
  restore = std::vector<ContainerImage>{{"sha256:v1", "registry.local/app:old", "app"}};
  executor.Answer(ImageInspectArgv("sha256:v1"), {Exit(1, "[]\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(executor.Count(TagArgv("sha256:v1", std::string(REFERENCE))) == 0u);
  BOOST_TEST(executor.Count(Plan().up) == 0u);
  BOOST_TEST(RunLogText().find("[restore: the image sha256:v1 for registry.local/app:latest is gone") !=
             std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(an_unhealthy_rollback_goes_back_to_what_ran_before_it, DeployBench) {
  restore = std::vector<ContainerImage>{{"sha256:v1", std::string(REFERENCE), "app"}};
  Health({StateLine("unhealthy"), StateLine("healthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", std::string(REFERENCE))) == 1u);
}

BOOST_FIXTURE_TEST_CASE(fails_without_rollback_when_rollback_is_off, DeployBench) {
  target.rollback = false;
  Health({StateLine("unhealthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health"}));
  BOOST_TEST(executor.Count(Plan().up) == 1u);
}

BOOST_FIXTURE_TEST_CASE(fails_without_rollback_when_nothing_ran_before, DeployBench) {
  // The first deployment of a project: no containers to note, so nothing to go back to.
  executor.Answer(Plan().ps, {Exit(0, ""), Exit(0, std::string(CONTAINER) + "\n")});
  executor.Answer(ContainersArgv(), {Exit(0, StateLine("unhealthy"))});  // no snapshot look: no container
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health"}));
  BOOST_TEST(RunLogText().find("no previous containers") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(rolls_back_when_health_does_not_come_by_the_deadline, DeployBench) {
  target.health_timeout = 5;
  gate_polls = {.first = std::chrono::seconds(1), .last = std::chrono::seconds(1)};
  std::vector<std::string> looks(6, StateLine("starting"));  // one look a second, 0 s to 5 s
  looks.push_back(StateLine("healthy"));                     // the previous image, back
  Health(looks);
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(executor.pauses == 5);
  BOOST_TEST(RunLogText().find("[health: did not become healthy in time]") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(looks_again_when_one_inspection_fails, DeployBench) {
  Looks({Exit(1, "Error: No such object\n"), Exit(0, StateLine("starting")), Exit(0, StateLine("healthy"))});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(executor.pauses == 2);
}

BOOST_FIXTURE_TEST_CASE(fails_the_gate_when_the_containers_cannot_be_inspected_by_the_deadline,
                        DeployBench) {
  target.health_timeout = 3;
  Looks({Exit(1, "Cannot connect to the Docker daemon\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RollbackFailed);
  BOOST_TEST(RunLogText().find("[health: could not inspect the service containers]") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(skips_the_health_gate_when_health_timeout_is_zero, DeployBench) {
  target.health_timeout = 0;
  Health({StateLine("unhealthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up"}));
  BOOST_TEST(executor.Count(ContainersArgv()) == 1u);  // the snapshot; no gate
  BOOST_TEST(executor.pauses == 0);
}

BOOST_FIXTURE_TEST_CASE(stops_after_the_running_step_when_the_worker_is_stopping, DeployBench) {
  stopping = true;
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.interrupted);
  BOOST_TEST(StepNames(outcome) == Names{"pull"});
  BOOST_TEST(executor.Count(Plan().up) == 0u);
  BOOST_TEST(RunLogText().find("[interrupted") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(logs_a_step_stopped_by_the_stop_as_interrupted_not_timed_out, DeployBench) {
  executor.Answer(Plan().pull, {Interrupted()});
  stopping = true;
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.interrupted);
  BOOST_TEST(log.Contains("step=pull"));
  BOOST_TEST(log.Contains("interrupted"));
  BOOST_TEST(!log.Contains("timed out"));
  BOOST_TEST(RunLogText().find("timed out") == std::string::npos, RunLogText());
  BOOST_TEST(RunLogText().find("[pull: interrupted") != std::string::npos, RunLogText());
}

BOOST_FIXTURE_TEST_CASE(stops_waiting_for_health_when_the_worker_is_stopping, DeployBench) {
  Health({StateLine("starting")});
  executor.on_pause = [this] {
    stopping = true;
    return false;
  };
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.interrupted);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", "registry.local/app:latest")) == 0u);
  BOOST_TEST(executor.Count(Plan().up) == 1u);
}

BOOST_FIXTURE_TEST_CASE(fails_at_once_without_a_compose_command, DeployBench) {
  compose.clear();
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(executor.ran.empty());
}

BOOST_AUTO_TEST_SUITE_END()

// The run aims at a commit and deploys only that commit's image.
BOOST_AUTO_TEST_SUITE(deployment_built_image)

BOOST_FIXTURE_TEST_CASE(deploys_at_once_when_the_pulled_image_is_the_commits_build, DeployBench) {
  commit = COMMIT_B;
  Pulled({Labelled("sha256:b", COMMIT_B)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(outcome.commit == COMMIT_B);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "up", "health"}));
  BOOST_TEST_REQUIRE(outcome.images.size() == 1u);
  BOOST_TEST(outcome.images[0].service == "app");
  BOOST_TEST(outcome.images[0].reference == REFERENCE);
  BOOST_TEST(outcome.images[0].before == "sha256:0ld");
  BOOST_TEST(outcome.images[0].after == "sha256:b");
  BOOST_TEST(outcome.images[0].revision.value_or("") == COMMIT_B);
}

BOOST_FIXTURE_TEST_CASE(waits_for_the_commits_image_and_recreates_nothing_meanwhile, DeployBench) {
  commit = COMMIT_B;
  target.image_poll = 15;
  // CI publishes the commit's image after the third look.
  Pulled({Labelled("sha256:0ld", COMMIT_A), Labelled("sha256:0ld", COMMIT_A),
          Labelled("sha256:0ld", COMMIT_A), Labelled("sha256:b", COMMIT_B)});
  std::size_t ups_while_waiting = 0;
  executor.on_pause = [&] {
    ups_while_waiting += executor.Count(Plan().up);
    return true;
  };
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(executor.Count(Plan().pull) == 4u);
  BOOST_TEST(ups_while_waiting == 0u);
  BOOST_TEST(executor.paused.count() == 3 * 15000);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "wait-image", "up", "health"}));
  BOOST_TEST(outcome.steps[1].exit_code == 0);
  BOOST_TEST(outcome.steps[1].seconds == 45.0);
  BOOST_TEST(outcome.images[0].after == "sha256:b");
  BOOST_TEST(log.Contains("waiting for the commit's image"));
  BOOST_TEST(waiting_changes == (std::vector<bool>{true, false}));
}

BOOST_FIXTURE_TEST_CASE(is_stale_when_the_image_never_comes_and_never_runs_up, DeployBench) {
  commit = COMMIT_B;
  target.image_timeout = 60;
  target.image_poll = 15;
  Pulled({Labelled("sha256:0ld", COMMIT_A)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Stale);
  BOOST_TEST(executor.Count(Plan().up) == 0u);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", std::string(REFERENCE))) == 0u);
  BOOST_TEST(executor.paused.count() == 60000);
  BOOST_TEST(executor.Count(Plan().pull) == 5u);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "wait-image"}));
  BOOST_TEST(outcome.steps[1].exit_code == 1);
  BOOST_TEST(outcome.images[0].revision.value_or("") == COMMIT_A);
  BOOST_TEST(RunLogText().find("within image_timeout") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(the_last_pause_ends_at_the_deadline, DeployBench) {
  commit = COMMIT_B;
  target.image_timeout = 20;
  target.image_poll = 15;
  Pulled({Labelled("sha256:0ld", COMMIT_A)});
  BOOST_TEST(Deploy().result == RunResult::Stale);
  BOOST_TEST(executor.paused.count() == 20000);
}

BOOST_FIXTURE_TEST_CASE(is_stale_at_once_when_the_wait_is_disabled, DeployBench) {
  commit = COMMIT_B;
  target.image_timeout = 0;
  Pulled({Labelled("sha256:0ld", COMMIT_A)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Stale);
  BOOST_TEST(executor.pauses == 0);
  BOOST_TEST(executor.Count(Plan().up) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_newer_push_replaces_the_awaited_commit, DeployBench) {
  commit = COMMIT_B;
  target.image_timeout = 30;
  target.image_poll = 15;
  int asked = 0;
  newer_commit = [&]() -> std::optional<std::string> {
    ++asked;
    if (asked == 1) return COMMIT_C;
    return std::nullopt;
  };
  // B is never built (C superseded it); C's image comes after two more looks.
  Pulled({Labelled("sha256:0ld", COMMIT_A), Labelled("sha256:0ld", COMMIT_A),
          Labelled("sha256:0ld", COMMIT_A), Labelled("sha256:c", COMMIT_C)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(outcome.commit == COMMIT_C);
  BOOST_TEST(outcome.images[0].after == "sha256:c");
  // C's own image_timeout started when it replaced B: 45 s in all is past B's 30 s.
  BOOST_TEST(executor.paused.count() == 45000);
  BOOST_TEST(RunLogText().find("a newer push replaces the awaited commit") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(stops_waiting_for_an_image_when_the_worker_is_stopping, DeployBench) {
  commit = COMMIT_B;
  Pulled({Labelled("sha256:0ld", COMMIT_A)});
  executor.on_pause = [this] {
    stopping = true;
    return false;
  };
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.interrupted);
  BOOST_TEST(executor.Count(Plan().up) == 0u);
}

BOOST_FIXTURE_TEST_CASE(matches_a_commit_in_either_case, DeployBench) {
  commit = "B1B2C3D4E5F60718293A4B5C6D7E8F9012345678";
  Pulled({Labelled("sha256:b", COMMIT_B)});
  BOOST_TEST(Deploy().result == RunResult::Succeeded);
  BOOST_TEST(executor.pauses == 0);
}

BOOST_FIXTURE_TEST_CASE(a_label_that_is_not_a_commit_sha_is_treated_as_absent, DeployBench) {
  commit = COMMIT_B;
  Pulled({Labelled("sha256:b", "v1.2.3")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(executor.pauses == 0);
  BOOST_TEST(!outcome.images[0].revision.has_value());
  BOOST_TEST(RunLogText().find("not a commit SHA") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_run_without_a_commit_does_not_wait, DeployBench) {
  // `deployhook deploy` names no commit: it deploys what the registry holds.
  Pulled({Labelled("sha256:b", COMMIT_A)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(executor.pauses == 0);
}

BOOST_FIXTURE_TEST_CASE(is_unchanged_when_the_pull_keeps_every_image_and_still_runs_up, DeployBench) {
  commit = COMMIT_B;
  Pulled({Unlabelled("sha256:0ld")});  // unlabelled, the image the container runs
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Unchanged);
  BOOST_TEST(executor.Count(Plan().up) == 1u);
  BOOST_TEST(!outcome.images[0].revision.has_value());
}

BOOST_FIXTURE_TEST_CASE(an_unchanged_run_that_turns_unhealthy_fails_without_rollback, DeployBench) {
  Pulled({Unlabelled("sha256:0ld")});
  Health({StateLine("unhealthy")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", std::string(REFERENCE))) == 0u);
}

BOOST_FIXTURE_TEST_CASE(fails_before_up_when_the_pulled_image_cannot_be_read, DeployBench) {
  // The image went away between the pull and the look (pruned), or the engine failed to answer.
  for (ProcessResult answer : {Exit(1, "[]\n"), Exit(1, "Cannot connect to the Docker daemon\n"),
                               Exit(0, "template parsing error\n")}) {
    executor.ran.clear();
    executor.Answer(ImageInspectArgv(std::string(REFERENCE)), {answer});
    DeploymentOutcome outcome = Deploy();
    BOOST_TEST(outcome.result == RunResult::Failed);
    BOOST_TEST(StepNames(outcome) == Names{"pull"});
    BOOST_TEST(executor.Count(Plan().up) == 0u);
    BOOST_TEST(saved.empty());  // nothing changed, so nothing to go back to was stored
  }
  BOOST_TEST(RunLogText().find("[image: cannot read the image registry.local/app:latest of app") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(fails_before_any_change_when_the_containers_cannot_be_read, DeployBench) {
  executor.Answer(ContainersArgv(), {Exit(0, "[{\"Image\": \"sha256:0ld\"}]")});  // no Id: not state
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(executor.Count(Plan().pull) == 0u);
  BOOST_TEST(RunLogText().find("[snapshot: cannot read what the services run now") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(records_the_registry_digest_of_the_checked_image, DeployBench) {
  commit = COMMIT_B;
  Pulled({Labelled("sha256:b", COMMIT_B)});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(outcome.images[0].digest.value_or("") == "registry.local/app@sha256:db");
}

BOOST_FIXTURE_TEST_CASE(compose_v2_never_pulls_at_up_and_v1_pins_each_reference_first, DeployBench) {
  commit = COMMIT_B;
  Pulled({Labelled("sha256:b", COMMIT_B)});
  generation = ComposeGeneration::V2;
  DeploymentOutcome v2 = Deploy();
  BOOST_TEST(v2.steps[1].argv == PlanSteps(target, compose, ComposeGeneration::V2).up);
  BOOST_TEST(v2.steps[1].argv == (Argv{"docker", "compose", "up", "-d", "--pull", "never", "app"}));
  BOOST_TEST(executor.Count(TagArgv("sha256:b", std::string(REFERENCE))) == 0u);

  executor.ran.clear();
  generation = ComposeGeneration::V1;
  DeploymentOutcome v1 = Deploy();
  BOOST_TEST(v1.steps[1].argv == (Argv{"docker", "compose", "up", "-d", "app"}));
  BOOST_TEST(executor.First(TagArgv("sha256:b", std::string(REFERENCE))) < executor.First(Plan().up));
}

BOOST_FIXTURE_TEST_CASE(v1_fails_without_up_when_a_reference_cannot_be_pinned, DeployBench) {
  generation = ComposeGeneration::V1;
  commit = COMMIT_B;
  Pulled({Labelled("sha256:b", COMMIT_B)});
  executor.Answer(TagArgv("sha256:b", std::string(REFERENCE)), {Exit(1, "Error: No such image\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(executor.Count(Plan().up) == 0u);
}

BOOST_FIXTURE_TEST_CASE(takes_references_from_the_compose_file_for_the_targets_services, DeployBench) {
  target.services = {"app"};
  executor.Answer(Plan().config, {Exit(0, "services:\n  app:\n    image: registry.local/app:2\n"
                                          "  db:\n    image: postgres:16\nversion: '2.4'\n")});
  executor.Answer(ImageInspectArgv("registry.local/app:2"), {Exit(0, Labelled("sha256:b", COMMIT_B))});
  commit = COMMIT_B;
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST_REQUIRE(outcome.images.size() == 1u);
  BOOST_TEST(outcome.images[0].reference == "registry.local/app:2");
  BOOST_TEST(outcome.images[0].before == "sha256:0ld");
  BOOST_TEST(executor.Count(ImageInspectArgv("postgres:16")) == 0u);
}

BOOST_FIXTURE_TEST_CASE(notes_the_local_image_of_a_service_without_a_container, DeployBench) {
  executor.Answer(Plan().ps, {Exit(0, "")});
  executor.Answer(Plan().config, {Exit(0, "services:\n  app:\n    image: registry.local/app:latest\n")});
  Pulled({Labelled("sha256:0ld", COMMIT_A), Labelled("sha256:b", COMMIT_B)});
  commit = COMMIT_B;
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST_REQUIRE(outcome.images.size() == 1u);
  BOOST_TEST(outcome.images[0].before == "sha256:0ld");
  BOOST_TEST(outcome.images[0].after == "sha256:b");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
