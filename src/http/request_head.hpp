#pragma once
// The checks that run on a request's CGI parameters before a byte of its body is read.

#include <cstdint>
#include <optional>
#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"

namespace deployhook {

struct HeadCheck {
  std::optional<Outcome> rejection;  // set when the request is answered without its body
  std::uint64_t length = 0;          // the announced body length, when accepted
  BodyFormat format = BodyFormat::Json;
};

// Applies SPEC's first checks in order: POST only, a parsable CONTENT_LENGTH, at most
// `max_body_bytes`, a JSON or form content type.
HeadCheck CheckHead(const RequestHead& head, std::uint64_t max_body_bytes) noexcept;

// Returns the value of a decimal CONTENT_LENGTH, or nothing unless it is 1-19 digits only.
std::optional<std::uint64_t> ParseContentLength(std::string_view text) noexcept;

// Returns the body format a Content-Type names (parameters like charset ignored), or nothing.
std::optional<BodyFormat> ParseContentType(std::string_view text) noexcept;

}  // namespace deployhook
