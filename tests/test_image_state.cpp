// What a pull did to each service's image, judged from compose config and image inspect output.

#include <boost/test/unit_test.hpp>

#include "image_state.hpp"

namespace deployhook {
namespace {

const std::string COMMIT = "0d1e2f3a4b5c6d7e8f9012345678901234567890";

ImageRecord Image(std::string service, std::optional<std::string> revision,
                  std::string before = "sha256:1", std::string after = "sha256:2") {
  return {std::move(service), "registry.local/" + service + ":latest", std::move(before),
          std::move(after), std::move(revision)};
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

BOOST_AUTO_TEST_CASE(parses_an_image_id_and_its_revision_label) {
  auto info = ParseImageInspect("sha256:abc|" + COMMIT + "\n");
  BOOST_TEST_REQUIRE(info.has_value());
  BOOST_TEST(info->id == "sha256:abc");
  BOOST_TEST(info->revision.value_or("") == COMMIT);
}

BOOST_AUTO_TEST_CASE(an_absent_label_is_no_revision) {
  for (std::string line : std::vector<std::string>{"sha256:abc|", "sha256:abc|<no value>", "sha256:abc|  \n"}) {
    auto info = ParseImageInspect(line);
    BOOST_TEST_REQUIRE(info.has_value());
    BOOST_TEST(!info->revision.has_value());
    BOOST_TEST(info->rejected_revision.empty());
  }
}

BOOST_AUTO_TEST_CASE(a_label_that_is_not_a_full_sha_is_rejected_not_matched) {
  for (std::string label : std::vector<std::string>{"v1.2.3", COMMIT.substr(0, 12), COMMIT + "0", "g" + COMMIT.substr(1)}) {
    auto info = ParseImageInspect("sha256:abc|" + label);
    BOOST_TEST_REQUIRE(info.has_value());
    BOOST_TEST(!info->revision.has_value(), label);
    BOOST_TEST(info->rejected_revision == label);
  }
}

BOOST_AUTO_TEST_CASE(output_without_an_image_id_is_nothing) {
  BOOST_TEST(!ParseImageInspect("").has_value());
  BOOST_TEST(!ParseImageInspect("Error: No such image: app\n").has_value());
  BOOST_TEST(!ParseImageInspect("sha256:abc").has_value());
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
