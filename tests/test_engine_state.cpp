// The engine's state read as JSON: real `docker inspect` output, an image without labels, and
// text that is not state at all.

#include <boost/test/unit_test.hpp>

#include "deploy/engine_state.hpp"
#include "unit_support.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(engine_state)

BOOST_AUTO_TEST_CASE(reads_an_image_without_any_label) {
  auto images = ParseImages(testing::ReadFixture("engine/image-unlabelled-cli28.json"));
  BOOST_TEST_REQUIRE(images.has_value());
  BOOST_TEST_REQUIRE(images->size() == 1u);
  BOOST_TEST((*images)[0].id == "sha256:d797abddda7d85ab0d4021d76542ca5a9edb43a54ef0d8b11e40a9e1dbf1cd87");
  BOOST_TEST(!(*images)[0].revision.has_value());
  BOOST_TEST((*images)[0].rejected_revision.empty());
  BOOST_TEST((*images)[0].digests.empty());  // imported, never pushed or pulled
}

BOOST_AUTO_TEST_CASE(reads_a_pulled_image_with_its_revision_and_digest) {
  auto images = ParseImages(testing::ReadFixture("engine/image-labelled-cli20.json"));
  BOOST_TEST_REQUIRE(images.has_value());
  BOOST_TEST_REQUIRE(images->size() == 1u);
  const ImageInfo& image = (*images)[0];
  BOOST_TEST(image.revision.value_or("") == "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678");
  BOOST_TEST_REQUIRE(image.digests.size() == 1u);
  BOOST_TEST(image.digests[0].starts_with("127.0.0.1:48243/demo/app@sha256:"));
  BOOST_TEST(RegistryDigest(image.digests, "127.0.0.1:48243/demo/app:latest") == image.digests[0]);
}

BOOST_AUTO_TEST_CASE(a_label_that_is_not_a_commit_is_rejected_not_matched) {
  auto images = ParseImages(R"([{"Id": "sha256:abc", "Config": {"Labels": {"org.opencontainers.image.revision": "v1.2.3"}}}])");
  BOOST_TEST_REQUIRE(images.has_value());
  BOOST_TEST(!(*images)[0].revision.has_value());
  BOOST_TEST((*images)[0].rejected_revision == "v1.2.3");
}

BOOST_AUTO_TEST_CASE(reads_a_container_with_its_image_service_and_health) {
  auto containers = ParseContainers(testing::ReadFixture("engine/container-healthy-cli28.json"));
  BOOST_TEST_REQUIRE(containers.has_value());
  BOOST_TEST_REQUIRE(containers->size() == 1u);
  const ContainerState& state = (*containers)[0];
  BOOST_TEST(state.id.size() == 64u);
  BOOST_TEST(state.service == "app");
  BOOST_TEST(state.image.starts_with("sha256:"));
  BOOST_TEST(state.reference == "127.0.0.1:48243/demo/app:latest");
  BOOST_TEST(state.status == "running");
  BOOST_TEST(state.health == "healthy");
  BOOST_TEST(!state.started_at.empty());
  BOOST_TEST(state.restarts == "0");
  BOOST_TEST(state.exit_code == "0");
  BOOST_TEST(state.restart_policy.empty());  // compose v1 leaves the name empty: "no"
  std::vector<ContainerImage> running = RunningImages(*containers);
  BOOST_TEST_REQUIRE(running.size() == 1u);
  BOOST_TEST(running[0].image_id == state.image);
  BOOST_TEST(running[0].reference == state.reference);
  BOOST_TEST(running[0].service == "app");
}

BOOST_AUTO_TEST_CASE(a_container_without_healthcheck_or_labels_has_empty_fields) {
  auto containers = ParseContainers(R"([{"Id": "c1", "Image": "sha256:1", "Config": {"Image": "app", "Labels": null},
                                        "State": {"Status": "exited", "ExitCode": 3, "StartedAt": "t"},
                                        "RestartCount": 2, "HostConfig": {"RestartPolicy": {"Name": ""}}}])");
  BOOST_TEST_REQUIRE(containers.has_value());
  const ContainerState& state = (*containers)[0];
  BOOST_TEST(state.service.empty());
  BOOST_TEST(state.health.empty());
  BOOST_TEST(RunningImages(*containers).empty());  // exited: what compose v1's `ps -q` still lists
  BOOST_TEST(state.exit_code == "3");
  BOOST_TEST(state.restarts == "2");
}

BOOST_AUTO_TEST_CASE(reads_replicated_and_global_services) {
  auto services = ParseServices(R"([
    {"Spec": {"Name": "shop_web", "TaskTemplate": {"ContainerSpec": {"Image": "reg/app:1@sha256:aa"}},
              "Mode": {"Replicated": {"Replicas": 2}}},
     "UpdateStatus": {"State": "completed", "StartedAt": "t1"}},
    {"Spec": {"Name": "agent", "TaskTemplate": {"ContainerSpec": {"Image": "reg/agent:1"}}, "Mode": {"Global": {}}}}
  ])");
  BOOST_TEST_REQUIRE(services.has_value());
  BOOST_TEST_REQUIRE(services->size() == 2u);
  BOOST_TEST((*services)[0].name == "shop_web");
  BOOST_TEST((*services)[0].image == "reg/app:1@sha256:aa");
  BOOST_TEST((*services)[0].replicas.value_or(0) == 2u);
  BOOST_TEST((*services)[0].update_state == "completed");
  BOOST_TEST((*services)[0].update_started == "t1");
  BOOST_TEST(!(*services)[1].replicas.has_value());
  BOOST_TEST((*services)[1].update_state.empty());
}

BOOST_AUTO_TEST_CASE(text_that_is_not_state_is_unreadable) {
  // An error message, a template's output, an object instead of an array, an entry without id.
  for (const char* text : {"", "Error: No such image: app\n", "sha256:abc|\n", R"({"Id": "sha256:abc"})",
                           R"([{"Config": {}}])", "[{\"Id\": \"sha256:abc\"}"}) {
    BOOST_TEST(!ParseImages(text).has_value(), text);
    BOOST_TEST(!ParseContainers(text).has_value(), text);
    BOOST_TEST(!ParseServices(text).has_value(), text);
  }
  // What docker prints to stdout for an image it does not have.
  BOOST_TEST_REQUIRE(ParseImages("[]\n").has_value());
  BOOST_TEST(ParseImages("[]\n")->empty());
}

BOOST_AUTO_TEST_CASE(picks_the_digest_of_the_referenced_repository) {
  std::vector<std::string> digests = {"mirror.local/app@sha256:11", "reg.local:5000/app@sha256:22"};
  BOOST_TEST(RegistryDigest(digests, "reg.local:5000/app:latest") == "reg.local:5000/app@sha256:22");
  BOOST_TEST(RegistryDigest(digests, "reg.local:5000/app@sha256:99") == "reg.local:5000/app@sha256:22");
  BOOST_TEST(RegistryDigest(digests, "mirror.local/app") == "mirror.local/app@sha256:11");
  BOOST_TEST(RegistryDigest(digests, "other/app:1").empty());
  BOOST_TEST(RegistryDigest({}, "reg.local:5000/app:latest").empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
