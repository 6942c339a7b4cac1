#include "deploy/slot_conflicts.hpp"

#include <charconv>
#include <optional>

namespace deployhook {
namespace {

std::size_t Indent(std::string_view line) {
  std::size_t at = line.find_first_not_of(' ');
  return at == std::string_view::npos ? line.size() : at;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"' || text.front() == '\'')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '"' || text.back() == '\'' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<int> Number(std::string_view text) {
  text = Trim(text);
  std::size_t dash = text.find('-');  // a range: its first port
  if (dash != std::string_view::npos) text = text.substr(0, dash);
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Returns the host port a short-syntax entry ("127.0.0.1:8080:80/tcp", "8080:80") publishes;
// nothing for an entry that publishes none ("80": a port Docker picks).
std::optional<int> ShortSyntaxPort(std::string_view entry) {
  entry = Trim(entry);
  std::size_t last = entry.rfind(':');
  if (last == std::string_view::npos) return std::nullopt;
  std::string_view before = entry.substr(0, last);
  std::size_t previous = before.rfind(':');
  return Number(previous == std::string_view::npos ? before : before.substr(previous + 1));
}

}  // namespace

std::vector<std::string> SlotConflicts(std::string_view compose_config, int slot_port) {
  std::vector<std::string> conflicts;
  bool in_services = false;
  bool in_ports = false;
  std::string service;
  std::size_t start = 0;
  while (start < compose_config.size()) {
    std::size_t end = compose_config.find('\n', start);
    if (end == std::string_view::npos) end = compose_config.size();
    std::string_view line = compose_config.substr(start, end - start);
    start = end + 1;
    std::size_t indent = Indent(line);
    std::string_view text = line.substr(indent);
    if (text.empty() || text.front() == '#') continue;
    if (indent == 0) {
      in_services = text == "services:";
      in_ports = false;
      continue;
    }
    if (!in_services) continue;
    if (indent == 2 && text.back() == ':') {
      service = std::string(text.substr(0, text.size() - 1));
      in_ports = false;
      continue;
    }
    // Compose v1 writes a list's items at its key's indent, v2 two further in.
    if (indent == 4 && !(in_ports && text.starts_with("- "))) {
      in_ports = text == "ports:";
      if (text.starts_with("container_name:")) {
        conflicts.push_back("service " + service + ": container_name " + std::string(Trim(text.substr(15))) +
                            ": two slots cannot both have it");
      }
      continue;
    }
    if (!in_ports) continue;
    if (text.starts_with("- ")) text.remove_prefix(2);
    std::optional<int> published;
    if (text.starts_with("published:")) {
      published = Number(text.substr(10));
    } else if (text.find(": ") == std::string_view::npos && !text.ends_with(':')) {
      published = ShortSyntaxPort(text);
    }
    if (published && *published != slot_port) {
      conflicts.push_back("service " + service + ": ports: host port " + std::to_string(*published) +
                          " is not the slot's; publish ${DEPLOYHOOK_PORT} (two slots cannot both have it)");
    }
  }
  return conflicts;
}

}  // namespace deployhook
