#pragma once
// Docker Swarm: a stack (`docker stack deploy`) or single services (`docker service update`).
// Every image is pulled first, so an unreachable registry fails the run before a service is
// touched; Swarm's own update and rollback (update_config) are the gate.

#include <memory>

#include "deploy/backend.hpp"

namespace deployhook {

// Returns the Swarm backend for the setup's target (kind stack or service).
std::unique_ptr<Backend> MakeSwarmBackend(StepRunner& steps);

}  // namespace deployhook
