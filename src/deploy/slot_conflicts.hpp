#pragma once
// What stops a compose file from running twice at once, as blue-green's two slots do: a fixed
// container_name, or a host port published that is not the slot's own. Read from what
// `compose config` prints (compose v1's YAML or v2's), with the slot's DEPLOYHOOK_PORT set.

#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

// Returns one line per conflict, naming the service and key ("service app: container_name shop:
// ..."); empty when both slots can run the file. `slot_port` is the DEPLOYHOOK_PORT the config
// was printed with: the one host port a slot may publish.
std::vector<std::string> SlotConflicts(std::string_view compose_config, int slot_port);

}  // namespace deployhook
