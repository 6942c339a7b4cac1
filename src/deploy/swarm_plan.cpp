#include "deploy/swarm_plan.hpp"

namespace deployhook {
namespace {

constexpr const char* DOCKER = "docker";

Argv With(Argv argv, const std::vector<std::string>& more) {
  argv.insert(argv.end(), more.begin(), more.end());
  return argv;
}

}  // namespace

Argv StackDeployArgv(const Target& target) {
  Argv argv = {DOCKER, "stack", "deploy", "--with-registry-auth", "--resolve-image", "always"};
  for (const std::string& file : target.compose_files) {
    argv.push_back("-c");
    argv.push_back(file);
  }
  argv.push_back(target.stack);
  return argv;
}

Argv StackServicesArgv(const std::string& stack) {
  return {DOCKER, "service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack,
          "--format", "{{.Name}}"};
}

Argv PullArgv(const std::string& reference) { return {DOCKER, "pull", reference}; }

Argv ServiceUpdateArgv(const std::string& service, const std::string& reference) {
  return {DOCKER, "service", "update", "--with-registry-auth", "--image", reference, service};
}

Argv ServiceInspectArgv(const std::vector<std::string>& services) {
  return With({DOCKER, "service", "inspect"}, services);
}

Argv ServiceTasksArgv(const std::vector<std::string>& services) {
  return With({DOCKER, "service", "ps", "--no-trunc", "--filter", "desired-state=running",
               "--format", "{{.Name}}|{{.Image}}|{{.CurrentState}}"},
              services);
}

}  // namespace deployhook
