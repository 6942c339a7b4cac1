#pragma once
// Reading one TOML table of deployhook.toml: its keys checked against the ones it may have, then
// typed values read out of it, every mistake reported on one line naming the file, line and key.

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

using KeyList = std::span<const std::string_view>;

// The file the tables come from: its name as given (in messages) and its absolute path (relative
// paths in it are resolved against its folder).
struct ConfigFile {
  std::string name;
  std::filesystem::path path;
};

// Returns `text` with control characters written as \xHH: an error stays one line even when it
// quotes a key or value (or toml++ quotes the text) with a newline in it.
std::string OneLine(std::string_view text);

// Returns true when `url` starts with http:// or https:// and has something after it.
bool IsHttpUrl(std::string_view url);

// Reads typed values out of one TOML table whose keys were checked first against the list of
// keys it may have, so a typo is reported by its own name rather than as a required key missing.
// Every read throws ConfigError for a value of the wrong type or out of range.
class TableReader {
 public:
  // `prefix` names the table in messages ("target[0]."; empty for the file's top level).
  TableReader(const toml::table& table, ConfigFile file, std::string prefix)
      : table_(table), file_(std::move(file)), prefix_(std::move(prefix)) {}

  // Returns a reader of `table`, a table of the same file named `prefix`.
  TableReader Nested(const toml::table& table, std::string prefix) const {
    return TableReader(table, file_, std::move(prefix));
  }

  // Returns "FILE:LINE: KEY: WHAT" on one line, for an error or a warning about `key`.
  std::string Where(const toml::node* node, std::string_view key, std::string_view what) const;

  // Throws ConfigError(Where(node, key, what)).
  [[noreturn]] void Fail(const toml::node* node, std::string_view key,
                         std::string_view what) const;

  const toml::node* Find(std::string_view key) const { return table_.get(key); }

  std::optional<std::string> String(std::string_view key) const;

  // Returns the string at `key`; fails when it is missing or empty.
  std::string RequiredString(std::string_view key) const;

  std::optional<std::int64_t> Integer(std::string_view key, std::int64_t min,
                                      std::int64_t max) const;

  std::optional<bool> Boolean(std::string_view key) const;

  // Returns the array of non-empty strings at `key`.
  std::optional<std::vector<std::string>> Strings(std::string_view key) const;

  // Returns `value` as a path, made absolute against the config file's folder when relative.
  std::filesystem::path Resolve(const std::string& value) const;

  // Returns the string at `key` as a path, resolved as Resolve does.
  std::optional<std::filesystem::path> Path(std::string_view key) const;

  // Fails on the first key of the table that is not in `known`, suggesting the known key it
  // was probably meant to be.
  void RejectUnknownKeys(KeyList known) const;

 private:
  const toml::table& table_;
  ConfigFile file_;
  std::string prefix_;
};

}  // namespace deployhook
