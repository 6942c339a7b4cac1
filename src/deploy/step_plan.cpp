#include "deploy/step_plan.hpp"

namespace deployhook {
namespace {

constexpr const char* DOCKER = "docker";

Argv ComposePrefix(const Target& target, const Argv& compose) {
  Argv argv = compose;
  for (const std::string& file : target.compose_files) {
    argv.push_back("-f");
    argv.push_back(file);
  }
  return argv;
}

Argv WithServices(Argv argv, const Target& target) {
  argv.insert(argv.end(), target.services.begin(), target.services.end());
  return argv;
}

}  // namespace

StepPlan PlanSteps(const Target& target, const Argv& compose, ComposeGeneration generation) {
  Argv prefix = ComposePrefix(target, compose);
  auto command = [&](std::initializer_list<const char*> words) {
    Argv argv = prefix;
    argv.insert(argv.end(), words.begin(), words.end());
    return WithServices(std::move(argv), target);
  };
  Argv config = prefix;
  config.push_back("config");
  Argv up = generation == ComposeGeneration::V2 ? command({"up", "-d", "--pull", "never"})
                                                : command({"up", "-d"});
  return {command({"pull"}), std::move(up), command({"ps", "-q"}), std::move(config)};
}

Argv InspectContainersArgv(const std::vector<std::string>& ids) {
  Argv argv = {DOCKER, "inspect", "--type", "container"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  return argv;
}

Argv ImageInspectArgv(const std::string& reference) { return {DOCKER, "image", "inspect", reference}; }

Argv TagArgv(const std::string& image_id, const std::string& reference) {
  return {DOCKER, "tag", image_id, reference};
}

}  // namespace deployhook
