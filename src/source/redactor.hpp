#pragma once
// Keeping secret values out of what a run shows: its log, and through it the history's readers,
// notifications and the read side.

#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

constexpr std::string_view REDACTED = "[redacted]";

class Redactor {
 public:
  // Values shorter than this are left alone: "true" or "5432" everywhere in a log would make it
  // unreadable, and are no secrets worth the name.
  static constexpr std::size_t MIN_LENGTH = 6;

  // Adds a value to hide; too short ones, and ones it has, are ignored.
  void Add(std::string_view value);
  // Returns `text` with every value it was given replaced by [redacted], longest first.
  std::string Apply(std::string_view text) const;
  bool Empty() const noexcept { return values_.empty(); }

 private:
  std::vector<std::string> values_;  // longest first
};

// Returns the values a decrypted file holds: each VALUE of a KEY=VALUE line (quotes removed),
// and each other non-blank line, trimmed, as a whole.
std::vector<std::string> SecretValues(std::string_view content);

}  // namespace deployhook
