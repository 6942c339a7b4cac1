#include "deploy/step_plan.hpp"

namespace deployhook {
namespace {

constexpr const char* DOCKER = "docker";

Argv ComposePrefix(const Target& target, const Argv& compose, const std::optional<std::string>& project) {
  Argv argv = compose;
  for (const std::string& file : target.compose_files) {
    argv.push_back("-f");
    argv.push_back(file);
  }
  if (project) {
    argv.push_back("-p");
    argv.push_back(*project);
  }
  return argv;
}

Argv WithServices(Argv argv, const Target& target) {
  argv.insert(argv.end(), target.services.begin(), target.services.end());
  return argv;
}

}  // namespace

StepPlan PlanSteps(const Target& target, const Argv& compose, ComposeGeneration generation,
                   const std::optional<std::string>& project) {
  Argv prefix = ComposePrefix(target, compose, project);
  auto command = [&](std::initializer_list<const char*> words) {
    Argv argv = prefix;
    argv.insert(argv.end(), words.begin(), words.end());
    return WithServices(std::move(argv), target);
  };
  Argv config = prefix;
  config.push_back("config");
  bool build = target.source && target.source->build;
  Argv up = generation == ComposeGeneration::V2 && !build ? command({"up", "-d", "--pull", "never"})
                                                          : command({"up", "-d"});
  Argv release;
  if (target.blue_green && target.blue_green->release) {
    release = prefix;
    release.insert(release.end(), {"run", "--rm", *target.blue_green->release});
  }
  return {.pull = build ? command({"build"}) : command({"pull"}), .pull_name = build ? "build" : "pull",
          .up = std::move(up), .ps = command({"ps", "-q"}),
          .config = std::move(config), .release = std::move(release),
          .remove = command({"rm", "-s", "-f"})};
}

Argv InspectContainersArgv(const std::vector<std::string>& ids) {
  Argv argv = {DOCKER, "inspect", "--type", "container"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  return argv;
}

Argv ProjectContainersArgv(const std::string& project, bool stopped) {
  Argv argv = {DOCKER, "ps", "-q", "--no-trunc"};
  if (stopped) argv.push_back("-a");
  argv.insert(argv.end(), {"--filter", "label=com.docker.compose.project=" + project, "--filter",
                           "label=com.docker.compose.oneoff=False"});
  return argv;
}

Argv ImageInspectArgv(const std::string& reference) { return {DOCKER, "image", "inspect", reference}; }

Argv TagArgv(const std::string& image_id, const std::string& reference) {
  return {DOCKER, "tag", image_id, reference};
}

}  // namespace deployhook
