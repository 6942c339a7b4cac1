// What several subcommands share: finding a target by name.

#include <algorithm>

#include "app/commands.hpp"

namespace deployhook {

const Target& FindTarget(const Config& config, const std::string& name) {
  auto found = std::find_if(config.targets.begin(), config.targets.end(),
                            [&](const Target& target) { return target.name == name; });
  if (found != config.targets.end()) return *found;
  std::string known;
  for (const Target& target : config.targets) known += (known.empty() ? "" : ", ") + target.name;
  throw UsageError("no target named \"" + name + "\" in " + config.source.string() + " (targets: " + known + ")");
}

}  // namespace deployhook
