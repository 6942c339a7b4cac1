#include "http/response.hpp"

namespace deployhook {

int HttpStatus(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::MethodNotAllowed: return 405;
    case Outcome::LengthRequired: return 411;
    case Outcome::TooLarge: return 413;
    case Outcome::UnsupportedMediaType: return 415;
    case Outcome::BadRequest: return 400;
    case Outcome::InvalidSignature: return 401;
    case Outcome::BadPayload: return 400;
    case Outcome::Pong: return 200;
    case Outcome::Ignored: return 200;
    case Outcome::Duplicate: return 200;
    case Outcome::Queued: return 202;
    case Outcome::Unavailable: return 503;
    case Outcome::Error: return 500;
  }
  return 500;
}

std::string_view OutcomeName(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::MethodNotAllowed: return "method_not_allowed";
    case Outcome::LengthRequired: return "length_required";
    case Outcome::TooLarge: return "too_large";
    case Outcome::UnsupportedMediaType: return "unsupported_media_type";
    case Outcome::BadRequest: return "bad_request";
    case Outcome::InvalidSignature: return "invalid_signature";
    case Outcome::BadPayload: return "bad_payload";
    case Outcome::Pong: return "pong";
    case Outcome::Ignored: return "ignored";
    case Outcome::Duplicate: return "duplicate";
    case Outcome::Queued: return "queued";
    case Outcome::Unavailable: return "unavailable";
    case Outcome::Error: return "error";
  }
  return "error";
}

JsonObject StatusObject(Outcome outcome) {
  JsonObject body;
  body.Add("status", OutcomeName(outcome));
  return body;
}

Response MakeResponse(Outcome outcome, const JsonObject& body) {
  Response response;
  response.status = HttpStatus(outcome);
  response.outcome = outcome;
  if (outcome == Outcome::MethodNotAllowed) response.headers.emplace_back("Allow", "POST");
  response.body = body.Str() + "\n";
  return response;
}

Response MakeResponse(Outcome outcome) { return MakeResponse(outcome, StatusObject(outcome)); }

std::string FormatCgiResponse(const Response& response) {
  std::string out = "Status: " + std::to_string(response.status) + "\r\n";
  out += "Content-Type: " + response.content_type + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += response.body;
  return out;
}

}  // namespace deployhook
