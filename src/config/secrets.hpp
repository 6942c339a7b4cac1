#pragma once
// Secrets read from files named in deployhook.toml: bounded in size, and what about them deserves
// a warning (whitespace that is part of the secret, a file others may read).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace deployhook {

class TableReader;

// A secret read from a file, and what about it deserves a warning.
struct SecretFile {
  std::string secret;
  std::vector<std::string> warnings;  // whitespace around it; a file group or others may read
};

// Returns the secret stored in `path` without its trailing newline (the rest is kept exactly,
// whitespace and all, with a warning). Throws ConfigError when it cannot be read, is longer
// than 4096 bytes, or is empty once whitespace is trimmed.
SecretFile ReadSecret(const std::filesystem::path& path);

// Returns ReadSecret(path).secret.
std::string ReadSecretFile(const std::filesystem::path& path);

// Returns the secret in the file at `path`, which the table's `key` names; fails at that key
// when it cannot be read or is too long or blank, and adds its warnings to `warnings`.
std::string SecretAt(const TableReader& reader, std::string_view key,
                     const std::filesystem::path& path, std::vector<std::string>& warnings);

// Returns true when `text` holds nothing but whitespace (or nothing).
bool IsBlank(std::string_view text);

// Returns true when `text` begins or ends with whitespace.
bool HasSurroundingWhitespace(std::string_view text);

}  // namespace deployhook
