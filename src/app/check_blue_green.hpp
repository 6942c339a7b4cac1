#pragma once
// check-config's look at a blue-green target: prints its slots and front door, and refuses what
// cannot work (a reload command that is not an executable file, a compose file whose services
// cannot run in both slots at once).

#include "config/config.hpp"
#include "deploy/compose_command.hpp"

namespace deployhook {

// Prints the target's strategy (and, for blue-green, its settings and any conflict on stderr as
// "error: ..."); returns how many errors it found.
int CheckBlueGreen(const Target& target, const ComposeChoice& compose);

}  // namespace deployhook
