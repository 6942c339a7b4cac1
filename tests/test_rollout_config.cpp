// strategy and the blue-green keys: a complete blue-green target loads into its settings, and
// every mistake is one line naming the file, line and key.

#include <boost/test/unit_test.hpp>

#include "config/config.hpp"
#include "config_files.hpp"

namespace deployhook {
namespace {

using testing::CheckNames;
using testing::ConfigDir;
using testing::Minimal;
using testing::WithSecret;

// The minimal target with `keys` added (line 6 is the first of them).
std::string WithKeys(std::string_view keys) { return Minimal() + std::string(keys); }

constexpr std::string_view BLUE_GREEN = R"(strategy = "blue-green"
slots = ["127.0.0.1:8081", "[::1]:8082"]
upstream_file = "upstream/web.conf"
reload = ["sudo", "/usr/sbin/nginx", "-s", "reload"]
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(rollout_config)

BOOST_FIXTURE_TEST_CASE(recreate_is_the_default_and_has_no_blue_green_settings, ConfigDir) {
  Config config = Load(Minimal(), WithSecret("s"));
  BOOST_TEST((config.targets[0].strategy == Strategy::Recreate));
  BOOST_TEST(!config.targets[0].blue_green.has_value());
}

BOOST_FIXTURE_TEST_CASE(loads_every_blue_green_key, ConfigDir) {
  Config config = Load(WithKeys(std::string(BLUE_GREEN) + R"(upstream_format = "caddy"
ready_path = "/healthz"
drain = 3
release = "migrate"
)"), WithSecret("s"));
  const Target& target = config.targets[0];
  BOOST_TEST((target.strategy == Strategy::BlueGreen));
  BOOST_TEST_REQUIRE(target.blue_green.has_value());
  const BlueGreenSettings& settings = *target.blue_green;
  BOOST_TEST(settings.slots[0].host == "127.0.0.1");
  BOOST_TEST(settings.slots[0].port == 8081);
  BOOST_TEST(settings.slots[1].host == "::1");
  BOOST_TEST(settings.slots[1].text == "[::1]:8082");
  BOOST_TEST(settings.upstream_file == dir / "upstream/web.conf");  // against the file's folder
  BOOST_TEST((settings.upstream_format == UpstreamFormat::Caddy));
  BOOST_TEST(settings.reload == (std::vector<std::string>{"sudo", "/usr/sbin/nginx", "-s", "reload"}),
             boost::test_tools::per_element());
  BOOST_TEST(settings.ready_path.value_or("") == "/healthz");
  BOOST_TEST(settings.drain == 3);
  BOOST_TEST(settings.release.value_or("") == "migrate");
}

BOOST_FIXTURE_TEST_CASE(blue_green_defaults, ConfigDir) {
  Config config = Load(WithKeys(BLUE_GREEN), WithSecret("s"));
  const BlueGreenSettings& settings = *config.targets[0].blue_green;
  BOOST_TEST((settings.upstream_format == UpstreamFormat::Nginx));
  BOOST_TEST(settings.drain == 10);
  BOOST_TEST(!settings.ready_path.has_value());
  BOOST_TEST(!settings.release.has_value());
}

BOOST_FIXTURE_TEST_CASE(rejects_an_unknown_strategy, ConfigDir) {
  CheckNames(Error(WithKeys("strategy = \"rolling\"\n")), At(6), "strategy");
}

BOOST_FIXTURE_TEST_CASE(rejects_blue_green_keys_without_blue_green, ConfigDir) {
  for (std::string_view line : {"slots = [\"127.0.0.1:1\", \"127.0.0.1:2\"]\n", "drain = 5\n",
                                "release = \"migrate\"\n", "ready_path = \"/\"\n"}) {
    std::string error = Error(WithKeys(line));
    CheckNames(error, At(6), line.substr(0, line.find(' ')));
    BOOST_TEST(error.find("only for strategy = \"blue-green\"") != std::string::npos, error);
  }
}

BOOST_FIXTURE_TEST_CASE(rejects_blue_green_for_a_swarm_target, ConfigDir) {
  std::string toml = WithKeys(std::string(BLUE_GREEN) + "kind = \"service\"\nservices = [\"web\"]\n");
  CheckNames(Error(toml), At(6), "strategy");
}

BOOST_FIXTURE_TEST_CASE(rejects_slots_that_are_not_two_distinct_addresses, ConfigDir) {
  for (std::string_view slots : {R"(["127.0.0.1:8081"])", R"(["127.0.0.1:8081", "127.0.0.1:8081"])",
                                 R"(["127.0.0.1:8081", "127.0.0.1"])", R"(["127.0.0.1:8081", "::1:80"])",
                                 R"(["127.0.0.1:8081", "127.0.0.1:70000"])",
                                 R"(["127.0.0.1:8081", "host name:80"])"}) {
    std::string toml = WithKeys("strategy = \"blue-green\"\nslots = " + std::string(slots) +
                                "\nupstream_file = \"/u\"\nreload = [\"true\"]\n");
    CheckNames(Error(toml), At(7), "slots");
  }
}

BOOST_FIXTURE_TEST_CASE(blue_green_needs_upstream_file_and_reload, ConfigDir) {
  std::string no_upstream = WithKeys("strategy = \"blue-green\"\nslots = [\"127.0.0.1:1\", \"127.0.0.1:2\"]\n"
                                     "reload = [\"true\"]\n");
  BOOST_TEST(Error(no_upstream).find("upstream_file") != std::string::npos);
  std::string no_reload = WithKeys("strategy = \"blue-green\"\nslots = [\"127.0.0.1:1\", \"127.0.0.1:2\"]\n"
                                   "upstream_file = \"/u\"\n");
  BOOST_TEST(Error(no_reload).find("reload") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(rejects_bad_values_of_the_optional_keys, ConfigDir) {
  CheckNames(Error(WithKeys(std::string(BLUE_GREEN) + "upstream_format = \"apache\"\n")), At(10),
             "upstream_format");
  CheckNames(Error(WithKeys(std::string(BLUE_GREEN) + "ready_path = \"healthz\"\n")), At(10), "ready_path");
  CheckNames(Error(WithKeys(std::string(BLUE_GREEN) + "drain = -1\n")), At(10), "drain");
  CheckNames(Error(WithKeys(std::string(BLUE_GREEN) + "release = \"\"\n")), At(10), "release");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
