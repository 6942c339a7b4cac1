#pragma once
// A paused target: state_dir/paused/<target>.json. While it is there, deliveries are still
// accepted and queued, but no worker sharing the state_dir starts a run of the target.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

struct Pause {
  std::string user;    // who paused it
  std::string reason;  // may be empty
  std::string since;   // RFC 3339 UTC
};

// Returns the pause as one line of JSON.
std::string SerializePause(const Pause& pause);

// Returns the pause a JSON text describes, or nothing when it is not one.
std::optional<Pause> ParsePause(std::string_view json);

std::filesystem::path PausePath(const std::filesystem::path& state_dir, std::string_view target);

// Returns the target's pause; nothing when it is not paused. A pause file that cannot be parsed
// still pauses (with an empty user and reason): when in doubt, do not deploy.
std::optional<Pause> ReadPause(const std::filesystem::path& state_dir, std::string_view target);

// Pauses the target (again: the newer user and reason replace the older). Throws StorageError.
void WritePause(const std::filesystem::path& state_dir, std::string_view target, const Pause& pause);

// Resumes the target; returns false when it was not paused. Throws StorageError.
bool ClearPause(const std::filesystem::path& state_dir, std::string_view target);

}  // namespace deployhook
