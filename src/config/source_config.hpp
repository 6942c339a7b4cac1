#pragma once
// Reading a target's source keys: source, source_path, source_token_file, source_key_file,
// source_known_hosts, build, poll, age_identity_file and project_name.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/table_reader.hpp"

namespace deployhook {

// The keys ReadSource reads.
extern const std::vector<std::string_view> SOURCE_KEYS;

// Reads the source keys into `target` (after kind and strategy). Without `source` the others
// are refused; with it, project_dir is, and compose_files must be relative paths inside the
// checkout. Fails at the key for a URL that holds a password, a path leaving the checkout, both
// a token and a key, a key without pinned host keys, or a project name compose refuses.
void ReadSource(const TableReader& reader, Target& target, std::vector<std::string>& warnings);

// Returns true when `path` is relative and stays below its folder: no "..", no leading "/".
bool IsInsidePath(std::string_view path);

}  // namespace deployhook
