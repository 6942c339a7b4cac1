// The small environment every deployment step gets.

#include <boost/test/unit_test.hpp>

#include "deploy/step_environment.hpp"

namespace deployhook {
namespace {

using Env = std::map<std::string, std::string>;

Env From(std::vector<std::string> entries) {
  std::vector<char*> pointers;
  for (std::string& entry : entries) pointers.push_back(entry.data());
  pointers.push_back(nullptr);
  return StepEnvironment(pointers.data());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(step_environment)

BOOST_AUTO_TEST_CASE(keeps_path_home_and_docker_and_compose_variables) {
  Env env = From({"PATH=/opt/bin:/usr/bin", "HOME=/home/ops", "DOCKER_HOST=unix:///run/d.sock",
                  "COMPOSE_PROJECT_NAME=web", "DOCKER_CONFIG=/home/ops/.docker"});
  BOOST_TEST((env == Env{{"COMPOSE_PROJECT_NAME", "web"},
                         {"DOCKER_CONFIG", "/home/ops/.docker"},
                         {"DOCKER_HOST", "unix:///run/d.sock"},
                         {"HOME", "/home/ops"},
                         {"PATH", "/opt/bin:/usr/bin"}}));
}

BOOST_AUTO_TEST_CASE(drops_everything_else) {
  Env env = From({"WEBHOOK_SECRET=s3cret", "LD_PRELOAD=/tmp/x.so", "DEPLOYHOOK_CONFIG=/etc/d.toml",
                  "MY_DOCKER_HOST=x", "PATHX=y", "NOEQUALS"});
  BOOST_TEST(env.size() == 2u);  // only the PATH and HOME defaults
  BOOST_TEST(!env.contains("WEBHOOK_SECRET"));
}

BOOST_AUTO_TEST_CASE(supplies_path_and_home_when_missing) {
  Env env = From({});
  BOOST_TEST(env.at("PATH") == "/usr/local/bin:/usr/bin:/bin");
  BOOST_TEST(env.at("HOME") == "/");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
