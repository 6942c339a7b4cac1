#include "listen_address.hpp"

#include <charconv>

namespace deployhook {

std::optional<ListenAddress> ParseListenAddress(std::string_view text) {
  ListenAddress address;
  constexpr std::string_view UNIX = "unix:";
  if (text.starts_with(UNIX)) {
    address.is_unix = true;
    address.path = std::string(text.substr(UNIX.size()));
    // sockaddr_un holds 108 bytes including the terminator.
    if (address.path.empty() || address.path.front() != '/' || address.path.size() > 107) {
      return std::nullopt;
    }
    return address;
  }
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view port = text.substr(colon + 1);
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (error != std::errc() || end != port.data() + port.size() || address.port < 1 ||
      address.port > 65535) {
    return std::nullopt;
  }
  address.host = std::string(text.substr(0, colon));
  return address;
}

}  // namespace deployhook
