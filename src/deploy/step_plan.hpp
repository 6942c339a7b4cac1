#pragma once
// The argv of every command a deployment runs, built from the target's configuration alone:
// nothing from a payload ever reaches them.

#include <optional>
#include <string>
#include <vector>

#include "deploy/compose_command.hpp"
#include "config/config.hpp"

namespace deployhook {

using Argv = std::vector<std::string>;

struct StepPlan {
  Argv pull;  // <compose> [-f F]... pull <services>; with build = true, build <services>
  std::string pull_name = "pull";  // the step's name: "pull", or "build"
  Argv up;    // <compose> [-f F]... up -d [--pull never] <services>: never pulls again (v2);
              // with build = true, up -d (the built images are there; absent others are pulled)
  Argv ps;    // <compose> [-f F]... ps -q <services>: the service containers' ids
  Argv config;  // <compose> [-f F]... config: the normalised compose file (image references)
  Argv release;  // <compose> [-f F]... run --rm <release>: empty when the target has none
  Argv remove;   // <compose> [-f F]... rm -s -f <services>: stops and removes the containers
};

// Returns the plan for `target` with the compose argv prefix `compose` of `generation`; with a
// `project`, every command names it (`-p PROJECT`: a blue-green slot).
StepPlan PlanSteps(const Target& target, const Argv& compose,
                   ComposeGeneration generation = ComposeGeneration::V1,
                   const std::optional<std::string>& project = std::nullopt);

// docker inspect --type container of containers: a JSON array (engine_state.hpp reads it).
Argv InspectContainersArgv(const std::vector<std::string>& container_ids);

// docker ps -q --no-trunc of the containers of compose project `project` that are not one-off
// (`compose run`): running ones, or every one when `stopped` (compose v1's `ps -q` lists stopped
// containers, v2's does not).
Argv ProjectContainersArgv(const std::string& project, bool stopped);

// docker image inspect of one reference or image id: a JSON array of one image; exits non-zero
// when the engine has no such image.
Argv ImageInspectArgv(const std::string& reference);

// docker tag IMAGE REFERENCE: puts a previous image back under its name.
Argv TagArgv(const std::string& image_id, const std::string& reference);

}  // namespace deployhook
