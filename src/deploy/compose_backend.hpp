#pragma once
// A Compose project on this engine: `pull`, `up -d`, a health gate over the service containers,
// and a rollback that tags the previous images back under their references.

#include <memory>
#include <optional>
#include <string>

#include "deploy/backend.hpp"

namespace deployhook {

// Returns the Compose backend for the setup's target and compose argv prefix; with a `project`,
// of that compose project (`-p`: a blue-green slot) instead of the directory's own.
std::unique_ptr<Backend> MakeComposeBackend(StepRunner& steps,
                                            const std::optional<std::string>& project = std::nullopt);

}  // namespace deployhook
