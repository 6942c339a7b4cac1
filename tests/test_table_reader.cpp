// One TOML table read into typed values: unknown keys first, then each key's type, every
// mistake one line naming the file, line and key; relative paths against the file's folder.

#include <boost/test/unit_test.hpp>

#include <array>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/table_reader.hpp"

namespace deployhook {
namespace {

constexpr std::array<std::string_view, 3> KEYS = {"state_dir", "threads", "services"};

const ConfigFile FILE_IN_ETC{.name = "deployhook.toml", .path = "/etc/deployhook/deployhook.toml"};

// Returns the message of the ConfigError `read` throws, or "" when it throws none.
template <typename Read>
std::string ErrorOf(Read read) {
  try {
    read();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(table_reader)

BOOST_AUTO_TEST_CASE(resolves_a_relative_path_against_the_files_folder) {
  toml::table table = toml::parse("state_dir = \"state\"\nabsolute = \"/srv/state\"\n");
  TableReader reader(table, FILE_IN_ETC, "");
  BOOST_TEST(reader.Path("state_dir").value() == "/etc/deployhook/state");
  BOOST_TEST(reader.Path("absolute").value() == "/srv/state");
  BOOST_TEST(!reader.Path("missing").has_value());
  BOOST_TEST(reader.Resolve("../x") == "/etc/deployhook/../x");
}

BOOST_AUTO_TEST_CASE(names_file_line_and_key_of_a_value_of_the_wrong_type) {
  toml::table table = toml::parse("threads = 4\nstate_dir = 5\n");
  TableReader reader(table, FILE_IN_ETC, "");
  BOOST_TEST(ErrorOf([&] { reader.String("state_dir"); }) ==
             "deployhook.toml:2: state_dir: expected a string");
  BOOST_TEST(ErrorOf([&] { reader.Integer("threads", 1, 3); }) ==
             "deployhook.toml:1: threads: must be between 1 and 3");
}

BOOST_AUTO_TEST_CASE(reports_a_missing_key_at_its_tables_header) {
  toml::table root = toml::parse("threads = 1\n\n[[target]]\nname = \"web\"\n");
  const toml::table& target = *root["target"].as_array()->get(0)->as_table();
  TableReader reader = TableReader(root, FILE_IN_ETC, "").Nested(target, "target[0].");
  BOOST_TEST(ErrorOf([&] { reader.RequiredString("branch"); }) ==
             "deployhook.toml:3: target[0].branch: missing (required)");
}

BOOST_AUTO_TEST_CASE(rejects_an_unknown_key_with_the_known_one_it_was_meant_to_be) {
  toml::table table = toml::parse("threads = 1\nservics = [\"web\"]\n");
  TableReader reader(table, FILE_IN_ETC, "");
  BOOST_TEST(ErrorOf([&] { reader.RejectUnknownKeys(KEYS); }) ==
             "deployhook.toml:2: servics: unknown key (did you mean services?)");
}

BOOST_AUTO_TEST_CASE(keeps_a_message_on_one_line) {
  toml::table table = toml::parse("\"bad\\nkey\" = 1\n");
  TableReader reader(table, FILE_IN_ETC, "");
  BOOST_TEST(ErrorOf([&] { reader.RejectUnknownKeys(KEYS); }) ==
             "deployhook.toml:1: bad\\x0akey: unknown key");
  BOOST_TEST(OneLine("a\r\x7f") == "a\\x0d\\x7f");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
