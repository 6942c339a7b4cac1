#pragma once
// The argv of every Swarm command a deployment runs, from the target's configuration alone.

#include <string>
#include <vector>

#include "deploy/step_plan.hpp"

namespace deployhook {

// docker stack deploy --with-registry-auth --resolve-image always -c F... <stack>
Argv StackDeployArgv(const Target& target);

// docker service ls of the stack's services: one name a line.
Argv StackServicesArgv(const std::string& stack);

// docker pull <reference>
Argv PullArgv(const std::string& reference);

// docker service update --with-registry-auth --image <reference> <service>
Argv ServiceUpdateArgv(const std::string& service, const std::string& reference);

// docker service inspect of services: a JSON array (engine_state.hpp reads it).
Argv ServiceInspectArgv(const std::vector<std::string>& services);

// docker service ps of the services' tasks meant to run: one "task-name|image|current-state"
// line each.
Argv ServiceTasksArgv(const std::vector<std::string>& services);

}  // namespace deployhook
