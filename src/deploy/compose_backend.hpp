#pragma once
// A Compose project on this engine: `pull`, `up -d`, a health gate over the service containers,
// and a rollback that tags the previous images back under their references.

#include <memory>

#include "deploy/backend.hpp"

namespace deployhook {

// Returns the Compose backend for the setup's target and compose argv prefix.
std::unique_ptr<Backend> MakeComposeBackend(StepRunner& steps);

}  // namespace deployhook
