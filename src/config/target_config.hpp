#pragma once
// The [[target]] tables of deployhook.toml.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/table_reader.hpp"

namespace deployhook {

// Returns the targets of the [[target]] tables below `root` (the file's top level), in file
// order, adding what deserves a warning to `warnings`. Throws ConfigError when there is none, for
// a mistake in one (an unknown key first), or for a name used twice.
std::vector<Target> ReadTargets(const TableReader& root, std::vector<std::string>& warnings);

}  // namespace deployhook
