// A run for a Swarm stack or services, through a ScriptedExecutor with a fake clock: images are
// pulled before any service is touched, and Swarm's update status decides the result.

#include <boost/test/unit_test.hpp>

#include <atomic>

#include "deploy/deployment.hpp"
#include "scripted_executor.hpp"
#include "deploy/swarm_plan.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::Exit;
using testing::ScriptedExecutor;

constexpr std::string_view REFERENCE = "reg.local/app:latest";
const std::string OLD = std::string(REFERENCE) + "@sha256:0ld";
const std::string NEW = std::string(REFERENCE) + "@sha256:new";
const std::string COMMIT = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const std::string OTHER_COMMIT = "b1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

// What `docker service inspect` prints of service shop_web (one replica).
std::string ServiceLine(const std::string& image, std::string_view state = "", std::string_view started = "") {
  std::string update = state.empty() ? "" : R"(, "UpdateStatus": {"State": ")" + std::string(state) +
                                                R"(", "StartedAt": ")" + std::string(started) + R"("})";
  return R"([{"Spec": {"Name": "shop_web", "TaskTemplate": {"ContainerSpec": {"Image": ")" + image +
         R"("}}, "Mode": {"Replicated": {"Replicas": 1}}})" + update + "}]\n";
}

// What `docker image inspect` prints of an image given as "id|revision": pulled from reg.local,
// so its registry digest is reg.local/app@<id>.
std::string ImageJson(std::string_view line) {
  std::string_view id = line.substr(0, line.find('|'));
  std::string_view revision = line.substr(std::min(line.size(), id.size() + 1));
  std::string labels = revision.empty() ? "null"
                                        : R"({"org.opencontainers.image.revision": ")" + std::string(revision) + R"("})";
  return R"([{"Id": ")" + std::string(id) + R"(", "RepoDigests": ["reg.local/app@)" + std::string(id) +
         R"("], "Config": {"Labels": )" + labels + "}}]\n";
}

// A stack "shop" with one service web (reg.local/app:latest) running the old image; the pull
// brings a new one, and Swarm converges on it unless a test scripts otherwise.
struct SwarmBench {
  testing::TempDir dir;
  Target target = testing::MakeTarget("shop", "octo/shop", "main");
  Argv compose = {"docker", "compose"};
  std::map<std::string, std::string> env = {{"PATH", "/usr/bin:/bin"}};
  std::atomic<bool> stopping{false};
  testing::LogCapture log;
  ScriptedExecutor executor;
  std::string commit;
  std::optional<std::vector<ContainerImage>> restore;

  SwarmBench() {
    target.kind = TargetKind::Stack;
    target.stack = "shop";
    target.compose_files = {"/srv/shop/stack.yml"};
    target.up_timeout = 60;
    executor.Answer(StackServicesArgv("shop"), {Exit(0, "shop_web\n")});
    executor.Answer(PlanSteps(target, compose).config,
                    {Exit(0, "services:\n  web:\n    image: " + std::string(REFERENCE) + "\n")});
    Images({"sha256:0ld|", "sha256:new|"});
    // Looked at for the snapshot, just before the deploy, then by the gate.
    Services({ServiceLine(OLD), ServiceLine(OLD), ServiceLine(NEW, "updating", "t1"),
              ServiceLine(NEW, "completed", "t1")});
    Tasks({"shop_web.1|" + NEW + "|Running 2 seconds ago\n"});
  }

  void Images(const std::vector<std::string>& lines) {
    std::vector<ProcessResult> results;
    for (const std::string& line : lines) results.push_back(Exit(0, ImageJson(line)));
    executor.Answer(ImageInspectArgv(std::string(REFERENCE)), results);
  }
  // Scripts the looks at the services: the snapshot, just before the change, then the gate's.
  // A stack deploy is followed by one more look (is each service on the checked digest?), which
  // sees what the gate's first look sees.
  void Services(const std::vector<std::string>& lines) {
    std::vector<ProcessResult> results;
    for (const std::string& line : lines) results.push_back(Exit(0, line));
    if (target.kind == TargetKind::Stack && results.size() > 2) results.insert(results.begin() + 2, results[2]);
    executor.Answer(ServiceInspectArgv({"shop_web"}), results);
  }
  void Tasks(const std::vector<std::string>& lines) {
    std::vector<ProcessResult> results;
    for (const std::string& line : lines) results.push_back(Exit(0, line));
    executor.Answer(ServiceTasksArgv({"shop_web"}), results);
  }

