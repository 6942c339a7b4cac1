#pragma once
// How a compose target's new containers replace the old ones: in place (`recreate`, `up -d`:
// a short outage) or beside them (`blue-green`: two slots behind the front door, switched once
// the new slot is healthy and ready).

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

enum class Strategy { Recreate, BlueGreen };

// What `upstream_file` holds: an nginx `server ADDR;` line for an upstream block, or a Caddy
// `reverse_proxy ADDR` line to import.
enum class UpstreamFormat { Nginx, Caddy };

// One of the two addresses a blue-green service listens on.
struct SlotAddress {
  std::string host;  // as written; an IPv6 address without its brackets
  int port = 0;
  std::string text;  // HOST:PORT as configured ("[::1]:8081" for IPv6)
};

struct BlueGreenSettings {
  std::array<SlotAddress, 2> slots;  // blue's, then green's
  std::filesystem::path upstream_file;
  UpstreamFormat upstream_format = UpstreamFormat::Nginx;
  std::vector<std::string> reload;  // argv that makes the front door re-read upstream_file
  std::optional<std::string> ready_path;  // GET through the slot must answer 2xx before the switch
  int drain = 10;                          // seconds the old slot keeps running after the switch
  std::optional<std::string> release;      // a compose service run once from the new images
};

// Returns the config name of a strategy: "recreate" or "blue-green".
std::string_view StrategyName(Strategy strategy) noexcept;

// Returns the config name of a format: "nginx" or "caddy".
std::string_view UpstreamFormatName(UpstreamFormat format) noexcept;

// Reads "HOST:PORT" ("[V6]:PORT" for IPv6); nothing when it is not one (a port outside 1-65535,
// no host, a space).
std::optional<SlotAddress> ParseSlotAddress(std::string_view text);

}  // namespace deployhook
