// The source keys: a target with a source loads without project_dir, its compose_files stay
// relative to the checkout, and every mistake is one line naming the file, line and key.

#include <boost/test/unit_test.hpp>

#include "config/config.hpp"
#include "config/source_config.hpp"
#include "config_files.hpp"

namespace deployhook {
namespace {

using testing::CheckNames;
using testing::ConfigDir;
using testing::WithSecret;

// A target with a source; `keys` follow from line 6 on.
std::string Sourced(std::string_view keys) {
  return std::string(R"([[target]]
name = "shop"
repository = "acme/shop"
branch = "main"
source = "https://git.example.com/acme/shop.git"
)") + std::string(keys);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(source_config)

BOOST_FIXTURE_TEST_CASE(loads_every_source_key, ConfigDir) {
  Write("token", "t0ken-value\n");
  Write("age.key", "AGE-SECRET-KEY-1\n");
  Config config = Load(Sourced(R"(source_path = "deploy/"
source_token_file = "token"
compose_files = ["compose.yaml", "prod/override.yaml"]
build = true
poll = 60
age_identity_file = "age.key"
project_name = "shop-prod"
)"), WithSecret("s"));
  const Target& target = config.targets[0];
  BOOST_REQUIRE(target.source.has_value());
  BOOST_TEST(target.source->url == "https://git.example.com/acme/shop.git");
  BOOST_TEST(target.source->path == "deploy");
  BOOST_TEST(target.source->token == "t0ken-value");
  BOOST_TEST(target.source->build);
  BOOST_TEST(target.source->poll == 60);
  BOOST_TEST(target.source->age_identity_file->filename() == "age.key");
  BOOST_TEST(target.project_name == "shop-prod");
  BOOST_TEST(target.project_dir.empty());
  BOOST_TEST((target.compose_files == std::vector<std::string>{"compose.yaml", "prod/override.yaml"}));
}

BOOST_FIXTURE_TEST_CASE(the_project_is_named_after_the_target_by_default, ConfigDir) {
  Config config = Load(Sourced(""), WithSecret("s"));
  BOOST_TEST(config.targets[0].project_name == "shop");
  BOOST_TEST(config.targets[0].source->path == "");
  BOOST_TEST(!config.targets[0].source->build);
  BOOST_TEST(config.targets[0].source->poll == 0);
}

BOOST_FIXTURE_TEST_CASE(a_deploy_key_needs_pinned_host_keys, ConfigDir) {
  Write("key", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
  CheckNames(Error(Sourced("source_key_file = \"key\"\n"), WithSecret("s")), At(6), "source_known_hosts");
  Config config = Load(Sourced("source_key_file = \"key\"\nsource_known_hosts = \"hosts\"\n"), WithSecret("s"));
  BOOST_TEST(config.targets[0].source->key_file->filename() == "key");
  BOOST_TEST(config.targets[0].source->known_hosts->filename() == "hosts");
}

BOOST_FIXTURE_TEST_CASE(refuses_mistakes_at_their_key, ConfigDir) {
  Write("token", "t\n");
  Write("key", "k\n");
  struct Case {
    std::string keys;
    int line;
    std::string key;
  };
  for (const Case& c : std::vector<Case>{
           {"source_path = \"../etc\"\n", 6, "source_path"},
           {"source_path = \"/etc\"\n", 6, "source_path"},
           {"compose_files = [\"/srv/compose.yaml\"]\n", 6, "compose_files"},
           {"compose_files = [\"a/../../b.yaml\"]\n", 6, "compose_files"},
           {"source_token_file = \"token\"\nsource_key_file = \"key\"\nsource_known_hosts = \"h\"\n", 7, "source_key_file"},
           {"source_known_hosts = \"h\"\n", 6, "source_known_hosts"},
           {"project_name = \"Shop\"\n", 6, "project_name"},
           {"project_dir = \"/srv/shop\"\n", 6, "project_dir"},
           {"poll = -1\n", 6, "poll"},
           {"kind = \"stack\"\nstack = \"s\"\ncompose_files = [\"c.yaml\"]\n", 5, "source"},
       }) {
    CheckNames(Error(Sourced(c.keys), WithSecret("s")), At(c.line), c.key);
  }
}

BOOST_FIXTURE_TEST_CASE(refuses_a_password_in_the_url, ConfigDir) {
  std::string error = Error(R"([[target]]
name = "shop"
repository = "acme/shop"
branch = "main"
source = "https://deploy:hunter22@git.example.com/acme/shop.git"
)", WithSecret("s"));
  CheckNames(error, At(5), "source_token_file");
  Config config = Load(R"([[target]]
name = "shop"
repository = "acme/shop"
branch = "main"
source = "ssh://git@git.example.com:2222/acme/shop.git"
)", WithSecret("s"));
  BOOST_TEST(config.targets[0].source->url == "ssh://git@git.example.com:2222/acme/shop.git");
}

BOOST_FIXTURE_TEST_CASE(the_other_keys_need_a_source, ConfigDir) {
  for (std::string_view key : {"build = true\n", "poll = 30\n", "source_path = \"d\"\n", "project_name = \"p\"\n"}) {
    std::string toml = testing::Minimal() + std::string(key);
    BOOST_TEST(Error(toml, WithSecret("s")).find("needs source") != std::string::npos, toml);
  }
}

BOOST_AUTO_TEST_CASE(inside_paths_stay_below_their_folder) {
  BOOST_TEST(IsInsidePath("deploy"));
  BOOST_TEST(IsInsidePath("a/b.c/..d"));
  BOOST_TEST(!IsInsidePath(""));
  BOOST_TEST(!IsInsidePath("/deploy"));
  BOOST_TEST(!IsInsidePath(".."));
  BOOST_TEST(!IsInsidePath("a/../b"));
  BOOST_TEST(!IsInsidePath("a/.."));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
