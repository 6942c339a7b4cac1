#include "config/listen_address.hpp"

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
  std::string_view host = text.substr(0, colon);
  if (host.starts_with('[')) {
    // "[addr]:port": the brackets only delimit an IPv6 address; getaddrinfo wants it bare.
    if (host.size() < 3 || !host.ends_with(']')) return std::nullopt;
    host = host.substr(1, host.size() - 2);
    if (host.find_first_of("[]") != std::string_view::npos) return std::nullopt;
  } else if (host.find_first_of(":[]") != std::string_view::npos) {
    return std::nullopt;  // an IPv6 address without brackets: its last group would pass for the port
  }
  address.host = std::string(host);
  return address;
}

}  // namespace deployhook
