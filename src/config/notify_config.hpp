#pragma once
// The [[notify]] tables of deployhook.toml.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/table_reader.hpp"

namespace deployhook {

// Returns the notifiers of the [[notify]] tables below `root` (the file's top level), in file
// order; none when there is no such table. `targets` are the configured ones (a notifier may
// name only these); what deserves a warning is added to `warnings`. Throws ConfigError for a
// mistake in one (an unknown key first).
std::vector<Notifier> ReadNotifiers(const TableReader& root, const std::vector<Target>& targets,
                                    std::vector<std::string>& warnings);

}  // namespace deployhook
