#include "deploy/backend.hpp"

#include "deploy/blue_green_backend.hpp"
#include "deploy/compose_backend.hpp"
#include "deploy/swarm_backend.hpp"

namespace deployhook {

std::unique_ptr<Backend> MakeBackend(StepRunner& steps) {
  switch (steps.setup().target.kind) {
    case TargetKind::Stack:
    case TargetKind::Service:
      return MakeSwarmBackend(steps);
    case TargetKind::Compose:
      break;
  }
  if (steps.setup().target.blue_green) return MakeBlueGreenBackend(steps);
  return MakeComposeBackend(steps);
}

}  // namespace deployhook
