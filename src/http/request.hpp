#pragma once
// A FastCGI request as plain values: what the accept loop hands to the handler.

#include <optional>
#include <string_view>

#include "forge/forge.hpp"

namespace deployhook {

struct RequestHead {
  std::string_view method;                        // REQUEST_METHOD
  std::optional<std::string_view> content_length; // CONTENT_LENGTH, absent when not sent
  std::string_view content_type;                  // CONTENT_TYPE
  ForgeHeaders headers;                           // the forges' headers (FORGE_HEADERS)
};

enum class BodyFormat { Json, Form };

}  // namespace deployhook