  // Returns how many commands changed a service (deploy or update).
  std::size_t Changes() const {
    return static_cast<std::size_t>(std::count_if(executor.ran.begin(), executor.ran.end(), [](const ProcessSpec& s) {
      return s.argv.size() > 2 && (s.argv[1] == "stack" || (s.argv[1] == "service" && s.argv[2] == "update"));
    }));
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
                          .newer_commit = {},
                          .snapshot = std::nullopt,
                          .save_snapshot = [](const std::vector<ContainerImage>&) {},
                          .restore = restore,
                          .on_waiting = {},
                          .compose_generation = ComposeGeneration::V1};
    return RunDeployment(setup, executor, run_log);
  }
};

using testing::Names;
using testing::StepNames;

}  // namespace

BOOST_AUTO_TEST_SUITE(swarm_deployment)

BOOST_FIXTURE_TEST_CASE(pulls_then_deploys_the_stack_then_waits_for_convergence, SwarmBench) {
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "deploy", "converge"}));
  BOOST_TEST(outcome.steps[1].argv == StackDeployArgv(target));
  BOOST_TEST(executor.First(PullArgv(std::string(REFERENCE))) < executor.First(StackDeployArgv(target)));
  BOOST_TEST(executor.pauses >= 1);  // it looked again while the update was going
  BOOST_TEST_REQUIRE(outcome.images.size() == 1u);
  BOOST_TEST(outcome.images[0].service == "shop_web");
  BOOST_TEST(outcome.images[0].before == "sha256:0ld");
  BOOST_TEST(outcome.images[0].after == "sha256:new");
}

BOOST_FIXTURE_TEST_CASE(a_stack_deploy_names_registry_auth_image_resolution_and_files, SwarmBench) {
  BOOST_TEST(StackDeployArgv(target) ==
             (Argv{"docker", "stack", "deploy", "--with-registry-auth", "--resolve-image", "always",
                   "-c", "/srv/shop/stack.yml", "shop"}));
}

BOOST_FIXTURE_TEST_CASE(a_rollback_by_swarm_is_rolled_back, SwarmBench) {
  Services({ServiceLine(OLD), ServiceLine(OLD), ServiceLine(NEW, "updating", "t1"),
            ServiceLine(OLD, "rollback_started", "t1"), ServiceLine(OLD, "rollback_completed", "t1")});
  Tasks({"shop_web.1|" + OLD + "|Running 1 second ago\n"});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::RolledBack);
  BOOST_TEST(Changes() == 1u);  // Swarm rolled back; deployhook changed nothing more
}

