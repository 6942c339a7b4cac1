#pragma once
// Blue-green slots: which of a target's two slots serves now and which one a run starts the new
// version in, from what the engine runs and what upstream_file names. Pure: the blue-green
// backend gathers both and acts on the choice.

#include <optional>
#include <string>
#include <string_view>

#include "config/rollout.hpp"

namespace deployhook {

enum class Slot { Blue, Green };

// Returns "blue" or "green".
std::string_view SlotName(Slot slot) noexcept;

Slot OtherSlot(Slot slot) noexcept;

// Returns the compose project of `slot`: "<project>-blue" or "<project>-green".
std::string SlotProject(std::string_view project, Slot slot);

// Returns the address `slot` listens on (slots[0] is blue's).
const SlotAddress& SlotAt(const BlueGreenSettings& settings, Slot slot) noexcept;

// Returns the compose project name Compose gives `directory`'s project: its last component in
// lower case, keeping [a-z0-9_-] only.
std::string DefaultProjectName(std::string_view directory);

// What brings the front door in line with the live slot before a run changes anything.
enum class Reconcile {
  None,            // upstream_file names the live slot, and no switch was cut short
  Reload,          // both slots run: a switch may have stopped between the write and the reload
  WriteAndReload,  // upstream_file names no slot, or one that is not running
};

struct SlotsSeen {
  bool blue_running = false;   // the slot's project has a running container
  bool green_running = false;
  std::optional<Slot> upstream;  // the slot upstream_file names; nothing when it names none
};

struct SlotChoice {
  std::optional<Slot> live;  // serving now; nothing before the first run
  Slot next = Slot::Blue;    // where the new version starts
  Reconcile reconcile = Reconcile::None;
};

// Chooses from what the engine runs first, upstream_file second: one slot running is live
// whatever the file says; both running (a run cut short) leaves live the one the file names.
SlotChoice ChooseSlots(const SlotsSeen& seen) noexcept;

// Returns upstream_file's content naming `address`: `server ADDR;` (nginx) or
// `reverse_proxy ADDR` (Caddy), after a comment line.
std::string UpstreamText(UpstreamFormat format, const SlotAddress& address, std::string_view target);

// Returns the slot whose address `text` (upstream_file's content) names in a `server` or
// `reverse_proxy` line; nothing when it names neither, or both.
std::optional<Slot> UpstreamSlot(std::string_view text, const BlueGreenSettings& settings);

}  // namespace deployhook
