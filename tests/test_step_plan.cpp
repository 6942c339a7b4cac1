// The argv of every step, built from the target's configuration alone.

#include <boost/test/unit_test.hpp>

#include "deploy/step_plan.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using Words = std::vector<std::string>;

Target WebTarget(Words services, Words files = {}) {
  Target target = testing::MakeTarget("web", "octo/app", "main");
  target.services = std::move(services);
  target.compose_files = std::move(files);
  return target;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(step_plan)

BOOST_AUTO_TEST_CASE(builds_pull_up_and_ps_for_the_services) {
  StepPlan plan = PlanSteps(WebTarget({"app", "worker"}), {"docker", "compose"});
  BOOST_TEST(plan.pull == (Words{"docker", "compose", "pull", "app", "worker"}));
  BOOST_TEST(plan.up == (Words{"docker", "compose", "up", "-d", "app", "worker"}));
  BOOST_TEST(plan.ps == (Words{"docker", "compose", "ps", "-q", "app", "worker"}));
}

BOOST_AUTO_TEST_CASE(passes_each_compose_file_with_f_before_the_command) {
  StepPlan plan = PlanSteps(WebTarget({"app"}, {"compose.yaml", "prod.yaml"}), {"docker-compose"});
  BOOST_TEST(plan.pull ==
             (Words{"docker-compose", "-f", "compose.yaml", "-f", "prod.yaml", "pull", "app"}));
  BOOST_TEST(plan.up ==
             (Words{"docker-compose", "-f", "compose.yaml", "-f", "prod.yaml", "up", "-d", "app"}));
}

BOOST_AUTO_TEST_CASE(names_no_services_for_the_whole_project) {
  StepPlan plan = PlanSteps(WebTarget({}), {"docker", "compose"});
  BOOST_TEST(plan.pull == (Words{"docker", "compose", "pull"}));
  BOOST_TEST(plan.up == (Words{"docker", "compose", "up", "-d"}));
  BOOST_TEST(plan.ps == (Words{"docker", "compose", "ps", "-q"}));
}

BOOST_AUTO_TEST_CASE(keeps_a_longer_compose_prefix_whole) {
  StepPlan plan = PlanSteps(WebTarget({"app"}), {"/usr/bin/docker", "--context", "prod", "compose"});
  BOOST_TEST(plan.pull == (Words{"/usr/bin/docker", "--context", "prod", "compose", "pull", "app"}));
}

BOOST_AUTO_TEST_CASE(inspects_containers_and_images_as_json_without_templates) {
  BOOST_TEST(InspectContainersArgv({"c1", "c2"}) == (Words{"docker", "inspect", "--type", "container", "c1", "c2"}));
  BOOST_TEST(ImageInspectArgv("reg/app:1") == (Words{"docker", "image", "inspect", "reg/app:1"}));
}

BOOST_AUTO_TEST_CASE(compose_v2_up_never_pulls) {
  StepPlan plan = PlanSteps(WebTarget({"app"}), {"docker", "compose"}, ComposeGeneration::V2);
  BOOST_TEST(plan.up == (Words{"docker", "compose", "up", "-d", "--pull", "never", "app"}));
  BOOST_TEST(plan.pull == (Words{"docker", "compose", "pull", "app"}));
}

BOOST_AUTO_TEST_CASE(tells_the_compose_generation_from_its_version) {
  BOOST_TEST((GenerationOf("Docker Compose version v2.26.1\n") == ComposeGeneration::V2));
  BOOST_TEST((GenerationOf("Docker Compose version 2.26.1+ds1-1\n") == ComposeGeneration::V2));
  BOOST_TEST((GenerationOf("docker-compose version 1.29.2, build unknown\n") == ComposeGeneration::V1));
  BOOST_TEST((GenerationOf("") == ComposeGeneration::V1));
  BOOST_TEST((GenerationOf("version") == ComposeGeneration::V1));
}

BOOST_AUTO_TEST_CASE(tags_an_image_back_under_its_reference) {
  BOOST_TEST(TagArgv("sha256:0123", "registry.local/app:latest") ==
             (Words{"docker", "tag", "sha256:0123", "registry.local/app:latest"}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
