#pragma once
// The argv of every Swarm command a deployment runs, from the target's configuration alone.

#include <string>
#include <vector>

#include "step_plan.hpp"

namespace deployhook {

// docker stack deploy --with-registry-auth --resolve-image always -c F... <stack>
Argv StackDeployArgv(const Target& target);

// docker service ls of the stack's services: one name a line.
Argv StackServicesArgv(const std::string& stack);

// docker pull <reference>
Argv PullArgv(const std::string& reference);

// docker service update --with-registry-auth --image <reference> <service>
Argv ServiceUpdateArgv(const std::string& service, const std::string& reference);

// docker image inspect of one image id: its registry digests, each followed by '|'.
Argv RepoDigestsArgv(const std::string& image_id);

// docker service inspect of services: one "name|image|replicas|update-state|update-started"
// line each (replicas empty for a global service; the update fields empty without an update).
Argv ServiceInspectArgv(const std::vector<std::string>& services);

// docker service ps of the services' tasks meant to run: one "task-name|image|current-state"
// line each.
Argv ServiceTasksArgv(const std::vector<std::string>& services);

}  // namespace deployhook
