// What a pull did to each service's image, judged from compose config and image inspect output.

#include <boost/test/unit_test.hpp>

#include "deploy/image_state.hpp"

namespace deployhook {
namespace {

const std::string COMMIT = "0d1e2f3a4b5c6d7e8f9012345678901234567890";

ImageRecord Image(std::string service, std::optional<std::string> revision,
                  std::string before = "sha256:1", std::string after = "sha256:2") {
  return {std::move(service), "registry.local/" + service + ":latest", std::move(before),
          std::move(after), std::move(revision), std::nullopt};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(image_state)

BOOST_AUTO_TEST_CASE(reads_image_references_from_docker_compose_v1_config) {
  // What docker-compose 1.29 prints for a project with a healthcheck and a build-only service.
  std::string config =
      "services:\n"
      "  app:\n"
      "    healthcheck:\n"
      "      test:\n"
      "      - CMD\n"
      "      - /bin/true\n"
      "    image: 127.0.0.1:5000/app:latest\n"
      "    network_mode: none\n"
      "  builder:\n"
      "    build:\n"
      "      context: /srv/app\n"
      "  'db':\n"
      "    image: \"postgres:16\"\n"
      "version: '2.4'\n";
  auto images = ParseComposeImages(config);
  BOOST_TEST(images.size() == 2u);
  BOOST_TEST(images["app"] == "127.0.0.1:5000/app:latest");
  BOOST_TEST(images["db"] == "postgres:16");
}

BOOST_AUTO_TEST_CASE(reads_image_references_from_compose_v2_config_with_warnings) {
  std::string config =
      "WARNING: The TAG variable is not set. Defaulting to a blank string.\n"
      "name: demo\n"
      "services:\n"
      "  app:\n"
      "    image: registry.local/app:main\r\n"
      "WARNING: another warning from stderr\n"
      "    networks:\n"
      "      default: null\n"
      "networks:\n"
      "  default:\n"
      "    image: not-a-service\n";
  auto images = ParseComposeImages(config);
  BOOST_TEST(images.size() == 1u);
  BOOST_TEST(images["app"] == "registry.local/app:main");
}

BOOST_AUTO_TEST_CASE(reads_nothing_from_output_that_is_not_a_compose_file) {
  BOOST_TEST(ParseComposeImages("").empty());
  BOOST_TEST(ParseComposeImages("ERROR: no such file\n").empty());
  BOOST_TEST(ParseComposeImages("  app:\n    image: x\n").empty());
}

BOOST_AUTO_TEST_CASE(unpins_a_reference) {
  BOOST_TEST(Unpinned("reg:5000/app:1@sha256:abc") == "reg:5000/app:1");
  BOOST_TEST(Unpinned("reg:5000/app:1") == "reg:5000/app:1");
}

BOOST_AUTO_TEST_CASE(recognises_commit_shas) {
  BOOST_TEST(IsCommitSha(COMMIT));
  BOOST_TEST(IsCommitSha("ABCDEF0123456789ABCDEF0123456789ABCDEF01"));
  BOOST_TEST(!IsCommitSha(""));
  BOOST_TEST(!IsCommitSha(COMMIT.substr(1)));
  BOOST_TEST(!IsCommitSha(std::string(40, 'z')));
}

BOOST_AUTO_TEST_CASE(awaits_every_labelled_service_of_another_commit) {
  std::string other(40, 'a');
  std::vector<ImageRecord> images = {Image("app", other), Image("worker", COMMIT),
                                     Image("db", std::nullopt)};
  BOOST_TEST(AwaitedServices(images, COMMIT) == std::vector<std::string>{"app"});
  images[0].revision = COMMIT;
  BOOST_TEST(AwaitedServices(images, COMMIT).empty());
}

BOOST_AUTO_TEST_CASE(awaits_nothing_without_a_commit_to_aim_at) {
  std::vector<ImageRecord> images = {Image("app", std::string(40, 'a'))};
  BOOST_TEST(AwaitedServices(images, "").empty());
  BOOST_TEST(AwaitedServices(images, "main").empty());
}

BOOST_AUTO_TEST_CASE(unchanged_only_when_every_image_is_known_and_kept) {
  BOOST_TEST(ImagesUnchanged({Image("app", std::nullopt, "sha256:1", "sha256:1")}));
  BOOST_TEST(!ImagesUnchanged({Image("app", std::nullopt, "sha256:1", "sha256:2")}));
  BOOST_TEST(!ImagesUnchanged({Image("app", std::nullopt, "", "sha256:2")}));
  BOOST_TEST(!ImagesUnchanged({Image("app", std::nullopt, "sha256:1", "")}));
  BOOST_TEST(!ImagesUnchanged({}));
  BOOST_TEST(!ImagesUnchanged({Image("app", std::nullopt, "sha256:1", "sha256:1"),
                               Image("web", std::nullopt, "sha256:3", "sha256:4")}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
