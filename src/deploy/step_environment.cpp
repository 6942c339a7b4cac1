#include "deploy/step_environment.hpp"

#include <string_view>

extern char** environ;

namespace deployhook {
namespace {

constexpr const char* DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

bool Passes(std::string_view name) {
  return name == "PATH" || name == "HOME" || name.starts_with("DOCKER_") ||
         name.starts_with("COMPOSE_");
}

}  // namespace

std::map<std::string, std::string> StepEnvironment(char** entries) {
  std::map<std::string, std::string> env;
  for (char** entry = entries; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::size_t eq = text.find('=');
    if (eq == std::string_view::npos || !Passes(text.substr(0, eq))) continue;
    env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  env.emplace("PATH", DEFAULT_PATH);  // kept when the worker had its own
  env.emplace("HOME", "/");
  return env;
}

std::map<std::string, std::string> StepEnvironment() { return StepEnvironment(environ); }

}  // namespace deployhook
