#include "config/rollout_config.hpp"

#include <array>

namespace deployhook {
namespace {

constexpr std::array<std::string_view, 7> BLUE_GREEN_KEYS = {
    "slots", "upstream_file", "upstream_format", "reload", "ready_path", "drain", "release"};

std::array<SlotAddress, 2> ReadSlots(const TableReader& reader) {
  const toml::node* node = reader.Find("slots");
  std::vector<std::string> slots = reader.Strings("slots").value_or(std::vector<std::string>{});
  if (slots.size() != 2) reader.Fail(node, "slots", "blue-green needs two addresses, HOST:PORT each");
  std::array<SlotAddress, 2> parsed;
  for (std::size_t i = 0; i < 2; ++i) {
    std::optional<SlotAddress> address = ParseSlotAddress(slots[i]);
    if (!address) reader.Fail(node, "slots", "\"" + slots[i] + "\" is not HOST:PORT");
    parsed[i] = std::move(*address);
  }
  if (parsed[0].host == parsed[1].host && parsed[0].port == parsed[1].port) {
    reader.Fail(node, "slots", "the two slots must differ");
  }
  return parsed;
}

BlueGreenSettings ReadBlueGreen(const TableReader& reader) {
  BlueGreenSettings settings;
  settings.slots = ReadSlots(reader);
  std::optional<std::filesystem::path> upstream = reader.Path("upstream_file");
  if (!upstream) reader.Fail(nullptr, "upstream_file", "missing: blue-green writes the live slot there");
  settings.upstream_file = *upstream;
  if (std::optional<std::string> format = reader.String("upstream_format")) {
    if (*format == "caddy") {
      settings.upstream_format = UpstreamFormat::Caddy;
    } else if (*format != "nginx") {
      reader.Fail(reader.Find("upstream_format"), "upstream_format", "must be \"nginx\" or \"caddy\"");
    }
  }
  std::optional<std::vector<std::string>> reload = reader.Strings("reload");
  if (!reload || reload->empty()) {
    reader.Fail(reader.Find("reload"), "reload", "blue-green needs the command that reloads the front door");
  }
  settings.reload = std::move(*reload);
  settings.ready_path = reader.String("ready_path");
  if (settings.ready_path && !settings.ready_path->starts_with('/')) {
    reader.Fail(reader.Find("ready_path"), "ready_path", "must begin with /");
  }
  settings.drain = static_cast<int>(reader.Integer("drain", 0, 3600).value_or(10));
  settings.release = reader.String("release");
  if (settings.release && settings.release->empty()) {
    reader.Fail(reader.Find("release"), "release", "must name a compose service");
  }
  return settings;
}

}  // namespace

void ReadRollout(const TableReader& reader, Target& target) {
  if (std::optional<std::string> strategy = reader.String("strategy")) {
    if (*strategy == "blue-green") {
      target.strategy = Strategy::BlueGreen;
    } else if (*strategy != "recreate") {
      reader.Fail(reader.Find("strategy"), "strategy", "must be \"recreate\" or \"blue-green\"");
    }
  }
  if (target.strategy != Strategy::BlueGreen) {
    for (std::string_view key : BLUE_GREEN_KEYS) {
      if (reader.Find(key) != nullptr) reader.Fail(reader.Find(key), key, "only for strategy = \"blue-green\"");
    }
    return;
  }
  if (target.kind != TargetKind::Compose) {
    reader.Fail(reader.Find("strategy"), "strategy", "blue-green is for kind = \"compose\"");
  }
  target.blue_green = ReadBlueGreen(reader);
}

}  // namespace deployhook
