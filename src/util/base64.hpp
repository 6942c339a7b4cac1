#pragma once
// Standard base64 (RFC 4648, with padding), through OpenSSL.

#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

// Returns `bytes` in standard base64 with padding.
std::string Base64Encode(std::string_view bytes);

// Returns the decoded bytes, or nothing for text that is not padded standard base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace deployhook
