#pragma once
// A compose target with strategy = "blue-green": two compose projects, one per slot, behind the
// front door. A run starts the new version in the idle slot, gates it on container health and
// ready_path, then writes upstream_file naming it, reloads the front door, drains and removes
// the old slot. A new slot that is not healthy or not ready is removed and the front door never
// changed: the run is rolled_back with the old slot serving throughout.

#include <memory>

#include "deploy/backend.hpp"

namespace deployhook {

// Returns the blue-green backend for the setup's target (which has blue_green settings).
std::unique_ptr<Backend> MakeBlueGreenBackend(StepRunner& steps);

}  // namespace deployhook
