#include "config/rollout.hpp"

#include <algorithm>
#include <charconv>

namespace deployhook {

std::string_view StrategyName(Strategy strategy) noexcept {
  return strategy == Strategy::BlueGreen ? "blue-green" : "recreate";
}

std::string_view UpstreamFormatName(UpstreamFormat format) noexcept {
  return format == UpstreamFormat::Caddy ? "caddy" : "nginx";
}

std::optional<SlotAddress> ParseSlotAddress(std::string_view text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // an IPv6 address needs its brackets
  }
  bool plain = std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == ':';
  });
  int number = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (host.empty() || !plain || port.empty() || error != std::errc() ||
      end != port.data() + port.size() || number < 1 || number > 65535) {
    return std::nullopt;
  }
  return SlotAddress{.host = std::string(host), .port = number, .text = std::string(text)};
}

}  // namespace deployhook
