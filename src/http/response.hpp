#pragma once
// Every answer deployhook gives, and the one place each maps to an HTTP status.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json_writer.hpp"

namespace deployhook {

enum class Outcome {
  MethodNotAllowed,
  LengthRequired,
  TooLarge,
  UnsupportedMediaType,
  BadRequest,
  InvalidSignature,
  BadPayload,
  Pong,
  Ignored,
  Duplicate,
  Queued,
  Unavailable,
  Error,
};

struct Response {
  int status = 500;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
  std::string content_type = "application/json";
  std::optional<Outcome> outcome;  // the decision on a delivery; none for the read side
};

int HttpStatus(Outcome outcome) noexcept;

// Returns the `status` field's value: "queued", "invalid_signature", ...
std::string_view OutcomeName(Outcome outcome) noexcept;

// Returns a JSON object builder that already holds {"status": OutcomeName(outcome)}.
JsonObject StatusObject(Outcome outcome);

// Returns the response for `outcome` with `body` (which must come from StatusObject(outcome)).
Response MakeResponse(Outcome outcome, const JsonObject& body);
Response MakeResponse(Outcome outcome);

// Returns the CGI response text: Status and Content-Type lines, extra headers, blank line, body.
std::string FormatCgiResponse(const Response& response);

}  // namespace deployhook
