#pragma once
// A FastCGI request as plain values: what the accept loop hands to the handler.

#include <optional>
#include <string_view>

namespace deployhook {

struct RequestHead {
  std::string_view method;                        // REQUEST_METHOD
  std::optional<std::string_view> content_length; // CONTENT_LENGTH, absent when not sent
  std::string_view content_type;                  // CONTENT_TYPE
  std::optional<std::string_view> signature;      // HTTP_X_HUB_SIGNATURE_256
  std::string_view event;                         // HTTP_X_GITHUB_EVENT
  std::string_view delivery;                      // HTTP_X_GITHUB_DELIVERY
};

enum class BodyFormat { Json, Form };

}  // namespace deployhook
