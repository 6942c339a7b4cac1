#pragma once
// The argv of every command a deployment runs, built from the target's configuration alone:
// nothing from a payload ever reaches them.

#include <string>
#include <vector>

#include "config.hpp"

namespace deployhook {

using Argv = std::vector<std::string>;

struct StepPlan {
  Argv pull;  // <compose> [-f F]... pull <services>
  Argv up;    // <compose> [-f F]... up -d <services>
  Argv ps;    // <compose> [-f F]... ps -q <services>: the service containers' ids
  Argv config;  // <compose> [-f F]... config: the normalised compose file (image references)
};

// Returns the plan for `target` with the compose argv prefix `compose`.
StepPlan PlanSteps(const Target& target, const Argv& compose);

// docker inspect of containers, one "image-id|reference|service" line each.
Argv InspectImagesArgv(const std::vector<std::string>& container_ids);

// docker inspect of containers, one
// "id|service|status|health|started-at|restarts|exit-code|restart-policy" line each.
Argv InspectStateArgv(const std::vector<std::string>& container_ids);

// docker image inspect of one reference: one "image-id|revision-label" line.
Argv ImageInspectArgv(const std::string& reference);

// docker image inspect of one image id: succeeds only while the engine still has it.
Argv ImageIdInspectArgv(const std::string& image_id);

// docker tag IMAGE REFERENCE: puts a previous image back under its name.
Argv TagArgv(const std::string& image_id, const std::string& reference);

}  // namespace deployhook
