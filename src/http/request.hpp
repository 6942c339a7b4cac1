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
  // The name a per-target path gives (POST <hook_path>/<name>); absent on the hook path itself.
  std::optional<std::string_view> target;
};

enum class BodyFormat { Json, Form };

}  // namespace deployhook
