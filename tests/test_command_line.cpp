// deployhook's command line, parsed into plain values.

#include <boost/test/unit_test.hpp>

#include <vector>

#include "app/command_line.hpp"

namespace deployhook {
namespace {

CommandLineResult Parse(std::vector<std::string_view> args) { return ParseCommandLine(args); }

// Returns the error parsing `args` gives; fails the test when it parses.
std::string Error(std::vector<std::string_view> args) {
  CommandLineResult result = Parse(args);
  BOOST_TEST(!result.command_line.has_value());
  BOOST_TEST(result.error.find('\n') == std::string::npos);
  return result.error;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(command_line)

BOOST_AUTO_TEST_CASE(parses_serve_with_its_options) {
  CommandLineResult result =
      Parse({"serve", "--config", "/etc/d.toml", "--listen=unix:/run/d.sock", "--threads", "8"});
  BOOST_TEST_REQUIRE(result.command_line.has_value(), result.error);
  const CommandLine& line = *result.command_line;
  BOOST_TEST((line.command == Command::Serve));
  BOOST_TEST(line.config.value_or("") == "/etc/d.toml");
  BOOST_TEST(line.listen.value_or("") == "unix:/run/d.sock");
  BOOST_TEST(line.threads.value_or(0) == 8);
}

BOOST_AUTO_TEST_CASE(parses_status_json_and_limit) {
  CommandLineResult result = Parse({"status", "--json", "--limit", "5"});
  BOOST_TEST_REQUIRE(result.command_line.has_value(), result.error);
  BOOST_TEST((result.command_line->command == Command::Status));
  BOOST_TEST(result.command_line->json);
  BOOST_TEST(result.command_line->limit == 5);
  BOOST_TEST(Parse({"status"}).command_line.value_or(CommandLine{}).limit == 20);
}

BOOST_AUTO_TEST_CASE(parses_deploy_target) {
  CommandLineResult result = Parse({"deploy", "--config", "d.toml", "web"});
  BOOST_TEST_REQUIRE(result.command_line.has_value(), result.error);
  BOOST_TEST((result.command_line->command == Command::Deploy));
  BOOST_TEST(result.command_line->target == "web");
}

BOOST_AUTO_TEST_CASE(parses_sign_version_and_help) {
  BOOST_TEST((Parse({"sign", "--secret-file", "s"}).command_line.value_or(CommandLine{}).command ==
              Command::Sign));
  BOOST_TEST((Parse({"--version"}).command_line.value_or(CommandLine{}).command == Command::Version));
  for (std::string_view help : {"--help", "-h", "help"}) {
    BOOST_TEST((Parse({help}).command_line.value_or(CommandLine{}).command == Command::Help));
  }
  BOOST_TEST(UsageText().find("deployhook serve") != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(rejects_missing_or_unknown_command) {
  BOOST_TEST(Error({}).find("missing command") != std::string::npos);
  BOOST_TEST(Error({"start"}).find("unknown command 'start'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_option_the_command_does_not_take) {
  BOOST_TEST(Error({"status", "--listen", "x"}).find("'--listen'") != std::string::npos);
  BOOST_TEST(Error({"serve", "--conf", "x"}).find("'--conf'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_option_without_value) {
  BOOST_TEST(Error({"serve", "--config"}).find("needs a value") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_bad_numbers) {
  for (std::string_view threads : {"0", "257", "-1", "4x", ""}) {
    BOOST_TEST_CONTEXT(threads) { Error({"serve", "--threads", threads}); }
  }
  Error({"status", "--limit", "0"});
}

BOOST_AUTO_TEST_CASE(rejects_deploy_without_target_and_extra_arguments) {
  BOOST_TEST(Error({"deploy"}).find("TARGET") != std::string::npos);
  BOOST_TEST(Error({"deploy", "web", "worker"}).find("'worker'") != std::string::npos);
  BOOST_TEST(Error({"serve", "now"}).find("'now'") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
