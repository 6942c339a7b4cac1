#include "step_plan.hpp"

#include "image_state.hpp"

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

Argv Inspect(const std::string& format, const std::vector<std::string>& ids) {
  Argv argv = {DOCKER, "inspect", "--format", format};
  argv.insert(argv.end(), ids.begin(), ids.end());
  return argv;
}

}  // namespace

StepPlan PlanSteps(const Target& target, const Argv& compose) {
  Argv prefix = ComposePrefix(target, compose);
  auto command = [&](std::initializer_list<const char*> words) {
    Argv argv = prefix;
    argv.insert(argv.end(), words.begin(), words.end());
    return WithServices(std::move(argv), target);
  };
  Argv config = prefix;
  config.push_back("config");
  return {command({"pull"}), command({"up", "-d"}), command({"ps", "-q"}), std::move(config)};
}

Argv InspectImagesArgv(const std::vector<std::string>& ids) {
  return Inspect(R"({{.Image}}|{{.Config.Image}}|{{index .Config.Labels "com.docker.compose.service"}})", ids);
}

Argv InspectStateArgv(const std::vector<std::string>& ids) {
  return Inspect(R"({{.Id}}|{{index .Config.Labels "com.docker.compose.service"}}|{{.State.Status}}|)"
                 "{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.State.StartedAt}}|"
                 "{{.RestartCount}}|{{.State.ExitCode}}|{{.HostConfig.RestartPolicy.Name}}",
                 ids);
}

Argv ImageInspectArgv(const std::string& reference) {
  return {DOCKER, "image", "inspect", "--format",
          "{{.Id}}|{{index .Config.Labels \"" + std::string(REVISION_LABEL) + "\"}}", reference};
}

Argv ImageIdInspectArgv(const std::string& image_id) {
  return {DOCKER, "image", "inspect", "--format", "{{.Id}}", image_id};
}

Argv TagArgv(const std::string& image_id, const std::string& reference) {
  return {DOCKER, "tag", image_id, reference};
}

}  // namespace deployhook
