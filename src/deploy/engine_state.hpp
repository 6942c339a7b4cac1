#pragma once
// The engine's state as data: what `docker inspect`, `docker image inspect` and `docker service
// inspect` print without a template (a JSON array of objects), parsed with simdjson. No field
// but an object's id is assumed present: an image with no labels at all, a container without a
// healthcheck, a global service are ordinary. Text that is not such an array is unreadable,
// which the caller turns into a failed step, never into an empty value.

#include <optional>
#include <string_view>
#include <vector>

#include "deploy/container_state.hpp"
#include "deploy/image_state.hpp"
#include "deploy/swarm_state.hpp"

namespace deployhook {

// Returns the containers `docker inspect --type container` described; nothing when the text is
// not a JSON array of objects that each have an `Id`.
std::optional<std::vector<ContainerState>> ParseContainers(std::string_view json);

// Returns the images `docker image inspect` described; nothing when the text is not a JSON
// array of objects that each have an `Id`.
std::optional<std::vector<ImageInfo>> ParseImages(std::string_view json);

// Returns the services `docker service inspect` described; nothing when the text is not a JSON
// array of objects that each have `Spec.Name`.
std::optional<std::vector<SwarmService>> ParseServices(std::string_view json);

}  // namespace deployhook
