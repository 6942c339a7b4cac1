#pragma once
// ADDR on the command line and in the config: "unix:/path/to.sock", "HOST:PORT" or
// "[IPV6]:PORT".

#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

struct ListenAddress {
  bool is_unix = false;
  std::string path;  // unix socket path
  std::string host;  // TCP host ("" or "*" for every address); an IPv6 address without brackets
  int port = 0;
};

// Returns the parsed address, or nothing when `text` is none of the forms (an IPv6 host must
// be bracketed).
std::optional<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace deployhook
