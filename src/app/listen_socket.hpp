#pragma once
// The listening socket the FastCGI accept loop serves.

#include <optional>
#include <string>

#include "config/listen_address.hpp"
#include "util/unique_fd.hpp"

namespace deployhook {

struct SocketOptions {
  unsigned mode = 0660;                     // for a unix socket created here
  std::optional<std::string> group;         // owner group of that socket
};

// Creates, binds and listens on `address`. A unix socket gets `options.mode` and group before
// it accepts anything; a stale socket file nobody listens on is replaced, a live one is not.
// Throws std::runtime_error saying what failed.
UniqueFd OpenListenSocket(const ListenAddress& address, const SocketOptions& options);

// Returns true when `fd` is a listening stream socket (as systemd or spawn-fcgi pass on fd 0).
bool IsListeningSocket(int fd) noexcept;

}  // namespace deployhook
