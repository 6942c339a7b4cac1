#include "state/pause.hpp"

#include <simdjson.h>

#include <system_error>

#include "state/durable_file.hpp"
#include "util/json_reader.hpp"
#include "util/json_writer.hpp"
#include "state/state_owner.hpp"

namespace deployhook {

std::string SerializePause(const Pause& pause) {
  return JsonObject().Add("user", pause.user).Add("reason", pause.reason).Add("since", pause.since).Str();
}

std::optional<Pause> ParsePause(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object)) return std::nullopt;
  Pause pause;
  if (!ReadStringFields(object, {{"user", &pause.user}, {"reason", &pause.reason}, {"since", &pause.since}})) {
    return std::nullopt;
  }
  return pause;
}

std::filesystem::path PausePath(const std::filesystem::path& state_dir, std::string_view target) {
  return state_dir / "paused" / (std::string(target) + ".json");
}

std::optional<Pause> ReadPause(const std::filesystem::path& state_dir, std::string_view target) {
  std::string content;
  try {
    if (!ReadWholeFile(PausePath(state_dir, target), content)) return std::nullopt;
  } catch (const StorageError&) {
    return Pause{};
  }
  return ParsePause(content).value_or(Pause{});
}

void WritePause(const std::filesystem::path& state_dir, std::string_view target, const Pause& pause) {
  std::filesystem::path path = PausePath(state_dir, target);
  // `sudo deployhook pause` leaves nothing the worker (state_dir's owner) cannot replace.
  std::optional<FileOwner> owner = StateOwner(state_dir);
  EnsureOwnedDirectory(path.parent_path(), owner);
  WriteFileDurably(path, SerializePause(pause) + "\n", owner);
}

bool ClearPause(const std::filesystem::path& state_dir, std::string_view target) {
  std::error_code error;
  bool removed = std::filesystem::remove(PausePath(state_dir, target), error);
  if (error) throw StorageError("cannot resume " + std::string(target) + ": " + error.message());
  return removed;
}

}  // namespace deployhook
