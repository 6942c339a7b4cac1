#pragma once
// Reading a target's strategy and its blue-green keys (slots, upstream_file, upstream_format,
// reload, ready_path, drain, release).

#include "config/config.hpp"
#include "config/table_reader.hpp"

namespace deployhook {

// Reads strategy and, for blue-green, its keys into `target` (read after kind: blue-green is
// for compose targets). The blue-green keys belong to strategy = "blue-green" alone.
void ReadRollout(const TableReader& reader, Target& target);

}  // namespace deployhook
