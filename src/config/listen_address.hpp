#pragma once
// ADDR on the command line and in the config: "unix:/path/to.sock" or "HOST:PORT".

#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

struct ListenAddress {
  bool is_unix = false;
  std::string path;  // unix socket path
  std::string host;  // TCP host ("" or "*" for every address)
  int port = 0;
};

// Returns the parsed address, or nothing when `text` is neither form.
std::optional<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace deployhook