BOOST_FIXTURE_TEST_CASE(a_paused_update_fails, SwarmBench) {
  Services({ServiceLine(OLD), ServiceLine(OLD), ServiceLine(NEW, "paused", "t1")});
  BOOST_TEST(Deploy().result == RunResult::Failed);
  BOOST_TEST(Changes() == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_update_still_going_at_up_timeout_times_out, SwarmBench) {
  Services({ServiceLine(OLD), ServiceLine(OLD), ServiceLine(NEW, "updating", "t1")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::TimedOut);
  BOOST_TEST((executor.paused >= std::chrono::seconds(target.up_timeout)));
  BOOST_TEST((executor.paused < std::chrono::seconds(target.up_timeout + 2)));
  BOOST_TEST(outcome.steps.back().exit_code == 1);
}

BOOST_FIXTURE_TEST_CASE(an_unreachable_registry_fails_before_any_service_is_touched, SwarmBench) {
  executor.Answer(PullArgv(std::string(REFERENCE)), {Exit(1, "Error response from daemon: connection refused\n")});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Failed);
  BOOST_TEST(StepNames(outcome) == (Names{"pull"}));
  BOOST_TEST(Changes() == 0u);
}

BOOST_FIXTURE_TEST_CASE(an_image_of_another_commit_is_stale_and_touches_nothing, SwarmBench) {
  commit = COMMIT;
  target.image_timeout = 60;
  target.image_poll = 15;
  Images({"sha256:0ld|", "sha256:new|" + OTHER_COMMIT});
  BOOST_TEST(Deploy().result == RunResult::Stale);
  BOOST_TEST(Changes() == 0u);
}

BOOST_FIXTURE_TEST_CASE(the_same_image_with_an_earlier_rollback_status_is_unchanged, SwarmBench) {
  Images({"sha256:0ld|"});
  std::string earlier = ServiceLine(OLD, "rollback_completed", "t0");
  Services({earlier});
  Tasks({"shop_web.1|" + OLD + "|Running 3 hours ago\n"});
  BOOST_TEST(Deploy().result == RunResult::Unchanged);
}

BOOST_FIXTURE_TEST_CASE(a_service_target_updates_each_service_to_the_checked_digest, SwarmBench) {
  target.kind = TargetKind::Service;
  target.stack.clear();
  target.compose_files.clear();
  target.services = {"shop_web"};
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "update", "converge"}));
  // Not the tag, which the manager would resolve again: the digest of the image the run checked.
  BOOST_TEST(outcome.steps[1].argv == ServiceUpdateArgv("shop_web", "reg.local/app@sha256:new"));
  BOOST_TEST(outcome.images[0].digest.value_or("") == "reg.local/app@sha256:new");
  BOOST_TEST(executor.Count(StackServicesArgv("shop")) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_service_target_with_the_registry_down_is_untouched, SwarmBench) {
  target.kind = TargetKind::Service;
  target.services = {"shop_web"};
  executor.Answer(PullArgv(std::string(REFERENCE)), {Exit(1)});
  BOOST_TEST(Deploy().result == RunResult::Failed);
  BOOST_TEST(Changes() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_rollback_job_updates_each_service_to_the_restored_images_digest, SwarmBench) {
  target.kind = TargetKind::Service;
  target.services = {"shop_web"};
  restore = std::vector<ContainerImage>{{"sha256:0ld", std::string(REFERENCE), "shop_web"}};
  executor.Answer(ImageInspectArgv("sha256:0ld"), {Exit(0, ImageJson("sha256:0ld|"))});
  Images({"sha256:new|", "sha256:0ld|"});
  Services({ServiceLine(NEW), ServiceLine(NEW), ServiceLine(OLD, "completed", "t2")});
  Tasks({"shop_web.1|" + OLD + "|Running 1 second ago\n"});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(StepNames(outcome) == (Names{"restore-tag", "update", "converge"}));
  BOOST_TEST(outcome.steps[1].argv == ServiceUpdateArgv("shop_web", "reg.local/app@sha256:0ld"));
  BOOST_TEST(executor.Count(PullArgv(std::string(REFERENCE))) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_rollback_job_without_a_registry_digest_changes_nothing, SwarmBench) {
  target.kind = TargetKind::Service;
  target.services = {"shop_web"};
  restore = std::vector<ContainerImage>{{"sha256:0ld", std::string(REFERENCE), "shop_web"}};
  executor.Answer(ImageInspectArgv("sha256:0ld"), {Exit(0, R"([{"Id": "sha256:0ld", "RepoDigests": []}])")});
  BOOST_TEST(Deploy().result == RunResult::Failed);
  BOOST_TEST(Changes() == 0u);
  BOOST_TEST(executor.Count(TagArgv("sha256:0ld", std::string(REFERENCE))) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_stack_the_manager_resolved_to_another_digest_is_pinned_to_the_checked_one,
                        SwarmBench) {
  // The tag moved at the registry between the run's pull and `stack deploy --resolve-image always`.
  const std::string moved = std::string(REFERENCE) + "@sha256:m0ved";
  executor.Answer(ServiceInspectArgv({"shop_web"}),
                  {Exit(0, ServiceLine(OLD)), Exit(0, ServiceLine(OLD)), Exit(0, ServiceLine(moved, "updating", "t1")),
                   Exit(0, ServiceLine(NEW, "updating", "t2")), Exit(0, ServiceLine(NEW, "completed", "t2"))});
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(outcome.result == RunResult::Succeeded);
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "deploy", "pin", "converge"}));
  BOOST_TEST(outcome.steps[2].argv == ServiceUpdateArgv("shop_web", "reg.local/app@sha256:new"));
  BOOST_TEST(outcome.images[0].digest.value_or("") == "reg.local/app@sha256:new");
}

BOOST_FIXTURE_TEST_CASE(a_stack_on_the_checked_digest_is_not_updated_again, SwarmBench) {
  DeploymentOutcome outcome = Deploy();
  BOOST_TEST(StepNames(outcome) == (Names{"pull", "deploy", "converge"}));
  BOOST_TEST(Changes() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
