#include "deploy/slots.hpp"

#include <cctype>
#include <vector>

namespace deployhook {
namespace {

// Returns the words of `line` before a '#', split at blanks, a trailing ';' apart.
std::vector<std::string_view> Words(std::string_view line) {
  line = line.substr(0, line.find('#'));
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && std::isspace(static_cast<unsigned char>(line[at]))) ++at;
    std::size_t end = at;
    while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end])) && line[end] != ';') ++end;
    if (end > at) words.push_back(line.substr(at, end - at));
    at = end == at ? end + 1 : end;
  }
  return words;
}

}  // namespace

std::string_view SlotName(Slot slot) noexcept { return slot == Slot::Blue ? "blue" : "green"; }

Slot OtherSlot(Slot slot) noexcept { return slot == Slot::Blue ? Slot::Green : Slot::Blue; }

std::string SlotProject(std::string_view project, Slot slot) {
  return std::string(project) + "-" + std::string(SlotName(slot));
}

const SlotAddress& SlotAt(const BlueGreenSettings& settings, Slot slot) noexcept {
  return settings.slots[slot == Slot::Blue ? 0 : 1];
}

std::string DefaultProjectName(std::string_view directory) {
  while (directory.size() > 1 && directory.back() == '/') directory.remove_suffix(1);
  std::string_view last = directory.substr(directory.rfind('/') + 1);
  std::string name;
  for (char c : last) {
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '_' || lower == '-') {
      name += lower;
    }
  }
  return name;
}

SlotChoice ChooseSlots(const SlotsSeen& seen) noexcept {
  SlotChoice choice;
  if (seen.blue_running != seen.green_running) {
    choice.live = seen.blue_running ? Slot::Blue : Slot::Green;
    choice.reconcile = seen.upstream == choice.live ? Reconcile::None : Reconcile::WriteAndReload;
  } else if (seen.blue_running) {
    choice.live = seen.upstream.value_or(Slot::Blue);
    choice.reconcile = seen.upstream ? Reconcile::Reload : Reconcile::WriteAndReload;
  } else {
    return choice;  // the first run: blue, and nothing to bring in line
  }
  choice.next = OtherSlot(*choice.live);
  return choice;
}

std::string UpstreamText(UpstreamFormat format, const SlotAddress& address, std::string_view target) {
  std::string text = "# Written by deployhook: the live slot of target " + std::string(target) + ".\n";
  if (format == UpstreamFormat::Caddy) return text + "reverse_proxy " + address.text + "\n";
  return text + "server " + address.text + ";\n";
}

std::optional<Slot> UpstreamSlot(std::string_view text, const BlueGreenSettings& settings) {
  std::optional<Slot> found;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::vector<std::string_view> words = Words(text.substr(start, end - start));
    if (words.size() >= 2 && (words[0] == "server" || words[0] == "reverse_proxy")) {
      for (Slot slot : {Slot::Blue, Slot::Green}) {
        if (words[1] != SlotAt(settings, slot).text) continue;
        if (found && *found != slot) return std::nullopt;  // both named: neither is live
        found = slot;
      }
    }
    start = end + 1;
  }
  return found;
}

}  // namespace deployhook
