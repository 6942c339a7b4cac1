#pragma once
// Whether a FastCGI request has arrived whole, judged from the start of a connection's unread
// input (peeked, not read), so that a connection can wait for its request without a thread;
// and its CGI parameters once its head has arrived, so that a request refused by its head
// need not wait for its body.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace deployhook {

enum class Arrival {
  Complete,    // every record up to the empty FCGI_STDIN record that ends the request
  Partial,     // the beginning of a request; the rest has not arrived
  Unreadable,  // not the records of a responder request: libfcgi reads and refuses them
};

using CgiParams = std::vector<std::pair<std::string, std::string>>;

struct ArrivalScan {
  Arrival arrival = Arrival::Partial;
  std::optional<CgiParams> params;  // once every FCGI_PARAMS record has arrived
};

// Returns how much of a request `input` holds (the first bytes waiting on a connection), and
// its parameters when they are all there. Parameters that cannot be decoded make it Unreadable.
ArrivalScan ScanRequest(std::span<const std::uint8_t> input);

// Returns the value of parameter `name`, or nothing.
std::optional<std::string_view> FindParam(const CgiParams& params, std::string_view name) noexcept;

}  // namespace deployhook
