#include "http/request_arrival.hpp"

namespace deployhook {
namespace {

constexpr std::size_t HEADER_BYTES = 8;
constexpr std::uint8_t VERSION = 1;
// Record types a web server sends for a request (FastCGI 1.0, section 8).
constexpr std::uint8_t BEGIN_REQUEST = 1;
constexpr std::uint8_t PARAMS = 4;
constexpr std::uint8_t STDIN = 5;

// Reads one name or value length (1 byte, or 4 with the high bit set) at `at`; nothing when
// the stream ends first.
std::optional<std::size_t> ReadLength(const std::string& stream, std::size_t& at) {
  if (at >= stream.size()) return std::nullopt;
  auto byte = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<std::uint8_t>(stream[i])); };
  if ((byte(at) & 0x80) == 0) return byte(at++);
  if (stream.size() - at < 4) return std::nullopt;
  std::size_t length = (byte(at) & 0x7f) << 24 | byte(at + 1) << 16 | byte(at + 2) << 8 | byte(at + 3);
  at += 4;
  return length;
}

// Decodes the name-value pairs of the FCGI_PARAMS stream; nothing when they do not fit it.
std::optional<CgiParams> DecodeParams(const std::string& stream) {
  CgiParams params;
  std::size_t at = 0;
  while (at < stream.size()) {
    std::optional<std::size_t> name = ReadLength(stream, at);
    std::optional<std::size_t> value = name ? ReadLength(stream, at) : std::nullopt;
    if (!value || stream.size() - at < *name + *value) return std::nullopt;
    params.emplace_back(stream.substr(at, *name), stream.substr(at + *name, *value));
    at += *name + *value;
  }
  return params;
}

}  // namespace

ArrivalScan ScanRequest(std::span<const std::uint8_t> input) {
  ArrivalScan scan;
  std::string params;  // the FCGI_PARAMS stream's content, joined
  std::size_t at = 0;
  bool begun = false;
  while (input.size() - at >= HEADER_BYTES) {
    const std::uint8_t* header = input.data() + at;
    std::uint8_t type = header[1];
    std::size_t content = static_cast<std::size_t>(header[4]) << 8 | header[5];
    std::size_t record = HEADER_BYTES + content + header[6];
    bool expected = begun ? (type == PARAMS && !scan.params) || (type == STDIN && scan.params)
                          : type == BEGIN_REQUEST;
    if (header[0] != VERSION || !expected) {
      scan.arrival = Arrival::Unreadable;
      return scan;
    }
    begun = true;
    if (input.size() - at < record) return scan;
    if (type == PARAMS && content == 0) {
      scan.params = DecodeParams(params);
      if (!scan.params) {
        scan.arrival = Arrival::Unreadable;
        return scan;
      }
    } else if (type == PARAMS) {
      params.append(reinterpret_cast<const char*>(header + HEADER_BYTES), content);
    } else if (type == STDIN && content == 0) {
      scan.arrival = Arrival::Complete;
      return scan;
    }
    at += record;
  }
  return scan;
}

std::optional<std::string_view> FindParam(const CgiParams& params, std::string_view name) noexcept {
  for (const auto& [key, value] : params) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace deployhook
